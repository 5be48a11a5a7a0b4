/**
 * `npm run bench:drift`: how often the drift status alarms, at realistic window sizes.
 *
 * For each window size (10², 10³, 10⁴, 10⁵ values) and case, `--windows` (default 1 000) seeded
 * windows are drawn and compared with a baseline the way the Worker compares them: a training
 * baseline of 10⁵ values in a TDigest at the default compression (one of ten seeded baselines,
 * so that no single lucky or unlucky baseline decides a row), the window in a TDigest at the
 * minute buckets' compression. Cases: no shift (every alarm is a false alarm), mean shifts of
 * 0.1σ, 0.25σ and 0.5σ of a normal feature, and a categorical feature with and without a
 * 10-point change of its mix.
 *
 * Printed per row: the share of windows whose status is `alert` under the default rule (one
 * method chosen by type and window size, collector/src/drift/status-rule.ts), beside the same
 * under the former rule "worst of all methods" (five numeric, three categorical, the tests at
 * Evidently's p ≤ 0.05), and the share
 * at `warn` or worse under the default rule. Targets (issue 13): ≤ 1 % alerts with no shift, and
 * ≥ 95 % at a 0.5σ shift for windows of 10³ values and more. Exits 1 when a target fails.
 * docs/drift.md ("Measured false alarms and power") records a run.
 */
import { CategoricalCounts, MINUTE_COMPRESSION, TDigest, categoricalDrift, numericDrift } from "@driftline/collector";
import type { DriftResult, DriftStatus } from "@driftline/collector";
import { defaultStatusMethod } from "@driftline/collector";
import { categoricalSample, mulberry32, normalSample } from "@driftline/collector/testing";

const argWindows = process.argv.indexOf("--windows");
const WINDOWS = argWindows > 0 ? Number(process.argv[argWindows + 1]) : 1000;
const SIZES = [100, 1_000, 10_000, 100_000];
const BASELINE_VALUES = 100_000;
const BASELINES = 10;
const MIX = { a: 0.4, b: 0.3, c: 0.2, d: 0.1 } as const;
/** Ten points of the mix move from the commonest category to the rarest. */
const MIX_SHIFTED = { a: 0.3, b: 0.3, c: 0.2, d: 0.2 } as const;

type Case = { name: string; type: "numeric" | "categorical"; shift: number; drifted: boolean };
const CASES: Case[] = [
  { name: "numeric, no shift", type: "numeric", shift: 0, drifted: false },
  { name: "numeric, 0.1σ shift", type: "numeric", shift: 0.1, drifted: true },
  { name: "numeric, 0.25σ shift", type: "numeric", shift: 0.25, drifted: true },
  { name: "numeric, 0.5σ shift", type: "numeric", shift: 0.5, drifted: true },
  { name: "categorical, same mix", type: "categorical", shift: 0, drifted: false },
  { name: "categorical, 10-point mix change", type: "categorical", shift: 1, drifted: true },
];

function digestOf(values: Float64Array, compression?: number): TDigest {
  const digest = new TDigest(compression);
  digest.addMany(values);
  digest.flush();
  return digest;
}

function countsOf(values: readonly string[]): CategoricalCounts {
  const counts = new CategoricalCounts();
  for (const value of values) counts.add(value);
  return counts;
}

const numericBaselines = Array.from({ length: BASELINES }, (_, i) => digestOf(normalSample(mulberry32(1_000 + i), BASELINE_VALUES, 0, 1)));
const categoricalBaselines = Array.from({ length: BASELINES }, (_, i) => countsOf(categoricalSample(mulberry32(2_000 + i), BASELINE_VALUES, MIX)));

const RANK: Record<DriftStatus, number> = { no_data: 0, ok: 1, warn: 2, alert: 3 };
function worst(results: readonly DriftResult[]): DriftStatus {
  return results.reduce<DriftStatus>((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), "no_data");
}

type Tally = { defaultAlert: number; defaultWarnOrWorse: number; worstAlert: number; method: string };

/** The former rule's levels: Evidently's p ≤ 0.05 as the tests' alert (docs/drift.md before issue 13). */
const FORMER = { thresholds: { warn: 0.05, alert: 0.05 } };

