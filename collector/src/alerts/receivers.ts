/**
 * Where a rule's notifications go. One entry per receiver type in {@link RECEIVER_TYPES}
 * (STYLE.md rule 13): how its JSON is parsed and what a read shows of it. How each is sent is
 * apart, in deliveries.ts (formatting apart from I/O, as OpenTelemetry's serializer is apart
 * from its exporter). Secrets (webhook keys, routing keys, auth, template headers) are
 * write-only: {@link publicReceiver} is what any read returns.
 */
import { AlertRuleError, isObject } from "./errors.ts";
import { parseTemplate } from "./template.ts";
import type { TemplateReceiver } from "./template.ts";

/** Credentials for a receiver that takes them (Alertmanager behind a proxy). */
export type ReceiverAuth = { basic: { username: string; password: string } } | { bearer: string };

/** A receiver as stored (secrets included). */
export type Receiver =
  | { type: "webhook"; url: string; secret: string; timeoutMs: number }
  | { type: "slack"; url: string; timeoutMs: number }
  | { type: "alertmanager"; url: string; auth?: ReceiverAuth; timeoutMs: number }
  | { type: "pagerduty"; url: string; routingKey: string; timeoutMs: number }
  | TemplateReceiver;

/** A receiver's type name. */
export type ReceiverType = Receiver["type"];

/** A receiver as reads show it: secrets replaced by whether there is one (and header names). */
export type PublicReceiver = {
  type: ReceiverType;
  url: string;
  timeoutSeconds: number;
  hasSecret?: boolean;
  auth?: "basic" | "bearer";
  headers?: string[];
  contentType?: string;
  body?: string;
};

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
/** PagerDuty's Events API v2 endpoint, the default `url` of a pagerduty receiver. */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/** How one receiver type is read from JSON and shown back. */
interface ReceiverType_<R extends Receiver> {
  /** The fields its JSON may have. */
  readonly fields: readonly string[];
  parse(value: Record<string, unknown>, at: string): R;
}

const COMMON = ["type", "url", "timeoutSeconds"];

/** The receiver types: a new one is an entry here and its delivery in deliveries.ts. */
export const RECEIVER_TYPES: { [T in ReceiverType]: ReceiverType_<Extract<Receiver, { type: T }>> } = {
  webhook: {
    fields: [...COMMON, "secret"],
    parse: (v, at) => ({ type: "webhook", url: url(v.url, at), secret: secret(v.secret, `${at}.secret`, "the HMAC-SHA256 key the receiver verifies signatures with"), timeoutMs: timeout(v, at) }),
  },
  slack: {
    fields: COMMON,
    parse: (v, at) => ({ type: "slack", url: url(v.url, at), timeoutMs: timeout(v, at) }),
  },
  alertmanager: {
    fields: [...COMMON, "auth"],
    parse: (v, at) => {
      const out: Extract<Receiver, { type: "alertmanager" }> = { type: "alertmanager", url: url(v.url, at).replace(/\/+$/, ""), timeoutMs: timeout(v, at) };
      if (v.auth !== undefined) out.auth = auth(v.auth, `${at}.auth`);
      return out;
    },
  },
  pagerduty: {
    fields: [...COMMON, "routingKey"],
    parse: (v, at) => ({
      type: "pagerduty",
      url: v.url === undefined ? PAGERDUTY_EVENTS_URL : url(v.url, at),
      routingKey: secret(v.routingKey, `${at}.routingKey`, "the integration's routing key (Events API v2)", 8),
      timeoutMs: timeout(v, at),
    }),
  },
  template: {
    fields: [...COMMON, "headers", "contentType", "body", "secret"],
    parse: (v, at) => parseTemplate(v, at, { url: url(v.url, at), timeoutMs: timeout(v, at) }),
  },
};

/** Parses the `receivers` field (absent: none, the rule is then only visible in the API and Grafana). */
export function parseReceivers(value: unknown): Receiver[] {
  if (value === undefined) return [];
  const types = Object.keys(RECEIVER_TYPES).join(", ");
  if (!Array.isArray(value)) throw new AlertRuleError(`receivers must be an array of { type, url, ... } with type one of ${types}`);
  if (value.length > MAX_RECEIVERS) throw new AlertRuleError(`${value.length} receivers, more than the limit of ${MAX_RECEIVERS} per rule`);
  return value.map((item, i) => parseReceiver(item, `receivers[${i}]`));
}

