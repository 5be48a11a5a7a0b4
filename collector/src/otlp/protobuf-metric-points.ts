import { newAttributes } from "./attributes.ts";
/**
 * Data points of opentelemetry/proto/metrics/v1/metrics.proto from protobuf. Repeated scalars
 * (bucket_counts, explicit_bounds) are accepted packed and unpacked, as protobuf parsers must.
 */
import { readAttribute } from "./protobuf-common.ts";
import { readPackedDouble, readPackedFixed64, readPackedVarint } from "./protobuf-packed.ts";
import { messageSpec, WireType } from "./protobuf-wire.ts";
import type { ProtobufReader } from "./protobuf-reader.ts";
import { skipField } from "./protobuf-skip.ts";
import type {
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from "./types.ts";

const { Varint: VARINT, Fixed64: I64, LengthDelimited: LEN } = WireType;

const numberPointSpec = messageSpec("NumberDataPoint", {
  2: ["start_time_unix_nano", I64],
  3: ["time_unix_nano", I64],
  4: ["as_double", I64],
  5: ["exemplars", LEN],
  6: ["as_int", I64],
  7: ["attributes", LEN],
  8: ["flags", VARINT],
});
const histogramPointSpec = messageSpec("HistogramDataPoint", {
  2: ["start_time_unix_nano", I64],
  3: ["time_unix_nano", I64],
  4: ["count", I64],
  5: ["sum", I64],
  6: ["bucket_counts", LEN],
  7: ["explicit_bounds", LEN],
  8: ["exemplars", LEN],
  9: ["attributes", LEN],
  10: ["flags", VARINT],
  11: ["min", I64],
  12: ["max", I64],
});
const exponentialPointSpec = messageSpec("ExponentialHistogramDataPoint", {
  1: ["attributes", LEN],
  2: ["start_time_unix_nano", I64],
  3: ["time_unix_nano", I64],
  4: ["count", I64],
  5: ["sum", I64],
  6: ["scale", VARINT],
  7: ["zero_count", I64],
  8: ["positive", LEN],
  9: ["negative", LEN],
  10: ["flags", VARINT],
  11: ["exemplars", LEN],
  12: ["min", I64],
  13: ["max", I64],
  14: ["zero_threshold", I64],
});
const bucketsSpec = messageSpec("ExponentialHistogramDataPoint.Buckets", { 1: ["offset", VARINT], 2: ["bucket_counts", LEN] });
const summaryPointSpec = messageSpec("SummaryDataPoint", {
  2: ["start_time_unix_nano", I64],
  3: ["time_unix_nano", I64],
  4: ["count", I64],
  5: ["sum", I64],
  6: ["quantile_values", LEN],
  7: ["attributes", LEN],
  8: ["flags", VARINT],
});
const quantileSpec = messageSpec("SummaryDataPoint.ValueAtQuantile", { 1: ["quantile", I64], 2: ["value", I64] });

/** Reads NumberDataPoint; `value` is NaN when neither as_double nor as_int is set. */
export function readNumberPoint(r: ProtobufReader): NumberDataPoint {
  const point: NumberDataPoint = { attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, value: NaN, flags: 0 };
  let attributeIndex = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (7 << 3) | LEN:
        readAttribute(r, point.attributes, attributeIndex++);
        break;
      case (2 << 3) | I64:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case (3 << 3) | I64:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case (4 << 3) | I64:
        point.value = r.readDouble();
        break;
      case (6 << 3) | I64:
        point.value = r.readSfixed64Number();
        break;
      case (8 << 3) | VARINT:
        point.flags = r.readVarint();
        break;
      default:
        skipField(r, tag, numberPointSpec);
    }
  }
  return point;
}

