import { OTHER, SeriesKind, exclusiveSlot, isCustomKind, isFeatureKind, seriesKey } from "@driftline/collector";
import type { Limits, SeriesRef } from "@driftline/collector";

/** How a feature kind reads in a rejection message. */
const TYPE_NAME: Readonly<Record<string, string>> = { [SeriesKind.numericFeature]: "a number", [SeriesKind.categoricalFeature]: "a string or bool" };
/** How a prediction kind reads in a rejection message. */
const PREDICTION_NAME: Readonly<Record<string, string>> = { [SeriesKind.predictionValue]: "ml.prediction.value (a number)", [SeriesKind.predictionLabel]: "ml.prediction.label (a string)" };

/** Why a series was refused, naming the cap (docs/limits.md). */
export type Refusal = { reason: string };

/**
 * The store's series, in memory: id by key, plus the sets the per-model caps count (versions,
 * features, segment values, custom series). Loaded once from the `series` table; bounded by
 * the caps it enforces, so it never outgrows them. A series past a cap is refused and never
 * written, and a segment value past its cap is filed under `<name>=__other__`.
 *
 * A feature keeps, per version, the type it was first seen with (docs/semantic-conventions.md):
 * values of the other type are refused, so a query never meets two series with the same labels.
 * A version's prediction likewise keeps its first kind, value or label (issue 11, item 5).
 */
export class SeriesIndex {
  private readonly ids = new Map<string, number>();
  private readonly versions = new Set<string>();
  private readonly features = new Set<string>();
  private readonly segmentValues = new Map<string, Set<string>>();
  /** Per "version\0slot" (exclusiveSlot): the kind and the id of its oldest series (the first kind wins). */
  private readonly slotKinds = new Map<string, { kind: SeriesRef["kind"]; id: number }>();
  private customSeries = 0;

  /** Registers a series loaded from storage (in any order: the lowest id fixes a feature's type). */
  load(ref: SeriesRef, id: number): void {
    this.ids.set(seriesKey(ref), id);
    this.count(ref, id);
  }

  /** The id of a known series, or undefined. */
  idOf(ref: SeriesRef): number | undefined {
    return this.ids.get(seriesKey(ref));
  }

  get size(): number {
    return this.ids.size;
  }

  /**
   * Where a new series may go: the same ref, a ref with its segment value folded into
   * `__other__`, or a refusal when a cap is reached.
   */
  admit(ref: SeriesRef, limits: Limits): SeriesRef | Refusal {
    if (this.ids.size >= limits.maxSeriesPerModel) return { reason: `model has maxSeriesPerModel (${limits.maxSeriesPerModel}) series` };
    if (!this.versions.has(ref.version) && this.versions.size >= limits.maxVersionsPerModel) {
      return { reason: `model has maxVersionsPerModel (${limits.maxVersionsPerModel}) versions` };
    }
    if (isFeatureKind(ref.kind) && !this.features.has(ref.name) && this.features.size >= limits.maxFeaturesPerModel) {
      return { reason: `model has maxFeaturesPerModel (${limits.maxFeaturesPerModel}) features` };
    }
    const conflict = this.typeConflict(ref);
    if (conflict !== undefined) return conflict;
    if (isCustomKind(ref.kind) && this.customSeries >= limits.maxCustomSeriesPerModel) {
      return { reason: `model has maxCustomSeriesPerModel (${limits.maxCustomSeriesPerModel}) custom-metric series` };
    }
    if (ref.segment === "") return ref;
    const eq = ref.segment.indexOf("=");
    const name = ref.segment.slice(0, eq);
    const value = ref.segment.slice(eq + 1);
    const values = this.segmentValues.get(name);
    if (values === undefined) {
      if (this.segmentValues.size >= limits.maxSegmentNamesPerModel) {
        return { reason: `model has maxSegmentNamesPerModel (${limits.maxSegmentNamesPerModel}) segment attributes` };
      }
      return ref;
    }
    if (values.has(value) || value === OTHER) return ref;
    // OTHER itself is a value too, so the cap leaves room for it.
    if (values.size >= limits.maxSegmentValuesPerSegment - (values.has(OTHER) ? 0 : 1)) return { ...ref, segment: `${name}=${OTHER}` };
    return ref;
  }

  /**
   * The refusal for a feature series of the other type than its version's feature was first
   * seen with, or a prediction of the other kind than its version's first, or undefined. Asked
   * for known series too: a store written before the rule may hold both, and only the first one
   * takes new values.
   */
  typeConflict(ref: SeriesRef): Refusal | undefined {
    const slot = exclusiveSlot(ref.kind, ref.name);
    const typed = slot === undefined ? undefined : this.slotKinds.get(`${ref.version}\u0000${slot}`);
    if (typed === undefined || typed.kind === ref.kind) return undefined;
    if (!isFeatureKind(ref.kind)) {
      return {
        reason: `the prediction of version ${JSON.stringify(ref.version)} was first sent as ${PREDICTION_NAME[typed.kind]}; ${PREDICTION_NAME[ref.kind]} is rejected (a version keeps one prediction kind)`,
      };
    }
    return {
      reason: `feature ${JSON.stringify(ref.name)} of version ${JSON.stringify(ref.version)} was first sent as ${TYPE_NAME[typed.kind]}; values sent as ${TYPE_NAME[ref.kind]} are rejected (a feature keeps its first type per version)`,
    };
  }

  /** Records a series just written under `id`. */
  add(ref: SeriesRef, id: number): void {
    this.ids.set(seriesKey(ref), id);
    this.count(ref, id);
  }

  private count(ref: SeriesRef, id: number): void {
    this.versions.add(ref.version);
    if (isFeatureKind(ref.kind)) this.features.add(ref.name);
    const slot = exclusiveSlot(ref.kind, ref.name);
    if (slot !== undefined) {
      const key = `${ref.version}\u0000${slot}`;
      const typed = this.slotKinds.get(key);
      if (typed === undefined || id < typed.id) this.slotKinds.set(key, { kind: ref.kind, id });
    }
    if (isCustomKind(ref.kind)) this.customSeries += 1;
    if (ref.segment !== "") {
      const eq = ref.segment.indexOf("=");
      const name = ref.segment.slice(0, eq);
      let values = this.segmentValues.get(name);
      if (values === undefined) this.segmentValues.set(name, (values = new Set()));
      values.add(ref.segment.slice(eq + 1));
    }
  }
}

/** True when `admit` refused. */
export function isRefusal(result: SeriesRef | Refusal): result is Refusal {
  return "reason" in result;
}
