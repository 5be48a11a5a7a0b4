/**
 * Alert rules as Prometheus rule files (issue 17), through `wrangler dev`, the `driftline` CLI as
 * a user runs it, and the real `promtool check rules` (Debian's /usr/bin/promtool): every rule
 * kind exports as a file promtool accepts; applying the export back changes nothing; a file
 * promtool accepts but Driftline cannot evaluate is refused whole, naming each rule and reason.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusMissing, startPrometheus } from "./support/prometheus.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const PROMTOOL = "/usr/bin/promtool";
const BIN = resolve(import.meta.dirname, "../node_modules/.bin/driftline");
const promtoolMissing = existsSync(PROMTOOL) ? null : `${PROMTOOL} is not installed (Debian package prometheus; .ci/run installs it)`;
if (promtoolMissing !== null) console.log(`skipping the rule-file tests: ${promtoolMissing}`);

let worker: RunningWorker;
const dir = mkdtempSync(join(tmpdir(), "driftline-rules-"));
beforeAll(async () => {
  if (promtoolMissing === null) worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

type Run = { code: number; stdout: string; stderr: string };

function run(bin: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(bin, args, { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

const cli = (args: string[]) => run(BIN, args, { DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_TOKEN: worker.ingestToken, DRIFTLINE_READ_TOKEN: worker.readToken });

async function putRule(model: string, name: string, body: unknown): Promise<void> {
  const response = await fetch(`${worker.url}/api/models/${model}/alerts/${name}`, {
    method: "PUT", headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function promtoolCheck(path: string): Promise<Run> {
  return run(PROMTOOL, ["check", "rules", path]);
}

describe.skipIf(promtoolMissing !== null)("rule files", () => {
  it("exports every rule kind as a file promtool accepts, and applying it back changes nothing", async () => {
    const hook = [{ type: "webhook", url: "https://hooks.example/driftline", secret: "whsec-0123456789abcdef" }];
    await putRule("credit", "income-drift", { kind: "drift", version: "v1", feature: "income", window: "1h", threshold: 0.2, resolveThreshold: 0.1, for: "10m", labels: { severity: "page" }, annotations: { runbook: "https://wiki.example/drift" }, receivers: hook });
    await putRule("credit", "prediction-drift.2m", { kind: "drift", version: "v1", method: "js", window: "2m", threshold: 0.1 });
    await putRule("credit", "p99", { kind: "latency", quantile: 0.99, window: "5m", threshold: 0.5 });
    await putRule("credit", "errors", { kind: "error_rate", window: "15m", threshold: 0.05 });
    await putRule("credit", "accuracy", { kind: "accuracy", version: "v1", metric: "accuracy", window: "1d", threshold: 0.8 });
    await putRule("credit", "silence", { kind: "no_data", duration: "30m" });
    await putRule("credit", "out-of-range", { kind: "data_quality", version: "v1", feature: "age", quality: "out_of_range", window: "1h", threshold: 0.1 });
    await putRule("fraud", "ScoreHigh", { kind: "promql", expr: "driftline_feature_quantile{feature=\"amount\", quantile=\"0.99\", window=\"1h\"} > 1000", for: "5m", keep_firing_for: "10m", annotations: { summary: "{{ $labels.feature }} p99 is {{ $value | humanize }}" } });

    const exported = join(dir, "exported.yml");
    const exportRun = await cli(["rules", "export", "-o", exported]);
    expect(exportRun, exportRun.stderr).toMatchObject({ code: 0 });
    const text = readFileSync(exported, "utf8");
    const check = await promtoolCheck(exported);
    expect(check.stdout + check.stderr).toMatch(/SUCCESS: 8 rules found/);
    expect(check.code).toBe(0);
    expect(text).toContain('expr: "driftline_feature_drift{model=\\"credit\\", version=\\"v1\\", feature=\\"income\\", method=\\"psi\\", window=\\"1h\\"} > 0.2"');
    expect(text).toContain('keep_firing_for: "10m"');

    const apply = await cli(["rules", "apply", "-f", exported]);
    expect(apply, apply.stderr).toMatchObject({ code: 0 });
    expect(apply.stdout.trim().split("\n").sort()).toEqual([
      "credit/accuracy: unchanged (accuracy)", "credit/errors: unchanged (error_rate)", "credit/income-drift: unchanged (drift)", "credit/out-of-range: unchanged (data_quality)",
      "credit/p99: unchanged (latency)", "credit/prediction-drift.2m: unchanged (drift)", "credit/silence: unchanged (no_data)", "fraud/ScoreHigh: unchanged (promql)",
    ]);
    // The drift rule kept its kind, hysteresis and receiver.
    const drift = (await (await fetch(`${worker.url}/api/models/credit/alerts/income-drift`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { rule: { kind: string; resolveThreshold: number; receivers: unknown[] } };
    expect(drift.rule).toMatchObject({ kind: "drift", resolveThreshold: 0.1, receivers: [{ type: "webhook", hasSecret: true }] });
  }, 120_000);

  it("applies a hand-written file as PromQL rules that export again through promtool", async () => {
    const file = join(dir, "hand.yml");
    writeFileSync(file, `groups:
  - name: churn
    interval: 2m
    rules:
      - alert: ChurnSegmentDrift
        expr: |
          driftline_feature_drift{method="psi", window="1h", segment="region"}
            > 0.2
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.feature }} drifted in {{ $labels.segment_value }}: {{ $value }}"
`);
    const receivers = join(dir, "receivers.json");
    writeFileSync(receivers, JSON.stringify([{ type: "slack", url: "https://hooks.slack.com/services/T000/B000/XXXXXXXX" }]));
    const apply = await cli(["rules", "apply", "-f", file, "--receivers", receivers]);
    expect(apply, apply.stderr).toMatchObject({ code: 0, stdout: "churn/ChurnSegmentDrift: created (promql)\n" });
    const view = (await (await fetch(`${worker.url}/api/models/churn/alerts/ChurnSegmentDrift`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { rule: Record<string, unknown> };
    expect(view.rule).toMatchObject({ kind: "promql", for: "15m", interval: "2m", receivers: [{ type: "slack" }] });
    const exported = join(dir, "churn.yml");
    expect((await cli(["rules", "export", "--model", "churn", "-o", exported])).code).toBe(0);
    expect(readFileSync(exported, "utf8")).toContain('interval: "2m"');
    const check = await promtoolCheck(exported);
    expect(check.stdout + check.stderr).toMatch(/SUCCESS: 1 rules found/);
  }, 120_000);

  it("refuses a file that promtool accepts but Driftline cannot evaluate, naming each rule and reason, storing nothing", async () => {
    const file = join(dir, "unsupported.yml");
    writeFileSync(file, `groups:
  - name: credit
    rules:
      - alert: NewRule
        expr: driftline_predictions_total > 0
      - record: model:predictions:rate5m
        expr: rate(driftline_predictions_total[5m])
      - alert: Range
        expr: driftline_predictions_total[5m]
      - alert: Templated
        expr: driftline_predictions_total > 0
        annotations:
          summary: '{{ with $labels.model }}{{ . }}{{ end }}'
`);
    const check = await promtoolCheck(file);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const apply = await cli(["rules", "apply", "-f", file]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/group "credit", rules\[1\]: recording rules \(record: "model:predictions:rate5m"\) are not evaluated by Driftline/);
    // Structure first: once the recording rule is gone, the rules' own problems are named.
    writeFileSync(file, readFileSync(file, "utf8").replace(/ {6}- record:[^\n]*\n[^\n]*\n/, ""));
    const again = await cli(["rules", "apply", "-f", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/group "credit", rule "Range": expr gives a range vector/);
    expect(again.stderr).toMatch(/group "credit", rule "Templated": annotations.summary: \{\{ with \$labels.model \}\} is not supported/);
    const missing = await fetch(`${worker.url}/api/models/credit/alerts/NewRule`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
    expect(missing.status).toBe(404);
  }, 120_000);

  it.skipIf(prometheusMissing() !== null)("is read by Prometheus itself with the labels, annotations and durations Driftline holds", async () => {
    const nasty = "quote \" back\\slash # hash: colon\nnew line\ttab é 漢字 \u2028 '' - & * !";
    await putRule("quoting", "Nasty", {
      kind: "promql", expr: "vector(1) > 0", for: "90s", keep_firing_for: "1h30m",
      labels: { severity: "page", text: nasty }, annotations: { summary: `{{ $labels.x }} ${nasty}`, runbook: "https://wiki.example/a?b=c#d" },
    });
    const exported = join(dir, "quoting.yml");
    expect((await cli(["rules", "export", "--model", "quoting", "-o", exported])).code).toBe(0);
    const prometheus = await startPrometheus({ ruleFiles: [exported] });
    try {
      const answer = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: Record<string, unknown>[] }[] } };
      expect(answer.data.groups.map((g) => g.name)).toEqual(["quoting"]);
      expect(answer.data.groups[0].rules[0]).toMatchObject({
        name: "Nasty", query: "vector(1) > 0", duration: 90, keepFiringFor: 5400,
        labels: { severity: "page", text: nasty }, annotations: { summary: `{{ $labels.x }} ${nasty}`, runbook: "https://wiki.example/a?b=c#d" },
      });
    } finally {
      await prometheus.stop();
    }
  }, 120_000);
});