/** Reads HistogramDataPoint (explicit buckets). */
export function readHistogramPoint(r: ProtobufReader): HistogramDataPoint {
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
  let attributeIndex = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (9 << 3) | LEN:
        readAttribute(r, point.attributes, attributeIndex++);
        break;
      case (2 << 3) | I64:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case (3 << 3) | I64:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case (4 << 3) | I64:
        point.count = r.readFixed64Number();
        break;
      case (5 << 3) | I64:
        point.sum = r.readDouble();
        break;
      case (6 << 3) | LEN:
        readPackedFixed64(r, point.bucketCounts);
        break;
      case (6 << 3) | I64:
        point.bucketCounts.push(r.readFixed64Number());
        break;
      case (7 << 3) | LEN:
        readPackedDouble(r, point.explicitBounds);
        break;
      case (7 << 3) | I64:
        point.explicitBounds.push(r.readDouble());
        break;
      case (10 << 3) | VARINT:
        point.flags = r.readVarint();
        break;
      case (11 << 3) | I64:
        point.min = r.readDouble();
        break;
      case (12 << 3) | I64:
        point.max = r.readDouble();
        break;
      default:
        skipField(r, tag, histogramPointSpec);
    }
  }
  return point;
}

/** Reads ExponentialHistogramDataPoint. */
export function readExponentialPoint(r: ProtobufReader): ExponentialHistogramDataPoint {
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
  let attributeIndex = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        readAttribute(r, point.attributes, attributeIndex++);
        break;
      case (2 << 3) | I64:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case (3 << 3) | I64:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case (4 << 3) | I64:
        point.count = r.readFixed64Number();
        break;
      case (5 << 3) | I64:
        point.sum = r.readDouble();
        break;
      case (6 << 3) | VARINT:
        point.scale = r.readSint32();
        break;
      case (7 << 3) | I64:
        point.zeroCount = r.readFixed64Number();
        break;
      case (8 << 3) | LEN:
        point.positive = readBuckets(r, "positive");
        break;
      case (9 << 3) | LEN:
        point.negative = readBuckets(r, "negative");
        break;
      case (10 << 3) | VARINT:
        point.flags = r.readVarint();
        break;
      case (12 << 3) | I64:
        point.min = r.readDouble();
        break;
      case (13 << 3) | I64:
        point.max = r.readDouble();
        break;
      case (14 << 3) | I64:
        point.zeroThreshold = r.readDouble();
        break;
      default:
        skipField(r, tag, exponentialPointSpec);
    }
  }
  return point;
}

function readBuckets(r: ProtobufReader, name: string): ExponentialBuckets {
  const parent = r.enter(name, -1);
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | VARINT)) buckets.offset = r.readSint32();
    else if (tag === ((2 << 3) | LEN)) readPackedVarint(r, buckets.bucketCounts);
    else if (tag === ((2 << 3) | VARINT)) buckets.bucketCounts.push(r.readVarint());
    else skipField(r, tag, bucketsSpec);
  }
  r.leave(parent);
  return buckets;
}

/** Reads SummaryDataPoint. */
export function readSummaryPoint(r: ProtobufReader): SummaryDataPoint {
  const point: SummaryDataPoint = { attributes: newAttributes(), startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0, sum: 0, quantileValues: [] };
  let attributeIndex = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (7 << 3) | LEN:
        readAttribute(r, point.attributes, attributeIndex++);
        break;
      case (2 << 3) | I64:
        point.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case (3 << 3) | I64:
        point.timeUnixNano = r.readFixed64BigInt();
        break;
      case (4 << 3) | I64:
        point.count = r.readFixed64Number();
        break;
      case (5 << 3) | I64:
        point.sum = r.readDouble();
        break;
      case (6 << 3) | LEN: {
        const parent = r.enter("quantile_values", point.quantileValues.length);
        const quantile = { quantile: 0, value: 0 };
        while (r.pos < r.limit) {
          const inner = r.readTag();
          if (inner === ((1 << 3) | I64)) quantile.quantile = r.readDouble();
          else if (inner === ((2 << 3) | I64)) quantile.value = r.readDouble();
          else skipField(r, inner, quantileSpec);
        }
        point.quantileValues.push(quantile);
        r.leave(parent);
        break;
      }
      default:
        skipField(r, tag, summaryPointSpec);
    }
  }
  return point;
}
