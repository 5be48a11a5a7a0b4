import type { AnyValue, Attributes } from "../otlp/types.ts";
import { ModelAccumulator } from "./batch.ts";
import type { FoldResult } from "./batch.ts";
import { Attr, UNKNOWN_VERSION } from "./conventions.ts";
import type { Limits } from "./limits.ts";
import { Rejections } from "./rejections.ts";
import { BucketLevel, RETENTION, filedMinute, levelOf, minuteRetentionOf } from "../series/retention.ts";

/** What an attribute key means to the prediction fold: computed once per distinct key per request. */
export type KeyClass =
  | { role: "other" }
  | { role: "feature" | "segment"; name: string }
  /** A feature or segment key whose name breaks a rule: the reason, noted each time it is met. */
  | { role: "invalid"; reason: string };

const OTHER_KEY: KeyClass = { role: "other" };

/**
 * The state of folding one request: its models' accumulators, what was rejected, and the
 * receiver's clock, against which timestamps are checked.
 */
export class FoldContext {
  readonly limits: Limits;
  readonly rejections = new Rejections();
  ignored = 0;
  private readonly models = new Map<string, ModelAccumulator>();
  /** A reusable list for the prediction fold's feature keys: no allocation per record. */
  readonly scratchKeys: string[] = [];
  /** The feature names of `scratchKeys`, index for index. */
  readonly scratchNames: string[] = [];
  /** Attribute keys already classified; bounded by the distinct keys of one request. */
  private readonly keyClasses = new Map<string, KeyClass>();
  private readonly nowNano: bigint;
  private readonly nowMinute: number;
  /** Minute buckets kept (retention.ts): older records are filed under their hour or day. */
  private readonly minuteRetention: number;
  private readonly latestNano: bigint;

  constructor(limits: Limits, nowMs: number) {
    this.limits = limits;
    this.nowNano = BigInt(Math.floor(nowMs)) * 1_000_000n;
    this.nowMinute = Math.floor(nowMs / 60_000);
    this.minuteRetention = minuteRetentionOf(limits.maxPastSeconds);
    this.latestNano = this.nowNano + BigInt(limits.maxFutureSeconds) * 1_000_000_000n;
  }

  /** The receiver's clock in nanoseconds: the timestamp of records that carry none. */
  get now(): bigint {
    return this.nowNano;
  }

  /**
   * The accumulator of a model, or undefined (with the rejection noted) when the id is not a usable
   * name or the request names more models than a tenant may have.
   */
  model(modelId: string): ModelAccumulator | undefined {
    let acc = this.models.get(modelId);
    if (acc !== undefined) {
      acc.records += 1;
      return acc;
    }
    if (this.models.size >= this.limits.maxModelsPerTenant) {
      this.rejections.add(`more models in one request than maxModelsPerTenant (${this.limits.maxModelsPerTenant})`);
      return undefined;
    }
    acc = new ModelAccumulator(modelId, this.limits, this.rejections);
    acc.records = 1;
    this.models.set(modelId, acc);
    return acc;
  }

  /**
   * The minute a timestamp's values are filed under (0 means "now"), or undefined (rejection
   * noted) when it lies past the day retention or more than maxFutureSeconds ahead. A record
   * inside the minute retention keeps its minute; an older one (a backfill, docs/backfill.md) is
   * filed under the first minute of its hour or day (series/retention.ts), the bucket the store
   * merges it into, so a request of old records folds into one delta per series and hour or day.
   */
  minuteOf(timeUnixNano: bigint): number | undefined {
    const t = timeUnixNano === 0n ? this.nowNano : timeUnixNano;
    if (t > this.latestNano) {
      this.rejections.add(`timestamp more than maxFutureSeconds (${this.limits.maxFutureSeconds} s) ahead of the receiver's clock`);
      return undefined;
    }
    // Floor division, also for timestamps before 1970 (bigint division truncates toward zero).
    const minute = Math.floor(Number(t / 1_000_000n) / 60_000);
    if (minute >= this.nowMinute - this.minuteRetention) return minute;
    const level = levelOf(minute, this.nowMinute, this.minuteRetention);
    if (level === BucketLevel.expired) {
      this.rejections.add(`timestamp older than the day retention (${RETENTION.days} days): nothing older is kept`);
      return undefined;
    }
    return filedMinute(minute, level);
  }

  /** Checks a model id, version, feature, segment or metric name; notes why it is refused. */
  validName(name: string, what: string, maxLength = this.limits.maxNameLength): boolean {
    const problem = this.nameProblem(name, what, maxLength);
    if (problem === undefined) return true;
    this.rejections.add(problem);
    return false;
  }

  private nameProblem(name: string, what: string, maxLength = this.limits.maxNameLength): string | undefined {
    if (name.length === 0) return `empty ${what}`;
    if (name.length > maxLength) return `${what} longer than ${maxLength === this.limits.maxNameLength ? "maxNameLength" : "4 × maxNameLength"} (${maxLength})`;
    if (name.includes("\u0000")) return `${what} contains a NUL character`;
    return undefined;
  }

  /** Checks a categorical value (category, label, segment value). */
  validValue(value: string, what: string): boolean {
    if (value.length > this.limits.maxValueLength) {
      this.rejections.add(`${what} longer than maxValueLength (${this.limits.maxValueLength})`);
      return false;
    }
    if (value.includes("\u0000")) {
      this.rejections.add(`${what} contains a NUL character`);
      return false;
    }
    return true;
  }

  /**
   * Whether an attribute key is a feature (`ml.feature.<name>`), a segment (`ml.segment.<name>`)
   * or neither, and its name; names are validated once per key, not once per record.
   */
  classifyKey(key: string): KeyClass {
    const known = this.keyClasses.get(key);
    if (known !== undefined) return known;
    let found: KeyClass = OTHER_KEY;
    const role = key.startsWith(Attr.featurePrefix) ? "feature" : key.startsWith(Attr.segmentPrefix) ? "segment" : undefined;
    if (role !== undefined) {
      const name = key.slice(role === "feature" ? Attr.featurePrefix.length : Attr.segmentPrefix.length);
      const reason = this.nameProblem(name, `${role} name`) ?? (role === "segment" && name.includes("=") ? "segment name containing '='" : undefined);
      found = reason === undefined ? { role, name } : { role: "invalid", reason };
    }
    this.keyClasses.set(key, found);
    return found;
  }

  /** The model id and version a record names, falling back to its resource. */
  identify(attributes: Attributes, resource: Attributes, fallbackModel?: AnyValue): { modelId: string; version: string } | undefined {
    const id = scalarString(attributes[Attr.modelId] ?? resource[Attr.modelId] ?? fallbackModel);
    if (id === undefined) return undefined;
    const version = scalarString(attributes[Attr.modelVersion] ?? resource[Attr.modelVersion]) ?? UNKNOWN_VERSION;
    return { modelId: id, version };
  }

  /** The request's result: every model's batch, serialized once. */
  finish(): FoldResult {
    const batches = [...this.models.values()].map((m) => m.finish()).filter((b) => b.deltas.length > 0 || b.cumulative.length > 0);
    return { batches, rejected: this.rejections.records, message: this.rejections.message(), ignored: this.ignored };
  }
}

/** A string, number or bool attribute as a string; undefined for anything else or absent. */
export function scalarString(value: AnyValue | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A numeric attribute; strings are not parsed (a feature's type is the type it was sent as). */
export function numberOf(value: AnyValue | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}
