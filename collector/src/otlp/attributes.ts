import type { AnyValue, Attributes } from "./types.ts";

/**
 * A new, empty attribute map (or kvlist value) with no prototype.
 *
 * Why not `{}`: a request stores ~10⁴ attributes under a few dozen keys, and V8 handles stores
 * of ever-changing keys into ordinary objects through megamorphic map transitions, which measured
 * as the largest single cost of decoding prediction events. A prototype-less object is a hash
 * table from the start (a keyed store is one hash insert; reads and `for…in` in the fold stay
 * cheap), which cut protobuf decoding by about a fifth (`npm run bench:decode`). It also makes
 * `__proto__`, `constructor` or `toString` ordinary keys: no attribute can reach Object.prototype.
 */
export function newAttributes(): Attributes {
  return Object.create(null) as Attributes;
}

/** Sets one attribute of a map made by {@link newAttributes}; a repeated key keeps its last value (types.ts). */
export function setAttribute(attributes: Attributes | { [key: string]: AnyValue }, key: string, value: AnyValue): void {
  attributes[key] = value;
}
