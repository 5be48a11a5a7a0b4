import type { AnyValue, Attributes, LogsData, LogRecord } from "../otlp/types.ts";
import type { ModelAccumulator } from "./batch.ts";
import { Attr, Event } from "./conventions.ts";
import type { FoldContext } from "./context.ts";
import { numberOf, scalarString } from "./context.ts";
import { SeriesKind } from "../series/kinds.ts";
import { batchSegment } from "../series/batches.ts";

/**
 * Folds `ml.prediction` and `ml.actual` log events (docs/semantic-conventions.md). Other log
 * records are ordinary application logs: accepted and ignored, so a Collector can send a
 * service's whole log stream here without errors.
 */
export function foldLogs(data: LogsData, ctx: FoldContext): void {
  for (const resourceLogs of data.resourceLogs) {
    const resource = resourceLogs.resource;
    const resourceSegments = segmentsOf(resource, ctx);
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) {
        const event = record.eventName || scalarString(record.attributes[Attr.eventName]) || "";
        if (event !== Event.prediction && event !== Event.actual) {
          ctx.ignored += 1;
          continue;
        }
        ctx.rejections.beginRecord();
        foldEvent(event, record, resource, resourceSegments, ctx);
        ctx.rejections.endRecord();
      }
    }
  }
}

function foldEvent(event: string, record: LogRecord, resource: Attributes, resourceSegments: Segment[], ctx: FoldContext): void {
  const attributes = record.attributes;
  const identity = ctx.identify(attributes, resource);
  if (identity === undefined) {
    ctx.rejections.add(`${event} event without ${Attr.modelId}`);
    return;
  }
  const { modelId, version } = identity;
  if (!ctx.validName(modelId, Attr.modelId) || !ctx.validName(version, Attr.modelVersion)) return;
  const timeUnixNano = record.timeUnixNano || record.observedTimeUnixNano;
  const minute = ctx.minuteOf(timeUnixNano);
  if (minute === undefined) return;
  const model = ctx.model(modelId);
  if (model === undefined) return;
  // The join needs the instant, not only the minute: the actual's delay is measured from it.
  const timeMs = Number((timeUnixNano === 0n ? ctx.now : timeUnixNano) / 1_000_000n);
  if (event === Event.prediction) foldPrediction(model, version, minute, timeMs, attributes, resourceSegments, ctx);
  else foldActual(model, version, minute, timeMs, attributes, ctx);
}

