/**
 * A seeded pseudo-random source for the drift tests, so every run draws the same samples:
 * mulberry32 for uniforms, Box–Muller for normals. Not for anything but tests.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export { seededRandom as mulberry32 } from "../sketch/datasets.ts";

/** `count` normal values with the given mean and standard deviation (Box–Muller, both outputs used). */
export function normalSample(uniform: () => number, count: number, mean: number, standardDeviation: number): Float64Array {
  const values = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    // 1 − u lies in (0, 1], so the log is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    values[i] = mean + standardDeviation * radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = mean + standardDeviation * radius * Math.sin(angle);
  }
  return values;
}

/** `count` lognormal values exp(μ + σ·Z). */
export function lognormalSample(uniform: () => number, count: number, mu: number, sigma: number): Float64Array {
  return normalSample(uniform, count, mu, sigma).map(Math.exp);
}

/** `count` categories drawn with the given weights (need not sum to 1). */
export function categoricalSample(
  uniform: () => number,
  count: number,
  weights: Readonly<Record<string, number>>,
): string[] {
  const categories = Object.keys(weights);
  const cumulative: number[] = [];
  let total = 0;
  for (const category of categories) {
    total += weights[category];
    cumulative.push(total);
  }
  const sample: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const u = uniform() * total;
    let k = 0;
    while (k < cumulative.length - 1 && u >= cumulative[k]) k++;
    sample[i] = categories[k];
  }
  return sample;
}
