import { aggregatorOfType } from "@driftline/collector";
import type { Aggregator, BucketSketch, CategoricalCounts, TDigest } from "@driftline/collector";
import { ReadLimitError } from "./read-limit.ts";

/**
 * Sketch merges one request may do in all; bounds a query's CPU time (docs/query-api.md,
 * "Limits"). A merge combines two sketches into one (merging k at once counts k − 1); two
 * t-digests of ~200 centroids merge in about 12–20 µs (Node 20, the 2-core development machine),
 * so the limit is at most ~10 s of CPU, inside a Durable Object request's 30 s, and admits the
 * drift of 50 features over 24 h at a 1-minute step for every window (docs/benchmarks.md, "Query").
 */
export const MAX_SKETCH_MERGES = 500_000;

/** Shared across one request's reads: how many sketch merges are left. */
export type MergeBudget = { remaining: number };

/** A fresh budget of {@link MAX_SKETCH_MERGES}. */
export function newBudget(): MergeBudget {
  return { remaining: MAX_SKETCH_MERGES };
}

/** A digest or categorical counts: the two sketch types a window merges. */
export type Sketch = TDigest | CategoricalCounts;

/**
 * Merges sketches of one type and charges every merge to a {@link MergeBudget},
 * refusing (ReadLimitError) as soon as the budget is spent: the count is the merges actually
 * done, so a read that shares work across windows is charged for what it did, not for what a
 * from-scratch merge would have cost.
 *
 * Ownership rule: {@link merge} returns a new sketch, or its only input unchanged; only sketches
 * that a caller created with {@link merge} from two or more parts may be folded into.
 */
export class SketchMerger {
  private readonly aggregator: Aggregator<BucketSketch>;
  private readonly categoriesCap: number;
  private readonly budget: MergeBudget;
  private readonly refusal: () => string;
  /** Merges done by this merger so far (for tests and the docs' figures). */
  merges = 0;

  constructor(type: "digest" | "counts", categoriesCap: number, budget: MergeBudget, refusal: () => string) {
    this.aggregator = aggregatorOfType(type);
    this.categoriesCap = categoriesCap;
    this.budget = budget;
    this.refusal = refusal;
  }

  /** An empty sketch of this merger's type. */
  empty(): Sketch {
    return this.aggregator.empty(this.categoriesCap) as Sketch;
  }

  /** Decodes stored bytes into a sketch of this merger's type. */
  decode(bytes: Uint8Array): Sketch {
    return this.aggregator.decode(0, bytes) as Sketch;
  }

  /** The merge of `parts` as a new sketch (k − 1 merges); a single part is returned as it is, none gives null. */
  merge(parts: readonly Sketch[]): Sketch | null {
    if (parts.length === 0) return null;
    if (parts.length === 1) return parts[0];
    this.charge(parts.length - 1);
    return this.aggregator.merge(this.empty(), parts) as Sketch;
  }

  /** Folds `part` into `owned` in place (a sketch this merger returned from two or more parts). */
  fold(owned: Sketch, part: Sketch): void {
    this.charge(1);
    this.aggregator.merge(owned, [part]);
  }

  private charge(count: number): void {
    this.merges += count;
    this.budget.remaining -= count;
    if (this.budget.remaining < 0) throw new ReadLimitError(this.refusal());
  }
}
