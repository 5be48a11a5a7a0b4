import { newAttributes } from "./attributes.ts";
/** Metric data points from OTLP/JSON; the same records as protobuf-metric-points.ts produces. */
import { readAttributesJson } from "./json-common.ts";
import type { JsonReader } from "./json-reader.ts";
import type {
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from "./types.ts";

/** NumberDataPoint; `value` is NaN when neither asDouble nor asInt is set. */
export function readNumberPointJson(j: JsonReader, json: unknown): NumberDataPoint {
  const o = j.object(json, "");
  const point: NumberDataPoint = { attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, value: NaN, flags: 0 };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "attributes":
        readAttributesJson(j, value, key, point.attributes);
        break;
      case "startTimeUnixNano":
      case "start_time_unix_nano":
        point.startTimeUnixNano = j.timestamp(value, key);
        break;
      case "timeUnixNano":
      case "time_unix_nano":
        point.timeUnixNano = j.timestamp(value, key);
        break;
      case "asDouble":
      case "as_double":
        point.value = j.double(value, key);
        break;
      case "asInt":
      case "as_int":
        point.value = j.int(value, key);
        break;
      case "flags":
        point.flags = j.int(value, key);
        break;
    }
  }
  return point;
}

/** HistogramDataPoint (explicit buckets). */
export function readHistogramPointJson(j: JsonReader, json: unknown): HistogramDataPoint {
  const o = j.object(json, "");
  const point: HistogramDataPoint = {
    attributes: newAttributes(),
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    min: undefined,
    max: undefined,
    bucketCounts: [],
    explicitBounds: [],
    flags: 0,
  };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "attributes":
        readAttributesJson(j, value, key, point.attributes);
        break;
      case "startTimeUnixNano":
      case "start_time_unix_nano":
        point.startTimeUnixNano = j.timestamp(value, key);
        break;
      case "timeUnixNano":
      case "time_unix_nano":
        point.timeUnixNano = j.timestamp(value, key);
        break;
      case "count":
        point.count = j.int(value, key);
        break;
      case "sum":
        point.sum = j.double(value, key);
        break;
      case "min":
        point.min = j.double(value, key);
        break;
      case "max":
        point.max = j.double(value, key);
        break;
      case "bucketCounts":
      case "bucket_counts":
        point.bucketCounts = readIntegers(j, value, key);
        break;
      case "explicitBounds":
      case "explicit_bounds": {
        const list = j.array(value, key);
        for (let i = 0; i < list.length; i++) point.explicitBounds.push(j.double(list[i], `${key}[${i}]`));
        break;
      }
      case "flags":
        point.flags = j.int(value, key);
        break;
    }
  }
  return point;
}

/** ExponentialHistogramDataPoint. */
export function readExponentialPointJson(j: JsonReader, json: unknown): ExponentialHistogramDataPoint {
  const o = j.object(json, "");
  const point: ExponentialHistogramDataPoint = {
    attributes: newAttributes(),
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    min: undefined,
    max: undefined,
    scale: 0,
    zeroCount: 0,
    zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
  };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "attributes":
        readAttributesJson(j, value, key, point.attributes);
        break;
      case "startTimeUnixNano":
      case "start_time_unix_nano":
        point.startTimeUnixNano = j.timestamp(value, key);
        break;
      case "timeUnixNano":
      case "time_unix_nano":
        point.timeUnixNano = j.timestamp(value, key);
        break;
      case "count":
        point.count = j.int(value, key);
        break;
      case "sum":
        point.sum = j.double(value, key);
        break;
      case "min":
        point.min = j.double(value, key);
        break;
      case "max":
        point.max = j.double(value, key);
        break;
      case "scale":
        point.scale = j.int(value, key);
        break;
      case "zeroCount":
      case "zero_count":
        point.zeroCount = j.int(value, key);
        break;
      case "zeroThreshold":
      case "zero_threshold":
        point.zeroThreshold = j.double(value, key);
        break;
      case "positive":
      case "negative":
        point[key] = readBuckets(j, value, key);
        break;
      case "flags":
        point.flags = j.int(value, key);
        break;
    }
  }
  return point;
}

function readBuckets(j: JsonReader, json: unknown, field: string): ExponentialBuckets {
  const o = j.object(json, field);
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  j.path.push(field, -1);
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "offset") buckets.offset = j.int(value, key);
    else if (key === "bucketCounts" || key === "bucket_counts") buckets.bucketCounts = readIntegers(j, value, key);
  }
  j.path.pop();
  return buckets;
}

/** SummaryDataPoint. */
export function readSummaryPointJson(j: JsonReader, json: unknown): SummaryDataPoint {
  const o = j.object(json, "");
  const point: SummaryDataPoint = { attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: 0, quantileValues: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "attributes":
        readAttributesJson(j, value, key, point.attributes);
        break;
      case "startTimeUnixNano":
      case "start_time_unix_nano":
        point.startTimeUnixNano = j.timestamp(value, key);
        break;
      case "timeUnixNano":
      case "time_unix_nano":
        point.timeUnixNano = j.timestamp(value, key);
        break;
      case "count":
        point.count = j.int(value, key);
        break;
      case "sum":
        point.sum = j.double(value, key);
        break;
      case "quantileValues":
      case "quantile_values": {
        const list = j.array(value, key);
        for (let i = 0; i < list.length; i++) {
          j.path.push(key, i);
          const q = j.object(list[i], "");
          point.quantileValues.push({
            quantile: q.quantile === undefined || q.quantile === null ? 0 : j.double(q.quantile, "quantile"),
            value: q.value === undefined || q.value === null ? 0 : j.double(q.value, "value"),
          });
          j.path.pop();
        }
        break;
      }
    }
  }
  return point;
}

/** A repeated 64-bit integer field (bucket counts). */
function readIntegers(j: JsonReader, json: unknown, field: string): number[] {
  const list = j.array(json, field);
  const result = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) result[i] = j.int(list[i], `${field}[${i}]`);
  return result;
}
