/** A rule body that cannot be accepted; the message names the field and what is allowed. */
export class AlertRuleError extends Error {
  override readonly name = "AlertRuleError";
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
