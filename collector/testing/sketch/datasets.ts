/**
 * Seeded datasets for the sketch tests and benchmarks, so that a failing bound reproduces
 * exactly. Not part of the public API.
 */

/** A deterministic PRNG (mulberry32): uniform in [0, 1), fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sampler (Box–Muller) over `random`. */
export function normalSampler(random: () => number): () => number {
  return () => {
    const u = 1 - random(); // (0, 1]: log(0) would be −∞
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** The named distributions the tests cross with sizes. */
export const DISTRIBUTIONS = {
  /** N(0, 1). */
  normal: (r: () => number) => normalSampler(r),
  /** exp(N(0, 1)): skewed, the canonical latency-like shape. */
  lognormal: (r: () => number) => {
    const n = normalSampler(r);
    return () => Math.exp(n());
  },
  /** U(0, 1). */
  uniform: (r: () => number) => r,
  /** N(0, 1) and N(50, 10) in equal parts, half the mass negative-ish: mixed sign, bimodal. */
  mixedSign: (r: () => number) => {
    const n = normalSampler(r);
    return () => (r() < 0.5 ? n() - 5 : 50 + 10 * n());
  },
  /** Pareto with shape 1.5 (infinite variance), sign-flipped half the time. */
  pareto: (r: () => number) => () => (r() < 0.5 ? -1 : 1) * Math.pow(1 - r(), -1 / 1.5),
  /** Cauchy clipped to ±1e6: heavier tails than any latency. */
  cauchy: (r: () => number) => () => Math.max(-1e6, Math.min(1e6, Math.tan(Math.PI * (r() - 0.5)))),
  /** Integers 0 … 19 with a Zipf-like skew: many exact duplicates. */
  duplicates: (r: () => number) => () => Math.floor(20 * r() * r()),
} as const;

/** One of the keys of {@link DISTRIBUTIONS}. */
export type DistributionName = keyof typeof DISTRIBUTIONS;

/** `count` values drawn from `name` with `seed`. */
export function sample(name: DistributionName, count: number, seed = 1): Float64Array {
  const draw = DISTRIBUTIONS[name](seededRandom(seed));
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = draw();
  return out;
}
