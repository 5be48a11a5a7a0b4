/**
 * The templated webhook: a receiver for CI/CD and retraining triggers (GitHub
 * `repository_dispatch`, a GitLab pipeline trigger, a Jenkins job), whose body is the user's
 * own template with placeholders filled from the notification (docs/alerts.md lists them).
 *
 * Values are escaped for the body's content type: inside a JSON string for JSON (so a template
 * writes `"{{model}}"`; `{{value}}` and `{{threshold}}` are JSON numbers or null and go
 * unquoted), percent-encoded for form bodies, as they are for text. A template is rendered
 * against a sample notification when the rule is stored, so a JSON template that does not
 * parse is refused then, not at 3 a.m. Header values and `secret` are write-only.
 */
import { AlertRuleError, isObject } from "./errors.ts";
import type { Notification } from "./messages.ts";

/** A templated webhook as stored. */
export type TemplateReceiver = {
  type: "template";
  url: string;
  timeoutMs: number;
  /** Sent with every request; values are secrets (tokens), never shown by the API. */
  headers: Record<string, string>;
  contentType: TemplateContentType;
  body: string;
  /** Write-only, for `{{secret}}` in the body (a trigger token that goes in the body). */
  secret?: string;
};

/** The body encodings a template may declare. */
export const TEMPLATE_CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"] as const;
/** One of {@link TEMPLATE_CONTENT_TYPES}. */
export type TemplateContentType = (typeof TEMPLATE_CONTENT_TYPES)[number];

/** The placeholders a template may use, each with what it is filled with. */
export const TEMPLATE_PLACEHOLDERS = {
  model: "the model id",
  version: "the rule's version, or empty",
  rule: "the rule name",
  kind: "the rule kind",
  status: "firing or resolved",
  repeat: "true for a reminder while firing, else false",
  value: "the value read (a number, or null without data)",
  threshold: "the rule's threshold (a number)",
  summary: "one line a person can read",
  startsAt: "when the alert started firing (ISO 8601)",
  endsAt: "when it resolved (ISO 8601), or empty while firing",
  link: "the rule in Driftline's API (generatorURL)",
  delivery: "the notification id (Driftline-Delivery)",
  secret: "the receiver's write-only secret",
} as const;

/** Longest template body and header value, and the most headers. */
export const MAX_TEMPLATE_BODY_LENGTH = 16 * 1024;
export const MAX_TEMPLATE_HEADERS = 10;
const FORBIDDEN_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection"]);
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Parses a template receiver's own fields (url and timeout already parsed). */
export function parseTemplate(v: Record<string, unknown>, at: string, common: { url: string; timeoutMs: number }): TemplateReceiver {
  const contentType = v.contentType ?? "application/json";
  if (typeof contentType !== "string" || !(TEMPLATE_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new AlertRuleError(`${at}.contentType must be one of ${TEMPLATE_CONTENT_TYPES.join(", ")}, got ${JSON.stringify(contentType)}`);
  }
  if (typeof v.body !== "string" || v.body.length === 0 || v.body.length > MAX_TEMPLATE_BODY_LENGTH) {
    throw new AlertRuleError(`${at}.body must be a template string of 1 to ${MAX_TEMPLATE_BODY_LENGTH} characters (placeholders: ${Object.keys(TEMPLATE_PLACEHOLDERS).map((p) => `{{${p}}}`).join(", ")})`);
  }
  for (const match of v.body.matchAll(PLACEHOLDER)) {
    if (!Object.hasOwn(TEMPLATE_PLACEHOLDERS, match[1])) {
      throw new AlertRuleError(`${at}.body uses {{${match[1]}}}, which is not a placeholder (placeholders: ${Object.keys(TEMPLATE_PLACEHOLDERS).join(", ")})`);
    }
  }
  const headers: Record<string, string> = {};
  if (v.headers !== undefined) {
    if (!isObject(v.headers) || Object.keys(v.headers).length > MAX_TEMPLATE_HEADERS) throw new AlertRuleError(`${at}.headers must be an object of at most ${MAX_TEMPLATE_HEADERS} header names to string values`);
    for (const [name, value] of Object.entries(v.headers)) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || FORBIDDEN_HEADERS.has(name.toLowerCase())) throw new AlertRuleError(`${at}.headers: ${JSON.stringify(name)} is not a header a template may set`);
      if (typeof value !== "string" || value.length > 4096 || /[\r\n]/.test(value)) throw new AlertRuleError(`${at}.headers.${name} must be a one-line string of at most 4096 characters`);
      headers[name] = value;
    }
  }
  const out: TemplateReceiver = { type: "template", url: common.url, timeoutMs: common.timeoutMs, headers, contentType: contentType as TemplateContentType, body: v.body };
  if (v.secret !== undefined) {
    if (typeof v.secret !== "string" || v.secret.length === 0 || v.secret.length > 1024) throw new AlertRuleError(`${at}.secret must be a string of 1 to 1024 characters`);
    out.secret = v.secret;
  }
  if (out.contentType === "application/json") {
    try {
      JSON.parse(renderTemplate(out, SAMPLE, "1"));
    } catch (error) {
      throw new AlertRuleError(`${at}.body is not JSON once its placeholders are filled (${error instanceof Error ? error.message : String(error)}): quote string placeholders ("{{model}}"), leave {{value}} and {{threshold}} unquoted`);
    }
  }
  return out;
}

/** The body for one notification: every placeholder filled, escaped for the content type. */
export function renderTemplate(receiver: TemplateReceiver, notification: Notification, deliveryId: string): string {
  const fields: Record<keyof typeof TEMPLATE_PLACEHOLDERS, string | number | null> = {
    model: notification.model,
    version: notification.labels.version ?? "",
    rule: notification.rule,
    kind: notification.kind,
    status: notification.status,
    repeat: String(notification.repeat),
    value: notification.value,
    threshold: notification.threshold,
    summary: notification.summary,
    startsAt: notification.startsAt,
    endsAt: notification.endsAt ?? "",
    link: notification.generatorURL ?? "",
    delivery: deliveryId,
    secret: receiver.secret ?? "",
  };
  return receiver.body.replace(PLACEHOLDER, (_all, name: keyof typeof TEMPLATE_PLACEHOLDERS) => escape(fields[name], receiver.contentType));
}

function escape(value: string | number | null, contentType: TemplateContentType): string {
  if (contentType === "application/json") {
    if (typeof value === "number" || value === null) return value !== null && Number.isFinite(value) ? String(value) : "null";
    return JSON.stringify(value).slice(1, -1);
  }
  const text = value === null ? "" : String(value);
  return contentType === "application/x-www-form-urlencoded" ? encodeURIComponent(text) : text;
}

/** The notification a template is tried against when the rule is stored. */
const SAMPLE: Notification = {
  version: "1",
  status: "firing",
  repeat: false,
  model: "model \"x\"",
  rule: "rule",
  kind: "drift",
  summary: "a summary with \"quotes\" and \\ backslashes",
  labels: { alertname: "rule", model: "m", version: "v1" },
  annotations: {},
  value: 0.5,
  threshold: 0.2,
  resolveThreshold: 0.2,
  query: "q",
  startsAt: "2026-01-01T00:00:00.000Z",
  endsAt: null,
  evaluatedAt: "2026-01-01T00:00:00.000Z",
  generatorURL: "https://driftline.example/api/models/m/alerts/rule",
};
