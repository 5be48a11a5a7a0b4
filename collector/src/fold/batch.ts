import type { JoinRecord } from "../accuracy/join-record.ts";
import { CategoricalCounts } from "../sketch/categorical-counts.ts";
import { TDigest } from "../sketch/tdigest.ts";
import type { CumulativePoint } from "./cumulative.ts";
import type { Limits } from "./limits.ts";
import type { Rejections } from "./rejections.ts";
import { SeriesKind, isFeatureKind, sketchTypeOf } from "../series/kinds.ts";
import type { SeriesRef } from "./series.ts";
import { aggregatorOf } from "../sketch/aggregator.ts";
import type { BucketSketch } from "../sketch/aggregator.ts";
import { SketchDecodeError } from "../sketch/decode-error.ts";

/**
 * One series' change for one minute, as it crosses the RPC to the ModelStore: a serialized
 * sketch (digest or counts) or, for counters, a plain value.
 */
export type SeriesDelta = SeriesRef & {
  /** Minutes since the Unix epoch: the bucket this delta belongs to. */
  minute: number;
  /** Log records, data points or spans that contributed: for rejection accounting. */
  records: number;
  /** The counter increment (counters), else the number of values folded into the sketch. */
  value: number;
  /** `TDigest` or `CategoricalCounts` bytes; null for counters. */
  sketch: Uint8Array | null;
};

/**
 * A delta with its sketch decoded, as the ModelStore merges it: the RPC's bytes decoded once
 * ({@link decodeDelta}), or, for what the store folds itself (cumulative points, join pairs),
 * the accumulator's sketch as it was built, with no encode/decode round trip. For counters
 * `sketch` is the increment.
 */
export type DecodedDelta = SeriesRef & {
  minute: number;
  records: number;
  value: number;
  sketch: BucketSketch;
};

/** A delta from the RPC with its sketch decoded; throws SketchDecodeError on corrupt bytes. */
export function decodeDelta(delta: SeriesDelta): DecodedDelta {
  const sketch = aggregatorOf(delta.kind).decode(delta.value, delta.sketch);
  if (sketch === null) throw new SketchDecodeError(`delta of ${delta.kind} series ${JSON.stringify(delta.name)} has no sketch`);
  return { kind: delta.kind, version: delta.version, name: delta.name, segment: delta.segment, minute: delta.minute, records: delta.records, value: delta.value, sketch };
}

/** Everything one request holds for one model: what the Worker sends in its one RPC. */
export type ModelBatch = {
  modelId: string;
  /** Log records, data points or spans of the request that named this model. */
  records: number;
  deltas: SeriesDelta[];
  /** Cumulative points, turned into deltas by the ModelStore that owns their streams. */
  cumulative: CumulativePoint[];
  /** Predictions with an id and actuals, for the store's accuracy join (docs/accuracy.md); absent: none. */
  joins?: JoinRecord[];
};

/** The fold's result for one request. */
export type FoldResult = {
  batches: ModelBatch[];
  /** Records (log records, data points or spans) rejected one by one, for `partial_success`. */
  rejected: number;
  /** A one-line summary of why, naming the limit that was hit; "" when nothing was rejected. */
  message: string;
  /** Records that follow no Driftline convention: accepted and ignored (ordinary app telemetry). */
  ignored: number;
};

/**
 * Compression of the digests the fold builds, and so of minute buckets (the store merges into a
 * bucket at the bucket's own compression). 100 keeps a busy series' minute bucket near 1 KiB
 * (DESIGN.md's storage budget: 50 features × 48 h of minutes); windows and rollups merge many
 * buckets into digests of the default compression (300), where the accuracy bounds are stated.
 */
export const MINUTE_COMPRESSION = 100;

type DigestAcc = { ref: SeriesRef; minute: number; records: number; digest: TDigest };
type CountsAcc = { ref: SeriesRef; minute: number; records: number; counts: CategoricalCounts };
type CounterAcc = { ref: SeriesRef; minute: number; records: number; value: number };
type Acc = DigestAcc | CountsAcc | CounterAcc;

/**
 * One model's series for one (version, segment, minute) within a request. The fold looks a group
 * up once per record and segment, then each value costs one map lookup by kind and one by name;
 * callers may pass the attribute key as the lookup key (the decoder hands out one string per
 * distinct key, so its hash is computed once per request, not once per value).
 */
export class SeriesGroup {
  private readonly byKind = new Map<SeriesKind, Map<string, Acc>>();
  /** The two hottest maps, held directly: features are most of a prediction's values. */
  private readonly numericFeatures = new Map<string, Acc>();
  private readonly categoricalFeatures = new Map<string, Acc>();
  private readonly owner: ModelAccumulator;
  private readonly version: string;
  private readonly segment: string;
  private readonly minute: number;

