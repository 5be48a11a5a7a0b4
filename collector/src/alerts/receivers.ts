/**
 * Where a rule's notifications go: a generic JSON webhook signed with HMAC-SHA256
 * (signing.ts), or a Slack incoming webhook. The secret is write-only: {@link publicReceiver}
 * is what any read returns.
 */
import { AlertRuleError, isObject } from "./errors.ts";
import { receiverUrlRefusal } from "./receiver-address.ts";
import type { ReceiverPolicy } from "./receiver-address.ts";

/** A receiver as stored (secret included). */
export type Receiver =
  | { type: "webhook"; url: string; secret: string; timeoutMs: number }
  | { type: "slack"; url: string; timeoutMs: number };

/** A receiver as reads show it: the secret replaced by whether there is one, the URL masked. */
export type PublicReceiver = { type: "webhook" | "slack"; url: string; timeoutSeconds: number; hasSecret?: boolean };

/** Receivers per rule. */
export const MAX_RECEIVERS = 5;
/** Longest receiver URL. */
export const MAX_URL_LENGTH = 2048;
/** Webhook secret length bounds: long enough to be a secret, short enough to be a header-sized key. */
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;
/** Default and longest time a receiver may take to answer before the attempt counts as failed. */
export const DEFAULT_RECEIVER_TIMEOUT_MS = 10_000;
export const MAX_RECEIVER_TIMEOUT_MS = 30_000;

/** Parses the `receivers` field (absent: none, the rule is then only visible in the API and Grafana); `policy` says which hosts may receive. */
export function parseReceivers(value: unknown, policy: ReceiverPolicy): Receiver[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AlertRuleError("receivers must be an array of { type: \"webhook\" | \"slack\", url, ... }");
  if (value.length > MAX_RECEIVERS) throw new AlertRuleError(`${value.length} receivers, more than the limit of ${MAX_RECEIVERS} per rule`);
  return value.map((item, i) => parseReceiver(item, `receivers[${i}]`, policy));
}

function parseReceiver(value: unknown, at: string, policy: ReceiverPolicy): Receiver {
  if (!isObject(value)) throw new AlertRuleError(`${at} must be an object { type, url, ... }`);
  const type = value.type;
  const allowed = type === "webhook" ? ["type", "url", "secret", "timeoutSeconds"] : ["type", "url", "timeoutSeconds"];
  if (type !== "webhook" && type !== "slack") throw new AlertRuleError(`${at}.type must be "webhook" or "slack", got ${JSON.stringify(type)}`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw new AlertRuleError(`unknown field ${JSON.stringify(key)} in ${at} (fields: ${allowed.join(", ")})`);
  const url = value.url;
  if (typeof url !== "string" || url.length > MAX_URL_LENGTH || !isHttpUrl(url)) {
    throw new AlertRuleError(`${at}.url must be an http or https URL of at most ${MAX_URL_LENGTH} characters, got ${JSON.stringify(url)}`);
  }
  const refused = receiverUrlRefusal(new URL(url), policy);
  if (refused !== undefined) throw new AlertRuleError(`${at}.url is refused: ${refused}`);
  let timeoutMs = DEFAULT_RECEIVER_TIMEOUT_MS;
  if (value.timeoutSeconds !== undefined) {
    const s = value.timeoutSeconds;
    if (typeof s !== "number" || !(s >= 1 && s * 1000 <= MAX_RECEIVER_TIMEOUT_MS)) {
      throw new AlertRuleError(`${at}.timeoutSeconds must be from 1 to ${MAX_RECEIVER_TIMEOUT_MS / 1000}, got ${JSON.stringify(s)}`);
    }
    timeoutMs = Math.round(s * 1000);
  }
  if (type === "slack") return { type, url, timeoutMs };
  const secret = value.secret;
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
    throw new AlertRuleError(`${at}.secret must be a string of ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters (the HMAC-SHA256 key the receiver verifies signatures with)`);
  }
  return { type, url, secret, timeoutMs };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** What a read shows of a receiver: never the secret, and the URL masked (a Slack webhook URL is itself a credential). */
export function publicReceiver(receiver: Receiver): PublicReceiver {
  const out: PublicReceiver = { type: receiver.type, url: maskUrl(receiver.url), timeoutSeconds: receiver.timeoutMs / 1000 };
  if (receiver.type === "webhook") out.hasSecret = true;
  return out;
}

/** Characters of a URL's path and query that its mask keeps, from the end. */
export const MASK_TAIL_CHARACTERS = 4;

/**
 * `https://hooks.slack.com/…Xy3Q`: scheme and host (port included, user info dropped), then the
 * last {@link MASK_TAIL_CHARACTERS} characters of the path and query, enough to tell two receivers
 * apart, never enough to use one. A path of at most three times that shows nothing of itself.
 */
export function maskUrl(text: string): string {
  const url = new URL(text);
  const rest = `${url.pathname}${url.search}`;
  const tail = rest.length > 3 * MASK_TAIL_CHARACTERS ? rest.slice(-MASK_TAIL_CHARACTERS) : "";
  return `${url.protocol}//${url.host}/…${tail}`;
}
