/**
 * `npm run bench:sketch`: Driftline's TDigest beside the npm package `tdigest` (the reference
 * implementation) and an exact sort, on 10⁶ values. Prints medians of several repetitions,
 * the ratios, and PASS/FAIL against the targets of issue 2; exits 1 if a target fails.
 * docs/benchmarks.md ("Sketches") records a run.
 */
import tdigest from "tdigest";
import { TDigest } from "@driftline/collector";
import { sample } from "@driftline/collector/testing";
import type { DistributionName } from "@driftline/collector/testing";
import { exactQuantile, rankError, relativeError, sortedCopy } from "@driftline/collector/testing";
import { medianMs, perSecond, printTable } from "./lib/measure.ts";
import type { Row } from "./lib/measure.ts";

const N = 1_000_000;
const OUR_REPS = 7;
const THEIR_REPS = 3; // the reference takes ~0.5 s per million values
const QS = [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999];

type Quantiles = (q: number) => number;

function accuracy(sorted: Float64Array, quantile: Quantiles) {
  return {
    p99: relativeError(quantile(0.99), exactQuantile(sorted, 0.99)),
    p999: relativeError(quantile(0.999), exactQuantile(sorted, 0.999)),
    rank: Math.max(...QS.map((q) => rankError(sorted, q, quantile(q)))),
  };
}

function ours(values: Float64Array): TDigest {
  const d = new TDigest();
  d.addMany(values);
  d.flush();
  return d;
}

function theirs(values: number[]): InstanceType<typeof tdigest.TDigest> {
  const d = new tdigest.TDigest();
  for (let i = 0; i < values.length; i++) d.push(values[i]);
  return d;
}

const pct = (x: number) => `${(x * 100).toFixed(3)} %`;
const rows: Row[] = [];
console.log(`Node ${process.version}, ${N.toLocaleString("en")} values per run; medians of ${OUR_REPS} (ours) and ${THEIR_REPS} (tdigest) runs.`);

// Insert throughput per distribution.
for (const name of ["normal", "lognormal", "uniform", "mixedSign", "cauchy"] as DistributionName[]) {
  const data = sample(name, N, 42);
  const asArray = Array.from(data);
  const ourMs = medianMs(OUR_REPS, () => void ours(data));
  const theirMs = medianMs(THEIR_REPS, () => void theirs(asArray));
  const ratio = theirMs / ourMs;
  const targeted = name === "normal" || name === "lognormal" || name === "uniform";
  rows.push({
    what: `insert ${name}`,
    ours: perSecond(N, ourMs),
    theirs: perSecond(N, theirMs),
    ratio: `${ratio.toFixed(1)}×`,
    target: targeted ? "≥ 4×" : "",
    pass: targeted ? ratio >= 4 : null,
  });
}
const sortData = sample("lognormal", N, 42);
const sortMs = medianMs(OUR_REPS, () => void Float64Array.from(sortData).sort());
rows.push({ what: "exact sort (Float64Array)", ours: perSecond(N, sortMs), theirs: "", ratio: "", target: "", pass: null });

// Accuracy and size on lognormal, one digest and a merge of 100 digests of 10⁴.
const data = sample("lognormal", N, 7);
const sorted = sortedCopy(data);
const single = ours(data);
const reference = theirs(Array.from(data));
const parts = Array.from({ length: 100 }, (_, i) => ours(data.subarray(i * 10_000, (i + 1) * 10_000)));
const merged = new TDigest().merge(...parts);
const theirParts = parts.map((_, i) => theirs(Array.from(data.subarray(i * 10_000, (i + 1) * 10_000))));
const mergeTheirs = () => {
  const d = new tdigest.TDigest();
  for (const p of theirParts) d.push_centroid(p.toArray());
  d.compress();
  return d;
};
const theirMerged = mergeTheirs();

const a = accuracy(sorted, (q) => single.quantile(q));
const am = accuracy(sorted, (q) => merged.quantile(q));
const r = accuracy(sorted, (q) => reference.percentile(q));
const rm = accuracy(sorted, (q) => theirMerged.percentile(q));
rows.push({ what: "lognormal p99 rel. error", ours: pct(a.p99), theirs: pct(r.p99), ratio: "", target: "≤ 0.5 %", pass: a.p99 <= 0.005 });
rows.push({ what: "lognormal p99.9 rel. error", ours: pct(a.p999), theirs: pct(r.p999), ratio: "", target: "≤ 1 %", pass: a.p999 <= 0.01 });
rows.push({ what: "lognormal worst rank error", ours: a.rank.toExponential(2), theirs: r.rank.toExponential(2), ratio: "", target: "≤ 2e-4", pass: a.rank <= 2e-4 });
rows.push({ what: "merged 100×1e4: p99 rel. error", ours: pct(am.p99), theirs: pct(rm.p99), ratio: "", target: "≤ 0.5 %", pass: am.p99 <= 0.005 });
rows.push({ what: "merged 100×1e4: p99.9 rel. error", ours: pct(am.p999), theirs: pct(rm.p999), ratio: "", target: "≤ 1 %", pass: am.p999 <= 0.01 });
rows.push({ what: "merged 100×1e4: worst rank error", ours: am.rank.toExponential(2), theirs: rm.rank.toExponential(2), ratio: "", target: "≤ 2e-4", pass: am.rank <= 2e-4 });

const ourBytes = single.toBytes().length;
const theirBytes = JSON.stringify(reference.toArray()).length;
rows.push({
  what: "serialized bytes, 1e6 values",
  ours: `${ourBytes} B (${single.centroidCount} centroids)`,
  theirs: `${theirBytes} B JSON (${reference.size()} centroids)`,
  ratio: `${(theirBytes / ourBytes).toFixed(1)}× smaller`,
  target: "≤ 4096 B",
  pass: ourBytes <= 4096,
});

// Merge speed: 100 digests of 10⁴ values into one.
const ourMergeMs = medianMs(OUR_REPS * 3, () => void new TDigest().merge(...parts));
const theirMergeMs = medianMs(THEIR_REPS * 3, () => void mergeTheirs());
rows.push({
  what: "merge 100 digests of 1e4",
  ours: `${ourMergeMs.toFixed(2)} ms`,
  theirs: `${theirMergeMs.toFixed(2)} ms`,
  ratio: `${(theirMergeMs / ourMergeMs).toFixed(1)}×`,
  target: "≥ 20×",
  pass: theirMergeMs / ourMergeMs >= 20,
});

const ok = printTable("Sketches: TDigest vs tdigest (npm), lognormal accuracy on 1e6 values", rows);
console.log(ok ? "\nAll targets PASS." : "\nSome targets FAIL.");
process.exitCode = ok ? 0 : 1;