function parseReceiver(value: unknown, at: string): Receiver {
  if (!isObject(value)) throw new AlertRuleError(`${at} must be an object { type, url, ... }`);
  const type = value.type;
  if (typeof type !== "string" || !Object.hasOwn(RECEIVER_TYPES, type)) {
    throw new AlertRuleError(`${at}.type must be one of ${Object.keys(RECEIVER_TYPES).join(", ")}, got ${JSON.stringify(type)}`);
  }
  const kind = RECEIVER_TYPES[type as ReceiverType];
  for (const key of Object.keys(value)) if (!kind.fields.includes(key)) throw new AlertRuleError(`unknown field ${JSON.stringify(key)} in ${at} (fields: ${kind.fields.join(", ")})`);
  return kind.parse(value, at);
}

/** What a read shows of a receiver: never a secret, a routing key, credentials or header values. */
export function publicReceiver(receiver: Receiver): PublicReceiver {
  const out: PublicReceiver = { type: receiver.type, url: receiver.url, timeoutSeconds: receiver.timeoutMs / 1000 };
  switch (receiver.type) {
    case "webhook":
    case "pagerduty":
      out.hasSecret = true;
      break;
    case "alertmanager":
      if (receiver.auth !== undefined) out.auth = "basic" in receiver.auth ? "basic" : "bearer";
      break;
    case "template":
      out.headers = Object.keys(receiver.headers);
      out.contentType = receiver.contentType;
      out.body = receiver.body;
      out.hasSecret = receiver.secret !== undefined;
      break;
  }
  return out;
}

function url(value: unknown, at: string): string {
  if (typeof value !== "string" || value.length > MAX_URL_LENGTH || !isHttpUrl(value)) {
    throw new AlertRuleError(`${at}.url must be an http or https URL of at most ${MAX_URL_LENGTH} characters, got ${JSON.stringify(value)}`);
  }
  return value;
}

function timeout(value: Record<string, unknown>, at: string): number {
  if (value.timeoutSeconds === undefined) return DEFAULT_RECEIVER_TIMEOUT_MS;
  const s = value.timeoutSeconds;
  if (typeof s !== "number" || !(s >= 1 && s * 1000 <= MAX_RECEIVER_TIMEOUT_MS)) {
    throw new AlertRuleError(`${at}.timeoutSeconds must be from 1 to ${MAX_RECEIVER_TIMEOUT_MS / 1000}, got ${JSON.stringify(s)}`);
  }
  return Math.round(s * 1000);
}

/** A write-only string of `min` to MAX_SECRET_LENGTH characters. */
export function secret(value: unknown, at: string, what: string, min = MIN_SECRET_LENGTH): string {
  if (typeof value !== "string" || value.length < min || value.length > MAX_SECRET_LENGTH) {
    throw new AlertRuleError(`${at} must be a string of ${min} to ${MAX_SECRET_LENGTH} characters (${what})`);
  }
  return value;
}

function auth(value: unknown, at: string): ReceiverAuth {
  if (isObject(value) && typeof value.bearer === "string" && Object.keys(value).length === 1) return { bearer: secret(value.bearer, `${at}.bearer`, "a bearer token", 1) };
  if (isObject(value) && isObject(value.basic) && Object.keys(value).length === 1) {
    const { username, password } = value.basic;
    if (typeof username === "string" && username.length > 0 && username.length <= 256 && !username.includes(":")) {
      return { basic: { username, password: secret(password, `${at}.basic.password`, "the basic-auth password", 1) } };
    }
  }
  throw new AlertRuleError(`${at} must be { "basic": { "username", "password" } } or { "bearer": "<token>" }`);
}

function isHttpUrl(text: string): boolean {
  try {
    const parsed = new URL(text);
    return parsed.protocol === "http:" || parsed.protocol === "https:";
  } catch {
    return false;
  }
}
