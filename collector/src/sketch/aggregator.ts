/**
 * One table of what each sketch type does as a bucket, in the spirit of OpenTelemetry's
 * `Aggregator<T>` (sdk-metrics, src/aggregator/types.ts): every "merge a delta into a bucket",
 * rollup, window merge and baseline decode goes through {@link aggregatorOf} instead of its own
 * `sketchTypeOf(kind) === ...` branches (STYLE.md rule 13). A new sketch type is one entry here.
 *
 * A bucket is stored as two columns, `value` and `sketch` (worker/src/store/schema.ts): a counter
 * keeps its sum in `value` and no blob; a digest or counts keeps the blob, and `value` mirrors its
 * count so that totals can be summed without decoding.
 */
import { sketchTypeOf } from "../series/kinds.ts";
import type { SeriesKind, SketchType } from "../series/kinds.ts";
import { CategoricalCounts } from "./categorical-counts.ts";
import { DEFAULT_COMPRESSION, TDigest } from "./tdigest.ts";

/** What one bucket of any sketch type holds, decoded: a digest, counts, or a counter's sum. */
export type BucketSketch = TDigest | CategoricalCounts | number;

/** The bucket operations of one sketch type `S`. */
export interface Aggregator<S extends BucketSketch> {
  readonly type: SketchType;
  /**
   * A bucket with nothing in it. Digests are made at the default compression (where the accuracy
   * bounds of rollups and windows are stated); counts keep `categoriesCap` categories.
   */
  empty(categoriesCap: number): S;
  /**
   * A stored bucket decoded from its `value` and `sketch` columns; null when a sketch type's blob
   * is absent (nothing to merge). Throws SketchDecodeError on a corrupt blob, never a silent zero.
   */
  decode(value: number, bytes: Uint8Array | null): S | null;
  /**
   * Folds `parts` into `into` and returns the result: `into` itself for sketches (changed in
   * place; the parts are left as they were), a new number for counters.
   */
  merge(into: S, parts: readonly S[]): S;
  /**
   * A new bucket whose first part is `first`, which the bucket may take over: a digest is kept as
   * it is (a minute bucket keeps the fold's compression, MINUTE_COMPRESSION: the storage budget),
   * counts are copied under the store's `categoriesCap`, a counter is its increment.
   */
  start(first: S, categoriesCap: number): S;
  /** The bucket's `value` column: a counter's sum, a sketch's count. */
  value(bucket: S): number;
  /** The bucket's `sketch` column: the serialized sketch, null for counters. */
  encode(bucket: S): Uint8Array | null;
}

/** Sketches per `merge` call: TDigest.merge takes its inputs as arguments, so they go in chunks. */
const MERGE_CHUNK = 512;

const digestAggregator: Aggregator<TDigest> = {
  type: "digest",
  empty: () => new TDigest(DEFAULT_COMPRESSION),
  decode: (_value, bytes) => (bytes === null ? null : TDigest.fromBytes(bytes)),
  merge(into, parts) {
    if (parts.length <= MERGE_CHUNK) return into.merge(...parts);
    for (let i = 0; i < parts.length; i += MERGE_CHUNK) into.merge(...parts.slice(i, i + MERGE_CHUNK));
    return into;
  },
  start: (first) => first,
  value: (bucket) => bucket.count,
  encode: (bucket) => bucket.toBytes(),
};

const countsAggregator: Aggregator<CategoricalCounts> = {
  type: "counts",
  empty: (categoriesCap) => new CategoricalCounts(categoriesCap),
  decode: (_value, bytes) => (bytes === null ? null : CategoricalCounts.fromBytes(bytes)),
  merge(into, parts) {
    if (parts.length <= MERGE_CHUNK) return into.merge(...parts);
    for (let i = 0; i < parts.length; i += MERGE_CHUNK) into.merge(...parts.slice(i, i + MERGE_CHUNK));
    return into;
  },
  start: (first, categoriesCap) => new CategoricalCounts(categoriesCap).merge(first),
  value: (bucket) => bucket.total,
  encode: (bucket) => bucket.toBytes(),
};

const counterAggregator: Aggregator<number> = {
  type: "counter",
  empty: () => 0,
  decode: (value) => value,
  merge(into, parts) {
    let sum = into;
    for (const part of parts) sum += part;
    return sum;
  },
  start: (first) => first,
  value: (bucket) => bucket,
  encode: () => null,
};

/** The aggregator of each sketch type. */
export const AGGREGATORS: { readonly digest: Aggregator<TDigest>; readonly counts: Aggregator<CategoricalCounts>; readonly counter: Aggregator<number> } = {
  digest: digestAggregator,
  counts: countsAggregator,
  counter: counterAggregator,
};

/**
 * The aggregator of the sketch a series kind keeps, typed over every bucket sketch: callers hand
 * it back only what it made or decoded for the same kind (a series' kind never changes).
 */
export function aggregatorOf(kind: SeriesKind): Aggregator<BucketSketch> {
  return aggregatorOfType(sketchTypeOf(kind));
}

/** The aggregator of a sketch type, typed over every bucket sketch (see {@link aggregatorOf}). */
export function aggregatorOfType(type: SketchType): Aggregator<BucketSketch> {
  return AGGREGATORS[type] as Aggregator<BucketSketch>;
}