  constructor(owner: ModelAccumulator, version: string, segment: string, minute: number) {
    this.owner = owner;
    this.version = version;
    this.segment = segment;
    this.minute = minute;
  }

  /** Folds a number (NaN and ±Infinity are counted as missing by the digest). False when capped. */
  number(kind: SeriesKind, name: string, value: number, lookupKey = name, weight = 1): boolean {
    const acc = this.acc(kind, name, lookupKey) as DigestAcc | undefined;
    if (acc === undefined) return false;
    acc.digest.add(value, weight);
    acc.records += 1;
    return true;
  }

  /** Folds a category. False when capped. */
  category(kind: SeriesKind, name: string, category: string, lookupKey = name): boolean {
    const acc = this.acc(kind, name, lookupKey) as CountsAcc | undefined;
    if (acc === undefined) return false;
    acc.counts.add(category);
    acc.records += 1;
    return true;
  }

  /** Adds to a counter. False when capped. */
  count(kind: SeriesKind, name: string, increment: number): boolean {
    const acc = this.acc(kind, name, name) as CounterAcc | undefined;
    if (acc === undefined) return false;
    acc.value += increment;
    acc.records += 1;
    return true;
  }

  /** The digest a histogram's centroids go into, or undefined when capped. */
  digest(kind: SeriesKind, name: string): TDigest | undefined {
    if (sketchTypeOf(kind) !== "digest") throw new Error(`series kind ${kind} keeps no digest`);
    const acc = this.acc(kind, name, name) as DigestAcc | undefined;
    if (acc === undefined) return undefined;
    acc.records += 1;
    return acc.digest;
  }

  private acc(kind: SeriesKind, name: string, lookupKey: string): Acc | undefined {
    let byName = kind === SeriesKind.numericFeature ? this.numericFeatures : kind === SeriesKind.categoricalFeature ? this.categoricalFeatures : this.byKind.get(kind);
    if (byName === undefined) this.byKind.set(kind, (byName = new Map()));
    const found = byName.get(lookupKey);
    if (found !== undefined) return found;
    if (!this.owner.admit(kind, this.version, name, this.segment)) return undefined;
    const ref: SeriesRef = { kind, version: this.version, name, segment: this.segment };
    const type = sketchTypeOf(kind);
    const acc: Acc =
      type === "digest"
        ? { ref, minute: this.minute, records: 0, digest: new TDigest(MINUTE_COMPRESSION) }
        : type === "counts"
          ? { ref, minute: this.minute, records: 0, counts: new CategoricalCounts(this.owner.categoriesCap) }
          : { ref, minute: this.minute, records: 0, value: 0 };
    byName.set(lookupKey, acc);
    return acc;
  }

  /** Appends this group's deltas, each sketch serialized once. */
  finish(into: SeriesDelta[]): void {
    for (const byName of [this.numericFeatures, this.categoricalFeatures, ...this.byKind.values()]) {
      for (const acc of byName.values()) {
        if ("digest" in acc) into.push({ ...acc.ref, minute: acc.minute, records: acc.records, value: acc.digest.count, sketch: acc.digest.toBytes() });
        else if ("counts" in acc) into.push({ ...acc.ref, minute: acc.minute, records: acc.records, value: acc.counts.total, sketch: acc.counts.toBytes() });
        else into.push({ ...acc.ref, minute: acc.minute, records: acc.records, value: acc.value, sketch: null });
      }
    }
  }

  /** Appends this group's deltas with their sketches as built: the group must not be used after. */
  finishDecoded(into: DecodedDelta[]): void {
    for (const byName of [this.numericFeatures, this.categoricalFeatures, ...this.byKind.values()]) {
      for (const acc of byName.values()) {
        if ("digest" in acc) into.push({ ...acc.ref, minute: acc.minute, records: acc.records, value: acc.digest.count, sketch: acc.digest });
        else if ("counts" in acc) into.push({ ...acc.ref, minute: acc.minute, records: acc.records, value: acc.counts.total, sketch: acc.counts });
        else into.push({ ...acc.ref, minute: acc.minute, records: acc.records, value: acc.value, sketch: acc.value });
      }
    }
  }
}

/**
 * Accumulates one model's values for one request, keyed by (series, minute). Digests buffer
 * values and merge in batches, so a request's thousands of values cost a few sorts, and the
 * ModelStore merges one compact sketch per series instead of every value.
 * The number of distinct series (and of features) is capped: a request cannot make the
 * Worker hold more than the store would ever admit. So is the number of sketches (series ×
 * minutes), which bounds memory when the records spread over many minutes.
 */