function run(testCase: Case, size: number): Tally {
  const tally: Tally = { defaultAlert: 0, defaultWarnOrWorse: 0, worstAlert: 0, method: defaultStatusMethod(testCase.type, size) };
  for (let w = 0; w < WINDOWS; w++) {
    // The same seeds for every case of a size: the shifted windows are the unshifted ones moved.
    const uniform = mulberry32(size * 7 + w * 7919 + 1);
    let results: DriftResult[];
    let former: DriftResult[];
    if (testCase.type === "numeric") {
      const values = normalSample(uniform, size, testCase.shift, 1);
      const baseline = numericBaselines[w % BASELINES];
      const current = digestOf(values, MINUTE_COMPRESSION);
      results = numericDrift(baseline, current);
      former = numericDrift(baseline, current, { methods: ["ks"], ks: FORMER });
    } else {
      const values = categoricalSample(uniform, size, testCase.drifted ? MIX_SHIFTED : MIX);
      const baseline = categoricalBaselines[w % BASELINES];
      const current = countsOf(values);
      results = categoricalDrift(baseline, current);
      former = categoricalDrift(baseline, current, { methods: ["chisquare"], chisquare: FORMER });
    }
    const decided = results.find((r) => r.method === tally.method)?.status;
    if (decided === "alert") tally.defaultAlert++;
    if (decided === "alert" || decided === "warn") tally.defaultWarnOrWorse++;
    // The former rule: the worst of every method, the tests alerting at p ≤ 0.05.
    if (worst([...results.filter((r) => r.method !== "ks" && r.method !== "chisquare"), ...former]) === "alert") tally.worstAlert++;
  }
  return tally;
}

const pct = (count: number): string => `${((100 * count) / WINDOWS).toFixed(1)} %`;
console.log(`Node ${process.version}; ${WINDOWS} seeded windows per row; baselines of ${BASELINE_VALUES.toLocaleString("en")} values (${BASELINES} seeds).`);
const header = ["case", "values", "default method", "alert (default)", "warn+ (default)", "alert (worst of methods, p ≤ 0.05)", "target", "result"];
const rows: string[][] = [];
let failed = false;
for (const testCase of CASES) {
  for (const size of SIZES) {
    const started = performance.now();
    const tally = run(testCase, size);
    const share = tally.defaultAlert / WINDOWS;
    let target = "";
    let pass: boolean | null = null;
    if (!testCase.drifted) {
      target = "≤ 1 %";
      pass = share <= 0.01;
    } else if (testCase.type === "numeric" && testCase.shift === 0.5 && size >= 1_000) {
      target = "≥ 95 %";
      pass = share >= 0.95;
    }
    if (pass === false) failed = true;
    rows.push([testCase.name, size.toLocaleString("en"), tally.method, pct(tally.defaultAlert), pct(tally.defaultWarnOrWorse), pct(tally.worstAlert), target, pass === null ? "" : pass ? "PASS" : "FAIL"]);
    process.stderr.write(`${testCase.name} at ${size}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(`\n${line(header)}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of rows) console.log(line(row));
process.exitCode = failed ? 1 : 0;

// Cost of KS and Wasserstein on one baseline and one window (2 048 grid levels per side): the
// digests' one-pass readers (TDigest.quantiles / cdfs) against the same digests read one point at
// a time (the NumericDistribution interface without them), interleaved, medians of 15 rounds.
{
  const random = mulberry32(7);
  const baseline = new TDigest();
  for (const v of normalSample(random, BASELINE_VALUES, 0, 1)) baseline.add(v);
  const window = new TDigest(MINUTE_COMPRESSION);
  for (const v of normalSample(random, 6_000, 0.1, 1)) window.add(v);
  const pointwise = (d: TDigest) => ({ count: d.count, min: d.min, max: d.max, mean: d.mean, variance: d.variance, integers: d.integers, quantile: (q: number) => d.quantile(q), cdf: (x: number) => d.cdf(x) });
  const timeOf = (work: () => void): number => {
    const start = performance.now();
    for (let i = 0; i < 50; i++) work();
    return ((performance.now() - start) / 50) * 1000;
  };
  const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log("\n| method | one pass (µs) | one point at a time (µs) | ratio | same value |\n|---|---|---|---|---|");
  for (const method of ["ks", "wasserstein"] as const) {
    const fast: number[] = [];
    const slow: number[] = [];
    for (let round = 0; round < 15; round++) {
      fast.push(timeOf(() => numericDrift(baseline, window, { methods: [method] })));
      slow.push(timeOf(() => numericDrift(pointwise(baseline), pointwise(window), { methods: [method] })));
    }
    const same = numericDrift(baseline, window, { methods: [method] })[0].value === numericDrift(pointwise(baseline), pointwise(window), { methods: [method] })[0].value;
    console.log(`| ${method} | ${mid(fast).toFixed(0)} | ${mid(slow).toFixed(0)} | ${(mid(slow) / mid(fast)).toFixed(1)}× | ${same ? "yes" : "NO"} |`);
    if (!same) process.exitCode = 1;
  }
}
