/**
 * Alert rules, their state machine, notification messages and webhook signatures: the pure part
 * of alerting, shared by the Worker (which stores, evaluates and delivers) and receivers written
 * in JS (verifySignature). Web-standard globals only.
 */
export { RuleKind, RULE_NAME, DEFAULT_INTERVAL_MS, DEFAULT_REPEAT_INTERVAL_MS, MIN_WINDOW_MS, MAX_WINDOW_MS, firesAbove, parseRule } from "./rule.ts";
export type { AlertRule, RuleLimits } from "./rule.ts";
export { AlertRuleError } from "./errors.ts";
export { MAX_RECEIVERS, PAGERDUTY_EVENTS_URL, RECEIVER_TYPES, maskUrl, publicReceiver } from "./receivers.ts";
export type { PublicReceiver, Receiver, ReceiverAuth, ReceiverType } from "./receivers.ts";
export { ALLOW_LOCAL_RECEIVERS, receiverUrlRefusal } from "./receiver-address.ts";
export type { ReceiverPolicy } from "./receiver-address.ts";
export { ALERTMANAGER_RESEND_MS, alertmanagerAlert, pagerDutyEvent, renderDelivery, resendsWhileFiring } from "./deliveries.ts";
export type { AlertmanagerAlert, Delivery, DeliveryContext } from "./deliveries.ts";
export { TEMPLATE_CONTENT_TYPES, TEMPLATE_PLACEHOLDERS, renderTemplate } from "./template.ts";
export type { TemplateReceiver } from "./template.ts";
export { AlertStatus, initialState, step } from "./state.ts";
export type { AlertState, NotificationEvent, Reading, RuleHealth, StepRule } from "./state.ts";
export { NOTIFICATION_VERSION, alertLabels, describeCondition, notificationOf, seriesNotificationOf, slackBody, webhookBody } from "./messages.ts";
export { MAX_ALERTS_PER_RULE, RESOLVED_RETENTION_MS, fingerprintOf, stepSeries } from "./series-alerts.ts";
export type { OutputSample, SeriesAlert, SeriesEvent, SeriesStep, SeriesStepRule } from "./series-alerts.ts";
export { MAX_EXPR_LENGTH, checkExpr } from "./promql-rule.ts";
export { TEMPLATE_SUPPORT, expandTemplate, goFloatV, humanize, templateRefusal } from "./alert-template.ts";
export type { Notification } from "./messages.ts";
export { SignatureHeader, SIGNATURE_SCHEME, DEFAULT_TOLERANCE_SECONDS, signatureHeaders, verifySignature } from "./signing.ts";
export { ruleQuery } from "./promql.ts";
export { publicRule } from "./rule-json.ts";
export type { PublicRule } from "./rule-json.ts";
export { formatDurationMs, parseDurationMs } from "./duration.ts";
export { MAX_RULE_FILE_BYTES, RuleFileError, readRuleFile, writeRuleFile } from "./rule-file.ts";
export type { ExportRule, FileGroup, FileRule } from "./rule-file.ts";
export { exportRuleFile, rulesOfFile } from "./rule-file-rules.ts";
export type { ModelRules } from "./rule-file-rules.ts";
export { YamlError, parseYaml } from "./yaml.ts";
export type { YamlValue } from "./yaml.ts";
