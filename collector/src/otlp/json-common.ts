/**
 * OTLP/JSON decoders for common.proto (AnyValue, KeyValue, InstrumentationScope) and
 * resource.proto, shared by the three signals. Keys are accepted in lowerCamelCase and in the
 * proto's snake_case; unknown keys are ignored; `null` means "not set".
 */
import { newAttributes, setAttribute } from "./attributes.ts";
import type { JsonObject, JsonReader } from "./json-reader.ts";
import type { AnyValue, Attributes, Scope } from "./types.ts";

/**
 * Converts a JSON AnyValue at nesting level `depth` (1 for an attribute's value); past
 * `maxAnyValueDepth` it is an error, which bounds the recursion. No member set → null.
 */
export function readAnyValueJson(j: JsonReader, json: unknown, field: string, depth: number): AnyValue {
  if (depth > j.maxAnyValueDepth) {
    j.fail(field, `AnyValue nested ${depth} deep, past the limit maxAnyValueDepth = ${j.maxAnyValueDepth}`);
  }
  const o = j.object(json, field);
  if (field !== "") j.path.push(field, -1);
  let value: AnyValue = null;
  // One pass over the keys: normally there is exactly one, the oneof member that is set.
  for (const key in o) {
    const member = o[key];
    if (member === null) continue;
    switch (key) {
      case "stringValue":
      case "string_value":
        value = j.string(member, key);
        break;
      case "intValue":
      case "int_value":
        value = j.int(member, key);
        break;
      case "doubleValue":
      case "double_value":
        value = j.double(member, key);
        break;
      case "boolValue":
      case "bool_value":
        value = j.bool(member, key);
        break;
      case "arrayValue":
      case "array_value":
        value = readArrayValueJson(j, member, key, depth + 1);
        break;
      case "kvlistValue":
      case "kvlist_value":
        value = readKeyValueListJson(j, member, key, depth + 1);
        break;
      case "bytesValue":
      case "bytes_value":
        value = j.bytes(member, key);
        break;
    }
  }
  if (field !== "") j.path.pop();
  return value;
}

/** `{ "values": [AnyValue…] }` with each element at `depth`. */
function readArrayValueJson(j: JsonReader, json: unknown, field: string, depth: number): AnyValue[] {
  const values = j.object(json, field).values;
  const result: AnyValue[] = [];
  if (values === undefined || values === null) return result;
  j.path.push(field, -1);
  const elements = j.array(values, "values");
  for (let i = 0; i < elements.length; i++) {
    j.path.push("values", i);
    result.push(readAnyValueJson(j, elements[i], "", depth));
    j.path.pop();
  }
  j.path.pop();
  return result;
}

/** `{ "values": [KeyValue…] }` with each value at `depth`, as a plain object. */
function readKeyValueListJson(j: JsonReader, json: unknown, field: string, depth: number): { [key: string]: AnyValue } {
  const values = j.object(json, field).values;
  const result = newAttributes();
  if (values === undefined || values === null) return result;
  j.path.push(field, -1);
  readKeyValuesJson(j, values, "values", result, depth);
  j.path.pop();
  return result;
}

/** A JSON array of KeyValue into `into`, values at `depth`; a repeated key keeps its last value. */
function readKeyValuesJson(j: JsonReader, json: unknown, field: string, into: { [key: string]: AnyValue }, depth: number): void {
  const list = j.array(json, field);
  for (let i = 0; i < list.length; i++) {
    j.path.push(field, i);
    const keyValue = j.object(list[i], "");
    const key = keyValue.key;
    const value = keyValue.value;
    setAttribute(
      into,
      key === undefined || key === null ? "" : j.string(key, "key"),
      value === undefined || value === null ? null : readAnyValueJson(j, value, "value", depth),
    );
    j.path.pop();
  }
}

/** An `attributes` array (KeyValue list) into `into`. */
export function readAttributesJson(j: JsonReader, json: unknown, field: string, into: Attributes): void {
  readKeyValuesJson(j, json, field, into, 1);
}

/** A Resource object into its attributes. */
export function readResourceJson(j: JsonReader, json: unknown, field: string, into: Attributes): void {
  const o = j.object(json, field);
  const attributes = o.attributes;
  if (attributes === undefined || attributes === null) return;
  j.path.push(field, -1);
  readAttributesJson(j, attributes, "attributes", into);
  j.path.pop();
}

/** An InstrumentationScope object. */
export function readScopeJson(j: JsonReader, json: unknown, field: string): Scope {
  const o: JsonObject = j.object(json, field);
  const name = o.name;
  const version = o.version;
  j.path.push(field, -1);
  const scope: Scope = {
    name: name === undefined || name === null ? "" : j.string(name, "name"),
    version: version === undefined || version === null ? "" : j.string(version, "version"),
  };
  j.path.pop();
  return scope;
}
