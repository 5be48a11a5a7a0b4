import type { AnyValue, Attributes } from "../../src/otlp/types.ts";

/**
 * `value` as the decoders build it: every plain object (an attribute map or a kvlist value)
 * without a prototype, arrays and bytes as they are. For `toStrictEqual`, which compares
 * prototypes, against expectations written as object literals.
 */
export function asDecoded<T extends AnyValue | Attributes>(value: T): T {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v) => asDecoded(v)) as T;
  const out = Object.create(null) as Record<string, AnyValue>;
  for (const [key, v] of Object.entries(value)) out[key] = asDecoded(v);
  return out as T;
}
