import { describe, expect, it } from "vitest";
import { ByteWriter, SketchKind, openSketch } from "./binary.ts";
import { crc32 } from "./crc32.ts";
import { sortPairs } from "./sort-pairs.ts";
import { createSortScratch, sortValues } from "./sort-values.ts";
import { DISTRIBUTIONS, sample } from "../../testing/sketch/datasets.ts";
import type { DistributionName } from "../../testing/sketch/datasets.ts";

describe("sketch binary helpers", () => {
  it("computes the standard CRC-32 check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("round-trips varints up to 2^53 − 1 and doubles bit-exactly", () => {
    const ints = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    const doubles = [0, -0, 1.5, -1e-300, Number.MAX_VALUE, Infinity, -Infinity];
    const w = new ByteWriter(SketchKind.numericSummary, 1);
    for (const v of ints) w.varint(v);
    for (const v of doubles) w.f64(v);
    const r = openSketch(w.finish(), SketchKind.numericSummary);
    expect(ints.map(() => r.varint("v"))).toEqual(ints);
    expect(doubles.map(() => r.f64("d"))).toEqual(doubles);
    r.done();
  });

  it("refuses a varint longer than 2^53", () => {
    const w = new ByteWriter(SketchKind.numericSummary);
    for (let i = 0; i < 9; i++) w.u8(0xff);
    const r = openSketch(w.finish(), SketchKind.numericSummary);
    expect(() => r.varint("count")).toThrow(/count is not a varint below 2\^53/);
  });
});

describe("sorting helpers", () => {
  for (const name of Object.keys(DISTRIBUTIONS) as DistributionName[]) {
    it(`sortValues orders ${name} data like the native sort`, () => {
      for (const n of [5, 100, 4096]) {
        const values = sample(name, n, n);
        const expected = Float64Array.from(values).sort();
        const scratch = createSortScratch(n);
        expect(sortValues(values, n, scratch)).toEqual(expected);
      }
    });
  }

  it("sortValues orders data like the native sort whatever range and quartiles it is told (they only steer its buckets)", () => {
    // Hints for linear and for magnitude buckets (narrow quartiles), right and wrong, one- and two-signed.
    const hints: [number, number, number, number][] = [[0.05, 0.5, 2, 22], [1e-9, 1e-8, 2e-8, 1e9], [3, 3.1, 3.2, 4], [-300, -1, 1, 300], [-5, -4.9, -4.8, -1], [-1, -0.5, 0.5, 1]];
    for (const name of ["lognormal", "normal", "mixedSign", "cauchy", "pareto"] as DistributionName[]) {
      const values = sample(name, 4096, 11);
      const expected = Float64Array.from(values).sort();
      for (const [low, lowerQuartile, upperQuartile, high] of hints) {
        const hint = { low, high, lowerQuartile, upperQuartile };
        expect(sortValues(values.slice(), values.length, createSortScratch(values.length), hint)).toEqual(expected);
      }
    }
  });

  it("sortValues handles all-equal and sign-crossing data", () => {
    for (const values of [new Float64Array(500).fill(3), Float64Array.from({ length: 500 }, (_, i) => (i % 7) - 3.5)]) {
      const expected = Float64Array.from(values).sort();
      expect(sortValues(values.slice(), values.length, createSortScratch(values.length))).toEqual(expected);
    }
  });

  it("sortPairs carries the weights along with their keys", () => {
    const keys = sample("cauchy", 1000, 3);
    const values = keys.map((k) => k * 2);
    sortPairs(keys, values, keys.length);
    for (let i = 0; i < keys.length; i++) {
      expect(values[i]).toBe(keys[i] * 2);
      if (i > 0) expect(keys[i]).toBeGreaterThanOrEqual(keys[i - 1]);
    }
  });
});

describe("crc32 slice-by-8", () => {
  /** The textbook byte-at-a-time CRC-32, the reference the eight-byte steps must match. */
  function bytewise(bytes: Uint8Array, start: number, end: number): number {
    let c = 0xffffffff;
    for (let i = start; i < end; i++) {
      c ^= bytes[i];
      for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  }

  it("matches the bytewise CRC for every length and offset around the 8-byte steps", () => {
    const bytes = new Uint8Array(300);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103 + 7) % 65521) & 0xff;
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= bytes.length; end += 1 + (end % 7)) expect(crc32(bytes, start, end)).toBe(bytewise(bytes, start, end));
    }
  });
});