export class ModelAccumulator {
  readonly modelId: string;
  private readonly groups = new Map<string, SeriesGroup>();
  readonly cumulative: CumulativePoint[] = [];
  /** Join records of the request (one per identified prediction or actual: bounded by its records). */
  readonly joins: JoinRecord[] = [];
  /** Records of the request that named this model (counted by the fold as it meets them). */
  records = 0;
  private readonly limits: Limits;
  private readonly rejections: Rejections;
  /** Distinct series met in this request (kind, version, name, segment): at most maxSeriesPerModel. */
  private readonly series = new Set<string>();
  /** Sketches built: one per series and minute. */
  private sketchCount = 0;
  /** Feature names met in this request: capped like the store caps them, to bound memory. */
  private readonly features = new Set<string>();

  constructor(modelId: string, limits: Limits, rejections: Rejections) {
    this.modelId = modelId;
    this.limits = limits;
    this.rejections = rejections;
  }

  /** Categories a categorical series keeps exactly. */
  get categoriesCap(): number {
    return this.limits.maxCategoriesPerSeries;
  }

  /** The series group of (version, segment, minute). */
  group(version: string, segment: string, minute: number): SeriesGroup {
    const key = version + "\u0000" + segment + "\u0000" + minute;
    let group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, (group = new SeriesGroup(this, version, segment, minute)));
    return group;
  }

  /** Folds a number into series (kind, version, name, segment) at `minute`. False when capped. */
  addNumber(kind: SeriesKind, version: string, name: string, segment: string, minute: number, value: number, weight = 1): boolean {
    return this.group(version, segment, minute).number(kind, name, value, name, weight);
  }

  /** Folds a category. False when capped. */
  addCategory(kind: SeriesKind, version: string, name: string, segment: string, minute: number, category: string): boolean {
    return this.group(version, segment, minute).category(kind, name, category);
  }

  /** Adds to a counter. False when capped. */
  addCount(kind: SeriesKind, version: string, name: string, segment: string, minute: number, increment: number): boolean {
    return this.group(version, segment, minute).count(kind, name, increment);
  }

  /** The digest a histogram's centroids go into, or undefined when capped. */
  digestFor(kind: SeriesKind, version: string, name: string, segment: string, minute: number): TDigest | undefined {
    return this.group(version, segment, minute).digest(kind, name);
  }

  /**
   * Admits a sketch for a series at a minute of this request, or notes why not: the request's
   * sketches, its distinct series and its features are capped.
   */
  admit(kind: SeriesKind, version: string, name: string, segment: string): boolean {
    if (this.sketchCount >= this.limits.maxSketchesPerRequest) {
      this.rejections.add(`model ${JSON.stringify(this.modelId)} needs more than maxSketchesPerRequest (${this.limits.maxSketchesPerRequest}) sketches (series × minutes) in one request: send fewer minutes per request`);
      return false;
    }
    const key = kind + "\u0000" + version + "\u0000" + name + "\u0000" + segment;
    if (!this.series.has(key)) {
      if (this.series.size >= this.limits.maxSeriesPerModel) {
        this.rejections.add(`model ${JSON.stringify(this.modelId)} has more series in one request than maxSeriesPerModel (${this.limits.maxSeriesPerModel})`);
        return false;
      }
      const newFeature = isFeatureKind(kind) && !this.features.has(name);
      if (newFeature && this.features.size >= this.limits.maxFeaturesPerModel) {
        this.rejections.add(`model ${JSON.stringify(this.modelId)} has more features in one request than maxFeaturesPerModel (${this.limits.maxFeaturesPerModel})`);
        return false;
      }
      this.series.add(key);
      if (newFeature) this.features.add(name);
    }
    this.sketchCount += 1;
    return true;
  }

  /**
   * The deltas with their sketches as built, for a caller that merges them in the same isolate
   * (the ModelStore folding its own cumulative points and join pairs): nothing is serialized.
   * The accumulator must not be used after.
   */
  finishDecoded(): DecodedDelta[] {
    const deltas: DecodedDelta[] = [];
    for (const group of this.groups.values()) group.finishDecoded(deltas);
    return deltas;
  }

  /** The batch to send: every accumulated series serialized once. */
  finish(): ModelBatch {
    const deltas: SeriesDelta[] = [];
    for (const group of this.groups.values()) group.finish(deltas);
    return { modelId: this.modelId, records: this.records, deltas, cumulative: this.cumulative, joins: this.joins };
  }
}