function foldPrediction(
  model: ModelAccumulator,
  version: string,
  minute: number,
  timeMs: number,
  attributes: Attributes,
  resourceSegments: Segment[],
  ctx: FoldContext,
): void {
  // One pass over the attributes: segments become groups, features wait for them in `features`.
  const groups = [model.group(version, "", minute)];
  const features = ctx.scratchKeys;
  const featureNames = ctx.scratchNames;
  features.length = 0;
  featureNames.length = 0;
  let ownSegments: string[] | undefined;
  let segmentKeys: string[] | undefined;
  for (const key in attributes) {
    const role = ctx.classifyKey(key);
    if (role.role === "other") continue;
    if (role.role === "invalid") ctx.rejections.add(role.reason);
    else if (role.role === "feature") {
      features.push(key);
      featureNames.push(role.name);
    }
    else {
      const value = segmentValue(attributes[key], ctx);
      if (value === undefined) continue;
      const segment = `${role.name}=${value}`;
      groups.push(model.group(version, segment, minute));
      (ownSegments ??= []).push(role.name);
      (segmentKeys ??= []).push(segment);
    }
  }
  for (const [name, value] of resourceSegments) {
    if (ownSegments === undefined || !ownSegments.includes(name)) {
      groups.push(model.group(version, `${name}=${value}`, minute));
      (segmentKeys ??= []).push(`${name}=${value}`);
    }
  }

  // A batch scoring job's id: its predictions (and their pairs) are also folded under the batch's
  // pseudo-segment, at their own minute (the batch's time span), whatever bucket level the time
  // series files them under (series/batches.ts).
  const batch = scalarString(attributes[Attr.batchId]);
  if (batch !== undefined && ctx.validValue(batch, Attr.batchId)) {
    const segment = batchSegment(batch);
    groups.push(model.group(version, segment, Math.floor(timeMs / 60_000)));
    (segmentKeys ??= []).push(segment);
  }

  const failed = scalarString(attributes[Attr.errorType]) !== undefined;
  const latencySeconds = numberOf(attributes[Attr.predictionLatency]);
  const value = attributes[Attr.predictionValue];
  const label = scalarString(attributes[Attr.predictionLabel]);
  const validLabel = label !== undefined && ctx.validValue(label, Attr.predictionLabel);
  const score = numberOf(attributes[Attr.predictionScore]);
  const id = scalarString(attributes[Attr.predictionId]);
  const joinable = id !== undefined && !failed && ((typeof value === "number" && Number.isFinite(value)) || validLabel) && ctx.validValue(id, Attr.predictionId);
  if (joinable) {
    model.joins.push({
      side: "prediction",
      id,
      version,
      segments: segmentKeys ?? [],
      minute,
      timeMs,
      value: typeof value === "number" ? value : null,
      label: validLabel ? label : null,
      // A score is a probability of the predicted label (docs/accuracy.md): others cannot feed AUC or log loss.
      score: validLabel && score !== undefined && score >= 0 && score <= 1 ? score : null,
    });
  }
  for (const group of groups) {
    if (!group.count(SeriesKind.predictions, "", 1)) return;
    if (joinable) group.count(SeriesKind.identifiedPredictions, "", 1);
    if (failed) group.count(SeriesKind.errors, "", 1);
    if (latencySeconds !== undefined) group.number(SeriesKind.latency, "", latencySeconds);
    if (typeof value === "number") group.number(SeriesKind.predictionValue, "", value);
    if (validLabel) group.category(SeriesKind.predictionLabel, "", label);
    if (score !== undefined) group.number(SeriesKind.predictionScore, "", score);
  }
  if (value !== undefined && typeof value !== "number") ctx.rejections.add(`${Attr.predictionValue} that is not a number (send labels as ${Attr.predictionLabel})`);

  for (let f = 0; f < features.length; f++) {
    const key = features[f];
    const name = featureNames[f];
    const feature = attributes[key];
    if (typeof feature === "number") {
      for (const group of groups) group.number(SeriesKind.numericFeature, name, feature, key);
    } else if (typeof feature === "string" || typeof feature === "boolean") {
      const category = feature === true ? "true" : feature === false ? "false" : feature;
      if (!ctx.validValue(category, "feature value")) continue;
      for (const group of groups) group.category(SeriesKind.categoricalFeature, name, category, key);
    } else if (feature !== null) {
      ctx.rejections.add("feature value that is not a number, string or bool");
    }
  }
}

function foldActual(model: ModelAccumulator, version: string, minute: number, timeMs: number, attributes: Attributes, ctx: FoldContext): void {
  const value = attributes[Attr.actualValue];
  const label = scalarString(attributes[Attr.actualLabel]);
  let joinValue: number | null = null;
  let joinLabel: string | null = null;
  if (typeof value === "number") {
    model.addNumber(SeriesKind.actualValue, version, "", "", minute, value);
    if (Number.isFinite(value)) joinValue = value;
  } else if (label !== undefined) {
    if (ctx.validValue(label, Attr.actualLabel)) {
      model.addCategory(SeriesKind.actualLabel, version, "", "", minute, label);
      joinLabel = label;
    }
  } else ctx.rejections.add(`${Event.actual} event with neither a numeric ${Attr.actualValue} nor an ${Attr.actualLabel}`);
  if (joinValue === null && joinLabel === null) return;
  // An actual without an id still counts as a true value (target drift); it just cannot be joined.
  const id = scalarString(attributes[Attr.predictionId]);
  if (id !== undefined && ctx.validValue(id, Attr.predictionId)) model.joins.push({ side: "actual", id, version, timeMs, value: joinValue, label: joinLabel });
}

/** A segment attribute: its name and value. */
type Segment = [name: string, value: string];

/** The valid `ml.segment.<name>` attributes of a resource, read once per resource. */
function segmentsOf(attributes: Attributes, ctx: FoldContext): Segment[] {
  const segments: Segment[] = [];
  for (const key in attributes) {
    const role = ctx.classifyKey(key);
    if (role.role !== "segment") continue;
    const value = segmentValue(attributes[key], ctx);
    if (value !== undefined) segments.push([role.name, value]);
  }
  return segments;
}

/** A segment attribute's value as a string, or undefined (rejection noted) when it cannot be one. */
function segmentValue(value: AnyValue | undefined, ctx: FoldContext): string | undefined {
  const text = scalarString(value);
  if (text === undefined) {
    ctx.rejections.add("segment value that is not a string, number or bool");
    return undefined;
  }
  return ctx.validValue(text, "segment value") ? text : undefined;
}
