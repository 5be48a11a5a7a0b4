/**
 * Issue 13: in `npm run demo` the untouched features stay `ok` at default settings while the two
 * drifted ones alert, whatever the seed. The full demo (test/demo.test.ts) runs one seed end to
 * end through the Worker; this runs the same status rule in process over twenty seeds of the
 * demo's data: a training baseline of TRAINING_ROWS applicants as the SDK builds it, and the
 * demo's default run (6 000 applications, the second half drifted) folded into minute digests
 * as the collector folds them, merged over the window.
 */
import { CategoricalCounts, MINUTE_COMPRESSION, TDigest, numericDrift, categoricalDrift, resolveFeatureSettings, seriesDrift } from "@driftline/collector";
import type { DriftResult } from "@driftline/collector";
import { buildBaseline } from "@driftline/sdk";
import { describe, expect, it } from "vitest";
import { DRIFTED, DRIFTED_FEATURES, FEATURE_NAMES, NO_DRIFT, drawApplicant, trainingSet } from "../examples/credit-risk/data.ts";
import { SeededRandom } from "../examples/credit-risk/random.ts";
import { TRAINING_ROWS } from "../examples/demo/run.ts";

const SEEDS = 20;
/** The demo's default run: 50 applications/s for 2 minutes, drift from the middle on. */
const APPLICATIONS = 6_000;
const PER_MINUTE = 3_000;

type Current = Map<string, TDigest | CategoricalCounts>;

/** The demo's traffic for one seed, folded into one sketch per feature per minute and merged over the window. */
function traffic(seed: number): Current {
  const random = new SeededRandom(seed);
  const minutes: Current[] = [];
  for (let i = 0; i < APPLICATIONS; i++) {
    if (i % PER_MINUTE === 0) minutes.push(new Map());
    const minute = minutes[minutes.length - 1];
    const applicant = drawApplicant(random, i >= APPLICATIONS / 2 ? DRIFTED : NO_DRIFT);
    for (const name of FEATURE_NAMES) {
      const value = applicant[name];
      let sketch = minute.get(name);
      if (sketch === undefined) minute.set(name, (sketch = typeof value === "number" ? new TDigest(MINUTE_COMPRESSION) : new CategoricalCounts()));
      if (sketch instanceof TDigest) sketch.add(value as number);
      else sketch.add(String(value));
    }
  }
  const window: Current = new Map();
  for (const name of FEATURE_NAMES) {
    const parts = minutes.map((m) => m.get(name)!);
    window.set(name, parts[0] instanceof TDigest ? new TDigest(MINUTE_COMPRESSION).merge(...(parts as TDigest[])) : new CategoricalCounts().merge(...(parts as CategoricalCounts[])));
  }
  return window;
}

describe("the demo's drift status at default settings, over 20 seeds", () => {
  it("keeps every untouched feature ok and alerts on income and employment, where the former worst-of-five rule cried wolf", { timeout: 300_000 }, async () => {
    const untouched = FEATURE_NAMES.filter((name) => !(DRIFTED_FEATURES as readonly string[]).includes(name));
    const falseAlarms: string[] = [];
    const missed: string[] = [];
    let formerFalseAlarms = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const baseline = await buildBaseline(trainingSet(TRAINING_ROWS, 10_000 + seed).map((row) => row.applicant));
      const current = traffic(20_000 + seed);
      for (const name of FEATURE_NAMES) {
        const column = baseline.features.get(name)!;
        const now = current.get(name)!;
        const pair = column.type === "numeric" ? { type: "numeric" as const, baseline: column.digest, current: now as TDigest } : { type: "categorical" as const, baseline: column.counts, current: now as CategoricalCounts };
        const verdict = seriesDrift(pair, resolveFeatureSettings(null, "v1", name));
        const drifted = (DRIFTED_FEATURES as readonly string[]).includes(name);
        if (drifted && verdict.status !== "alert") missed.push(`seed ${seed} ${name}: ${verdict.status} by ${verdict.statusMethod}`);
        if (!drifted && verdict.status !== "ok") falseAlarms.push(`seed ${seed} ${name}: ${verdict.status} by ${verdict.statusMethod}`);
        // The former rule: the worst of every method, the tests at p ≤ 0.05.
        const at5 = { thresholds: { warn: 0.05, alert: 0.05 } };
        const former: DriftResult[] = pair.type === "numeric" ? numericDrift(pair.baseline, pair.current, { ks: at5 }) : categoricalDrift(pair.baseline, pair.current, { chisquare: at5 });
        if (!drifted && former.some((r) => r.status === "alert")) formerFalseAlarms++;
      }
    }
    expect(falseAlarms).toEqual([]);
    expect(missed).toEqual([]);
    expect(untouched.length * SEEDS).toBe(140);
    // What the issue saw in the demo (age alerting by KS), reproduced by the former rule on the same data.
    expect(formerFalseAlarms).toBeGreaterThan(0);
  });
});
