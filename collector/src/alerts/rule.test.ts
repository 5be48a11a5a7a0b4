import { describe, expect, it } from "vitest";
import { AlertRuleError } from "./errors.ts";
import { parseDurationMs, formatDurationMs } from "./duration.ts";
import { ruleQuery } from "./promql.ts";
import { publicRule } from "./rule-json.ts";
import { firesAbove, parseRule } from "./rule.ts";
import type { RuleLimits } from "./rule.ts";

const LIMITS: RuleLimits = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.example.com" } };
const driftBody = { kind: "drift", version: "v1", feature: "income", method: "psi", window: "5m", threshold: 0.2, resolveThreshold: 0.1, for: "5m" };

function refusal(body: unknown, name = "r", limits = LIMITS): string {
  try {
    parseRule(name, "credit", body, limits);
  } catch (error) {
    if (error instanceof AlertRuleError) return error.message;
    throw error;
  }
  throw new Error("accepted");
}

describe("alert rule parsing", () => {
  it("accepts a drift rule and applies the documented defaults", () => {
    const rule = parseRule("income-drift", "credit", driftBody, LIMITS);
    expect(rule).toMatchObject({ kind: "drift", model: "credit", windowMs: 300_000, forMs: 300_000, intervalMs: 60_000, repeatIntervalMs: 4 * 3_600_000, threshold: 0.2, resolveThreshold: 0.1, receivers: [] });
  });

  it("names the field and the limit in every refusal", () => {
    expect(refusal({ ...driftBody, kind: "cpu" })).toMatch(/kind must be one of drift, latency, error_rate, accuracy, no_data/);
    expect(refusal({ ...driftBody, colour: 1 })).toMatch(/unknown field "colour" for kind drift/);
    expect(refusal({ ...driftBody, window: "30s" })).toMatch(/window "30s" is shorter than the minimum of 60 s/);
    expect(refusal({ ...driftBody, window: "2d" })).toMatch(/window "2d" is longer than the maximum of 86400 s/);
    expect(refusal({ ...driftBody, window: "90s" })).toMatch(/window must be whole minutes/);
    expect(refusal({ ...driftBody, interval: "10s" })).toMatch(/interval "10s" is shorter than the minimum of 60 s/);
    expect(refusal({ ...driftBody, resolveThreshold: 0.3 })).toMatch(/resolveThreshold \(0.3\) must be at or below threshold \(0.2\)/);
    expect(refusal({ ...driftBody, version: undefined })).toMatch(/drift rule needs version/);
    expect(refusal({ ...driftBody, method: "kl" })).toMatch(/method must be one of psi, ks, js, wasserstein, hellinger, chisquare/);
    expect(refusal({ kind: "latency", window: "5m", threshold: 0.5, quantile: 1 })).toMatch(/quantile must be a number between 0 and 1/);
    expect(refusal({ kind: "error_rate", window: "5m", threshold: 2 })).toMatch(/threshold is a fraction of predictions, from 0 to 1/);
    expect(refusal({ kind: "no_data" })).toMatch(/no_data rule needs duration/);
    expect(refusal(driftBody, "has space")).toMatch(/rule name "has space" must be 1-64 letters/);
    expect(refusal([])).toMatch(/must be a JSON object/);
  });

  it("refuses receivers it could not deliver to, and a webhook without a usable secret", () => {
    expect(refusal({ ...driftBody, receivers: [{ type: "email", url: "x" }] })).toMatch(/receivers\[0\].type must be one of webhook, slack, alertmanager, pagerduty, template/);
    expect(refusal({ ...driftBody, receivers: [{ type: "slack", url: "ftp://x" }] })).toMatch(/receivers\[0\].url must be an http or https URL/);
    expect(refusal({ ...driftBody, receivers: [{ type: "webhook", url: "https://x.test/hook", secret: "short" }] })).toMatch(/secret must be a string of 16 to 256 characters/);
    expect(refusal({ ...driftBody, receivers: Array(6).fill({ type: "slack", url: "https://x.test" }) })).toMatch(/6 receivers, more than the limit of 5/);
    expect(refusal({ ...driftBody, receivers: [{ type: "slack", url: "https://x.test", timeoutSeconds: 60 }] })).toMatch(/timeoutSeconds must be from 1 to 30/);
  });

  it("accepts accuracy rules on the accuracy store's metrics and windows, firing below a score and above an error", () => {
    const score = parseRule("f1", "m", { kind: "accuracy", version: "v1", metric: "f1", class: "yes", window: "1d", threshold: 0.7, resolveThreshold: 0.75 }, LIMITS);
    expect([firesAbove(score), score.className]).toEqual([false, "yes"]);
    expect(ruleQuery(score)).toBe('driftline_accuracy{model="m", version="v1", metric="f1", class="yes", window="1d"} < 0.7');
    const error = parseRule("mae", "m", { kind: "accuracy", version: "v1", metric: "mae", window: "1h", threshold: 3, resolveThreshold: 2 }, LIMITS);
    expect(firesAbove(error)).toBe(true);
    expect(refusal({ kind: "accuracy", version: "v1", metric: "f1", window: "1h", threshold: 0.7, resolveThreshold: 0.6 })).toMatch(/resolveThreshold \(0.6\) must be at or above threshold \(0.7\)/);
    expect(refusal({ kind: "accuracy", version: "v1", metric: "gini", window: "1h", threshold: 0.7 })).toMatch(/metric must be one of accuracy, precision, recall, f1, auc, log_loss, mae, rmse, mape/);
    expect(refusal({ kind: "accuracy", version: "v1", metric: "mae", class: "yes", window: "1h", threshold: 1 })).toMatch(/class applies to precision, recall, f1 only/);
    expect(refusal({ kind: "accuracy", version: "v1", metric: "f1", window: "10m", threshold: 0.7 })).toMatch(/window must be one of 5m, 1h, 1d, 7d/);
    expect(refusal({ kind: "accuracy", metric: "f1", window: "1h", threshold: 0.7 })).toMatch(/accuracy rule needs version/);
  });

  it("lowers the interval minimum when the limits say so (ALERT_MIN_INTERVAL_SECONDS)", () => {
    const rule = parseRule("r", "m", { ...driftBody, interval: "2s", repeatInterval: "5s" }, { ...LIMITS, minIntervalMs: 1000 });
    expect([rule.intervalMs, rule.repeatIntervalMs]).toEqual([2000, 5000]);
  });

  it("shows a rule without its webhook secret and with its URL masked, in a form that parses back to the same rule", () => {
    const body = { ...driftBody, labels: { team: "risk" }, receivers: [{ type: "webhook", url: "https://hooks.test/a", secret: "s3cret-s3cret-s3cret" }] };
    const rule = parseRule("r", "credit", body, LIMITS);
    const shown = publicRule(rule);
    expect(JSON.stringify(shown)).not.toContain("s3cret");
    expect(shown.receivers).toEqual([{ type: "webhook", url: "https://hooks.test/…", timeoutSeconds: 10, hasSecret: true }]);
    const back = { ...shown, receivers: [{ type: "webhook", url: "https://hooks.test/a", secret: "s3cret-s3cret-s3cret", timeoutSeconds: 10 }] };
    expect(parseRule("r", "credit", back, LIMITS)).toEqual(rule);
  });

  it("writes the equivalent PromQL over the driftline_* series", () => {
    expect(ruleQuery(parseRule("r", "credit", driftBody, LIMITS))).toBe('driftline_feature_drift{model="credit", version="v1", feature="income", method="psi", window="5m"} > 0.2');
    expect(ruleQuery(parseRule("r", "credit", { kind: "latency", quantile: 0.99, window: "5m", threshold: 0.5 }, LIMITS))).toBe(
      'histogram_quantile(0.99, sum by (le, model) (rate(driftline_prediction_duration_seconds_bucket{model="credit"}[5m]))) > 0.5',
    );
  });

  it("parses and writes Prometheus durations", () => {
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs("5x")).toBeUndefined();
    expect(parseDurationMs("")).toBeUndefined();
    expect(formatDurationMs(5_400_000)).toBe("1h30m");
    expect(formatDurationMs(0)).toBe("0s");
  });
});

