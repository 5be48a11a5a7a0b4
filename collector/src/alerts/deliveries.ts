/**
 * How each receiver type is sent a notification: the URL, headers and body of one HTTP POST
 * (formatting only; the outbox in the Worker does the I/O, retries and logging). One entry per
 * type, beside the parsing in receivers.ts.
 */
import { slackBody, webhookBody } from "./messages.ts";
import type { Notification } from "./messages.ts";
import type { Receiver } from "./receivers.ts";
import { SignatureHeader, signatureHeaders } from "./signing.ts";
import { renderTemplate } from "./template.ts";

/** One request to a receiver. */
export type Delivery = { url: string; headers: Record<string, string>; body: string };

/** What a delivery needs beside the notification. */
export type DeliveryContext = {
  /** The notification's id, the same across its retries (Driftline-Delivery). */
  deliveryId: string;
  nowMs: number;
  /** The rule's evaluation period: a firing alert sent to Alertmanager is valid for 4 of them. */
  intervalMs: number;
};

/**
 * Prometheus re-sends firing alerts to Alertmanager at least every minute (`resend_delay`) with
 * `endsAt` four periods ahead, so Alertmanager's resolve timeout never closes an alert that is
 * still firing, and one whose sender died resolves by itself. Driftline does the same, per
 * evaluation.
 */
export const ALERTMANAGER_RESEND_MS = 60_000;

/** The request for one notification to one receiver. */
export async function renderDelivery(receiver: Receiver, notification: Notification, context: DeliveryContext): Promise<Delivery> {
  const json = { "Content-Type": "application/json", [SignatureHeader.delivery]: context.deliveryId };
  switch (receiver.type) {
    case "webhook": {
      const body = webhookBody(notification);
      return { url: receiver.url, body, headers: { "Content-Type": "application/json", ...(await signatureHeaders(receiver.secret, context.nowMs / 1000, body, context.deliveryId)) } };
    }
    case "slack":
      return { url: receiver.url, headers: json, body: slackBody(notification) };
    case "alertmanager": {
      const headers: Record<string, string> = { ...json };
      if (receiver.auth !== undefined) headers.Authorization = "bearer" in receiver.auth ? `Bearer ${receiver.auth.bearer}` : `Basic ${btoa(`${receiver.auth.basic.username}:${receiver.auth.basic.password}`)}`;
      return { url: `${receiver.url}/api/v2/alerts`, headers, body: JSON.stringify([alertmanagerAlert(notification, context)]) };
    }
    case "pagerduty":
      return { url: receiver.url, headers: json, body: JSON.stringify(pagerDutyEvent(notification, receiver.routingKey)) };
    case "template":
      return { url: receiver.url, headers: { ...receiver.headers, "Content-Type": receiver.contentType, [SignatureHeader.delivery]: context.deliveryId }, body: renderTemplate(receiver, notification, context.deliveryId) };
  }
}

/** True for receivers that are sent every evaluation while the alert fires (Alertmanager). */
export function resendsWhileFiring(receiver: Receiver): boolean {
  return receiver.type === "alertmanager";
}

/** One alert of Alertmanager's API v2 (`POST /api/v2/alerts` takes an array of them). */
export type AlertmanagerAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
};

/** The alert as Prometheus would send it: labels, annotations, startsAt, endsAt, generatorURL. */
export function alertmanagerAlert(notification: Notification, context: Pick<DeliveryContext, "nowMs" | "intervalMs">): AlertmanagerAlert {
  const validMs = 4 * Math.max(context.intervalMs, ALERTMANAGER_RESEND_MS);
  // A PromQL rule's alert carries its own templated annotations only, as Prometheus sends it.
  const annotations = notification.kind === "promql"
    ? { ...notification.annotations }
    : { summary: notification.summary, description: `${notification.summary}. Query: ${notification.query}`, ...notification.annotations };
  const alert: AlertmanagerAlert = {
    labels: { ...notification.labels },
    annotations,
    startsAt: notification.startsAt,
    endsAt: notification.status === "resolved" && notification.endsAt !== null ? notification.endsAt : new Date(context.nowMs + validMs).toISOString(),
  };
  if (notification.generatorURL) alert.generatorURL = notification.generatorURL;
  return alert;
}

/** PagerDuty's severities; a rule's `severity` label maps onto them (docs/alerts.md). */
const PAGERDUTY_SEVERITY: Record<string, "critical" | "error" | "warning" | "info"> = {
  critical: "critical",
  page: "critical",
  error: "error",
  high: "error",
  warning: "warning",
  warn: "warning",
  info: "info",
  low: "info",
};

/** An Events API v2 event: `trigger` while firing, `resolve` once, one dedup_key per alert. */
export function pagerDutyEvent(notification: Notification, routingKey: string): Record<string, unknown> {
  // One incident per alert: a PromQL rule has one alert per output series, told apart by fingerprint.
  const dedupKey = `driftline/${notification.model}/${notification.rule}${notification.fingerprint === undefined ? "" : `/${notification.fingerprint}`}`;
  if (notification.status === "resolved") return { routing_key: routingKey, event_action: "resolve", dedup_key: dedupKey };
  const event: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: notification.summary.slice(0, 1024),
      source: `driftline/${notification.model}`,
      severity: PAGERDUTY_SEVERITY[(notification.labels.severity ?? "").toLowerCase()] ?? "warning",
      timestamp: notification.startsAt,
      component: notification.model,
      group: notification.labels.version ?? "",
      class: notification.kind,
      custom_details: { value: notification.value, threshold: notification.threshold, query: notification.query, labels: notification.labels, annotations: notification.annotations },
    },
    client: "Driftline",
  };
  if (notification.generatorURL) {
    event.client_url = notification.generatorURL;
    event.links = [{ href: notification.generatorURL, text: "Driftline alert rule" }];
  }
  return event;
}
