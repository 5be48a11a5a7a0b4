/**
 * Alert rules, their state machine, notification messages and webhook signatures: the pure part
 * of alerting, shared by the Worker (which stores, evaluates and delivers) and receivers written
 * in JS (verifySignature). Web-standard globals only.
 */
export { RuleKind, RULE_ACCURACY_METRICS, ACCURACY_WINDOWS_MS, RULE_DRIFT_METHODS, RULE_NAME, DEFAULT_INTERVAL_MS, DEFAULT_REPEAT_INTERVAL_MS, MIN_WINDOW_MS, MAX_WINDOW_MS, firesAbove, parseRule } from "./rule.ts";
export type { AlertRule, RuleLimits } from "./rule.ts";
export { AlertRuleError } from "./errors.ts";
export { MAX_RECEIVERS, PAGERDUTY_EVENTS_URL, RECEIVER_TYPES, publicReceiver } from "./receivers.ts";
export type { PublicReceiver, Receiver, ReceiverAuth, ReceiverType } from "./receivers.ts";
export { ALERTMANAGER_RESEND_MS, alertmanagerAlert, pagerDutyEvent, renderDelivery, resendsWhileFiring } from "./deliveries.ts";
export type { AlertmanagerAlert, Delivery, DeliveryContext } from "./deliveries.ts";
export { TEMPLATE_CONTENT_TYPES, TEMPLATE_PLACEHOLDERS, renderTemplate } from "./template.ts";
export type { TemplateReceiver } from "./template.ts";
export { AlertStatus, initialState, step } from "./state.ts";
export type { AlertState, NotificationEvent, Reading, RuleHealth, StepRule } from "./state.ts";
export { NOTIFICATION_VERSION, alertLabels, describeCondition, notificationOf, slackBody, webhookBody } from "./messages.ts";
export type { Notification } from "./messages.ts";
export { SignatureHeader, SIGNATURE_SCHEME, DEFAULT_TOLERANCE_SECONDS, signatureHeaders, verifySignature } from "./signing.ts";
export { ruleQuery } from "./promql.ts";
export { publicRule } from "./rule-json.ts";
export type { PublicRule } from "./rule-json.ts";
export { formatDurationMs, parseDurationMs } from "./duration.ts";