describe("PromQL rules (kind promql)", () => {
  it("stores expr, for and keep_firing_for, and reads back as written", () => {
    const rule = parseRule("Drifting", "credit", { kind: "promql", expr: "driftline_feature_drift{window=\"1h\"} > 0.2", for: "5m", keep_firing_for: "10m", labels: { severity: "page" } }, LIMITS);
    expect([rule.expr, rule.forMs, rule.keepFiringForMs]).toEqual(["driftline_feature_drift{window=\"1h\"} > 0.2", 300_000, 600_000]);
    expect(ruleQuery(rule)).toBe(rule.expr);
    expect(publicRule(rule)).toMatchObject({ kind: "promql", expr: rule.expr, for: "5m", keep_firing_for: "10m" });
  });

  it("refuses at PUT time an expression Driftline cannot evaluate, naming the problem", () => {
    expect(refusal({ kind: "promql" })).toMatch(/a promql rule needs expr/);
    expect(refusal({ kind: "promql", expr: "sum(rate(x[5m]) > " })).toMatch(/^expr does not parse: 1:\d+: parse error: unexpected end of input/);
    expect(refusal({ kind: "promql", expr: "x[5m]" })).toMatch(/expr gives a range vector/);
    expect(refusal({ kind: "promql", expr: "\"text\"" })).toMatch(/expr gives a string/);
    expect(refusal({ kind: "promql", expr: "x > 1", threshold: 1 })).toMatch(/unknown field "threshold" for kind promql/);
    expect(refusal({ kind: "promql", expr: "x > 1", keep_firing_for: "soon" })).toMatch(/keep_firing_for must be a duration/);
    expect(refusal({ kind: "promql", expr: "x > 1", labels: { alertname: "x" } })).toMatch(/labels.alertname: the rule name is the alertname label/);
    expect(refusal({ kind: "promql", expr: "x > 1", annotations: { summary: "{{ $externalLabels.x }}" } })).toMatch(/annotations.summary: \{\{ \$externalLabels.x \}\} is not supported/);
  });
});

describe("segments on the fixed kinds", () => {
  it("takes segment with segment_value, and refuses one without the other or on accuracy", () => {
    expect(parseRule("r", "credit", { ...driftBody, segment: "region", segment_value: "eu" }, LIMITS).segment).toEqual({ name: "region", value: "eu" });
    expect(refusal({ ...driftBody, segment: "region" })).toMatch(/segment and segment_value go together/);
    expect(refusal({ kind: "accuracy", version: "v1", metric: "accuracy", window: "1h", threshold: 0.8, segment: "region", segment_value: "eu" })).toMatch(/accuracy store has no segments/);
  });
});
