import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseYaml } from "./yaml.ts";
import { RuleFileError, readRuleFile, writeRuleFile } from "./rule-file.ts";
import { exportRuleFile, rulesOfFile } from "./rule-file-rules.ts";
import { parseRule } from "./rule.ts";
import type { RuleLimits } from "./rule.ts";

const LIMITS: RuleLimits = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } };

const FILE = `# a rule file as people write them
groups:
- name: credit
  interval: 2m
  rules:
    - alert: IncomeDrift   # trailing comment
      expr: |
        driftline_feature_drift{feature="income", method="psi", window="1h"}
          > 0.2
      for: 10m
      keep_firing_for: 5m
      labels:
        severity: 'page'
        team: "risk \\"core\\""
      annotations:
        summary: "{{ $labels.feature }} drifted: {{ $value | humanize }}"
        description: >-
          folded
          text
    - alert: SlowP99
      expr: histogram_quantile(0.99, sum by (le) (rate(driftline_prediction_duration_seconds_bucket[5m])))
        > 0.5
      labels: {severity: warning, empty: ""}
`;

describe("Prometheus rule files", () => {
  it("reads the YAML people write: block scalars, comments, quotes, flow maps, compact sequences", () => {
    expect(parseYaml(FILE)).toEqual({
      groups: [{
        name: "credit", interval: "2m",
        rules: [
          {
            alert: "IncomeDrift", expr: 'driftline_feature_drift{feature="income", method="psi", window="1h"}\n  > 0.2\n', for: "10m", keep_firing_for: "5m",
            labels: { severity: "page", team: 'risk "core"' }, annotations: { summary: "{{ $labels.feature }} drifted: {{ $value | humanize }}", description: "folded text" },
          },
          { alert: "SlowP99", expr: "histogram_quantile(0.99, sum by (le) (rate(driftline_prediction_duration_seconds_bucket[5m]))) > 0.5", labels: { severity: "warning", empty: "" } },
        ],
      }],
    });
  });

  it("turns each rule into a promql rule of the group's model, with the group's interval", () => {
    const [credit] = rulesOfFile(FILE, LIMITS);
    expect(credit.model).toBe("credit");
    expect(credit.rules.map((r) => [r.name, r.kind, r.intervalMs, r.forMs, r.keepFiringForMs])).toEqual([["IncomeDrift", "promql", 120_000, 600_000, 300_000], ["SlowP99", "promql", 120_000, 0, 0]]);
  });

  it("refuses what promtool accepts but Driftline cannot evaluate, naming every group, rule and reason", () => {
    const file = `groups:
  - name: credit
    limit: 10
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: Range
        expr: up[5m]
      - alert: Unknown
        expr: absent_over_time(up[5m]) or holt_winters(up[5m], 0.1, 0.1)
      - alert: Tmpl
        expr: up == 0
        annotations:
          summary: '{{ range $labels }}{{ . }}{{ end }}'
      - alert: Tmpl
        expr: up == 0
`;
    let error: unknown;
    try {
      rulesOfFile(file, LIMITS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleFileError);
    const problems = (error as RuleFileError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^group "credit": limit is not supported/),
      expect.stringMatching(/^group "credit", rules\[0\]: recording rules \(record: "job:up:sum"\) are not evaluated by Driftline/),
      expect.stringMatching(/^group "credit", rule "Tmpl": a second alert of this name in the group/),
    ]);
    // Structure first; once the structure is right, each rule's own problems are named.
    const rules = file.replace("    limit: 10\n", "").replace(/ {6}- record[^\n]*\n[^\n]*\n/, "").replace(/ {6}- alert: Tmpl\n {8}expr: up == 0\n$/, "");
    try {
      rulesOfFile(rules, LIMITS);
    } catch (e) {
      error = e;
    }
    expect((error as RuleFileError).problems).toEqual([
      expect.stringMatching(/^group "credit", rule "Range": expr gives a range vector; an alerting rule needs an instant vector or a scalar/),
      expect.stringMatching(/^group "credit", rule "Unknown": expr does not parse: .*function "holt_winters" is not supported/),
      expect.stringMatching(/^group "credit", rule "Tmpl": annotations.summary: \{\{ range \$labels \}\} is not supported/),
    ]);
  });

  it("reads chomping indicators, quote escapes, flow sequences and a sequence at its key's indent", () => {
    const text = "keep: |+\n  a\n\nstrip: |-\n  b\n  c\nsingle: 'it''s # not a comment'\ndouble: \"tab\\there \\u00e9\"\nlist: [a, 'b c', {k: v}]\nitems:\n- x\n- - y\n  - z\nempty:\n";
    expect(parseYaml(text)).toEqual({ keep: "a\n\n", strip: "b\nc", single: "it's # not a comment", double: "tab\there \u00e9", list: ["a", "b c", { k: "v" }], items: ["x", ["y", "z"]], empty: null });
  });

  it("refuses duplicate keys, several documents and alias bombs, with the line", () => {
    expect(() => readRuleFile("groups:\n  - name: a\n    name: b\n")).toThrow(/keys must be unique at line 3/);
    expect(() => readRuleFile("groups: []\n---\ngroups: []\n")).toThrow(/multiple documents/);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect(() => readRuleFile(bomb)).toThrow(/alias/i);
  });

  it("reads anchors and aliases as go-yaml does, and ~, null and nothing as null", () => {
    const [group] = readRuleFile('groups:\n  - name: credit\n    rules:\n      - alert: A\n        expr: up == 0\n        labels: &common\n          team: risk\n        for: ~\n      - alert: B\n        expr: up == 1\n        labels: *common\n        annotations:\n          summary: null\n');
    expect(group.rules).toEqual([
      { alert: "A", expr: "up == 0", labels: { team: "risk" }, annotations: {} },
      { alert: "B", expr: "up == 1", labels: { team: "risk" }, annotations: { summary: "" } },
    ]);
  });

  it("exports fixed kinds as their PromQL equivalent and PromQL rules as written, and reads its own output back", () => {
    const drift = parseRule("income-drift", "credit", { kind: "drift", version: "v1", feature: "income", window: "2m", threshold: 0.2, resolveThreshold: 0.1, for: "5m", labels: { severity: "page" } }, LIMITS);
    const promql = parseRule("Slow", "credit", { kind: "promql", expr: "driftline_predictions_total > 1", keep_firing_for: "10m", annotations: { summary: "it's {{ $value }}\n\"quoted\" \u2028" } }, LIMITS);
    const text = exportRuleFile([{ model: "credit", rules: [drift, promql] }, { model: "empty", rules: [] }]);
    expect(text).toContain('# Driftline kind drift: this is its PromQL equivalent; applying it back keeps the drift rule; resolveThreshold 0.1 (hysteresis) has no PromQL equivalent; window 2m is not a query API window');
    const [group] = readRuleFile(text);
    expect(group).toEqual({
      name: "credit",
      rules: [
        { alert: "income-drift", expr: 'driftline_feature_drift{model="credit", version="v1", feature="income", method="psi", window="2m"} > 0.2', for: "5m", labels: { severity: "page" }, annotations: {} },
        { alert: "Slow", expr: "driftline_predictions_total > 1", keep_firing_for: "10m", labels: {}, annotations: { summary: "it's {{ $value }}\n\"quoted\" \u2028" } },
      ],
    });
  });

  it("reads back exactly what it writes, for any strings (property)", () => {
    // Any text (no lone surrogates: a rule file is UTF-8), YAML's special characters often.
    const special = fc.constantFrom("\n", "\t", "\r", "\u0085", "\u2028", "\u007f", "\u0001", "'", '"', "\\", "#", ": ", "- ", " ", "{{", "|", ">", "&", "*", "!");
    const text = fc.string({ unit: fc.oneof(special, fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), maxLength: 20 });
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
    const rule = fc.record({ alert: text.filter((t) => t !== ""), expr: text.filter((t) => t.trim() === t && t !== ""), labels: fc.dictionary(name, text, { maxKeys: 3 }), annotations: fc.dictionary(name, text, { maxKeys: 3 }) });
    fc.assert(
      fc.property(fc.uniqueArray(rule, { selector: (r) => r.alert, minLength: 1, maxLength: 3 }), text.filter((t) => t !== ""), (rules, group) => {
        const written = writeRuleFile([{ name: group, rules }]);
        expect(readRuleFile(written)).toEqual([{ name: group, rules }]);
      }),
      // Alert names unique in a group: the reader refuses a repeated one (tested above).
      { numRuns: 300 },
    );
  });
});
