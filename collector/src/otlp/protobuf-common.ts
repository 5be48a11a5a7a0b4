/**
 * Decoders for opentelemetry/proto/common/v1/common.proto (AnyValue, KeyValue, InstrumentationScope)
 * and resource/v1/resource.proto, shared by the three signals.
 */
import { newAttributes, setAttribute } from "./attributes.ts";
import { messageSpec, WireType } from "./protobuf-wire.ts";
import type { ProtobufReader } from "./protobuf-reader.ts";
import { skipField } from "./protobuf-skip.ts";
import type { AnyValue, Attributes, Scope } from "./types.ts";

const { Varint: VARINT, Fixed64: I64, LengthDelimited: LEN } = WireType;

const anyValueSpec = messageSpec("AnyValue", {
  1: ["string_value", LEN],
  2: ["bool_value", VARINT],
  3: ["int_value", VARINT],
  4: ["double_value", I64],
  5: ["array_value", LEN],
  6: ["kvlist_value", LEN],
  7: ["bytes_value", LEN],
});
const listSpec = messageSpec("ArrayValue", { 1: ["values", LEN] });
const keyValueListSpec = messageSpec("KeyValueList", { 1: ["values", LEN] });
const keyValueSpec = messageSpec("KeyValue", { 1: ["key", LEN], 2: ["value", LEN] });
const resourceSpec = messageSpec("Resource", { 1: ["attributes", LEN], 2: ["dropped_attributes_count", VARINT] });
const scopeSpec = messageSpec("InstrumentationScope", {
  1: ["name", LEN],
  2: ["version", LEN],
  3: ["attributes", LEN],
  4: ["dropped_attributes_count", VARINT],
});

/**
 * Reads the AnyValue message the reader has entered. `depth` is its nesting level (1 for an
 * attribute's value); past `maxAnyValueDepth` it is an error, which bounds the recursion.
 * An AnyValue with no field set is `null`.
 */
export function readAnyValue(r: ProtobufReader, depth: number): AnyValue {
  if (depth > r.maxAnyValueDepth) {
    r.fail(`AnyValue nested ${depth} deep, past the limit maxAnyValueDepth = ${r.maxAnyValueDepth}`);
  }
  let value: AnyValue = null;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        value = r.readString();
        break;
      case (2 << 3) | VARINT:
        value = r.readBool();
        break;
      case (3 << 3) | VARINT:
        value = r.readInt64();
        break;
      case (4 << 3) | I64:
        value = r.readDouble();
        break;
      case (5 << 3) | LEN: {
        const parent = r.enter("array_value", -1);
        value = readArrayValue(r, depth + 1);
        r.leave(parent);
        break;
      }
      case (6 << 3) | LEN: {
        const parent = r.enter("kvlist_value", -1);
        const object = newAttributes();
        readKeyValueList(r, object, depth + 1);
        value = object;
        r.leave(parent);
        break;
      }
      case (7 << 3) | LEN:
        // A copy, not a view: a view would pin the whole request body in memory and be cloned
        // with it whenever the record crosses an RPC boundary.
        value = r.readBytes().slice();
        break;
      default:
        skipField(r, tag, anyValueSpec);
    }
  }
  return value;
}

/** Reads ArrayValue: `values` (field 1), each an AnyValue at `depth`. */
function readArrayValue(r: ProtobufReader, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const parent = r.enter("values", values.length);
      values.push(readAnyValue(r, depth));
      r.leave(parent);
    } else skipField(r, tag, listSpec);
  }
  return values;
}

/** Reads KeyValueList: `values` (field 1), each a KeyValue whose value sits at `depth`. */
function readKeyValueList(r: ProtobufReader, into: { [key: string]: AnyValue }, depth: number): void {
  let index = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const parent = r.enter("values", index);
      readKeyValue(r, into, depth, index++);
      r.leave(parent);
    } else skipField(r, tag, keyValueListSpec);
  }
}

/**
 * Reads one KeyValue message the reader has entered and stores it in `into`. `position` is its
 * index in the list, which lets the reader reuse the key string of the previous record.
 */
function readKeyValue(r: ProtobufReader, into: { [key: string]: AnyValue }, depth: number, position: number): void {
  let key = "";
  let value: AnyValue = null;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) key = r.readKey(position);
    else if (tag === ((2 << 3) | LEN)) {
      // No path frame for `value`: the KeyValue's own frame already locates an error.
      const parent = r.enterUnnamed();
      value = readAnyValue(r, depth);
      r.leaveUnnamed(parent);
    } else skipField(r, tag, keyValueSpec);
  }
  setAttribute(into, key, value);
}

/**
 * Reads one element of a repeated `attributes` field (a KeyValue) into `into`. `index` is the
 * element's position, for error paths.
 */
export function readAttribute(r: ProtobufReader, into: Attributes, index: number): void {
  const parent = r.enter("attributes", index);
  readKeyValue(r, into, 1, index);
  r.leave(parent);
}

/** Reads the Resource message next in the body (as field `resource`) into its attributes. */
export function readResource(r: ProtobufReader, into: Attributes): void {
  const parent = r.enter("resource", -1);
  let index = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) readAttribute(r, into, index++);
    else skipField(r, tag, resourceSpec);
  }
  r.leave(parent);
}

/** Reads the InstrumentationScope message next in the body (as field `scope`). */
export function readScope(r: ProtobufReader): Scope {
  const parent = r.enter("scope", -1);
  const scope: Scope = { name: "", version: "" };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        scope.name = r.readString();
        break;
      case (2 << 3) | LEN:
        scope.version = r.readString();
        break;
      default:
        // Scope attributes (field 3) are not folded: skipped unread, with a wire-type check.
        skipField(r, tag, scopeSpec);
    }
  }
  r.leave(parent);
  return scope;
}
