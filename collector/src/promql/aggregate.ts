/**
 * Aggregation operators over an instant vector, grouped `by` or `without` labels, with
 * Prometheus' NaN rules (min/max replace a NaN; topk/bottomk rank NaN last) and Kahan sums.
 */
import type { AggregateExpr } from "./ast.ts";
import type { Labels } from "./source.ts";
import type { Sample, Value } from "./values.ts";
import { kahanAdd, meanOf, quantileOf } from "./values.ts";
import { executionError } from "./errors.ts";
import { isValidLabelName, keepOnly, labelsKey, without } from "./labels.ts";
import { formatFixed } from "./format.ts";

type Group = { labels: Labels; samples: Sample[] };

/** Applies the aggregation; `parameter` is topk/bottomk's k, quantile's φ or count_values' label at this step. */
export function aggregate(expr: AggregateExpr, samples: Sample[], parameter: Value | undefined): Sample[] {
  if (expr.op === "count_values") return countValues(expr, samples, parameter?.type === "string" ? parameter.value : "");
  const param = parameter?.type === "scalar" ? parameter.value : NaN;
  const groups = new Map<string, Group>();
  for (const s of samples) {
    const labels = expr.without ? without(s.labels, expr.grouping) : keepOnly(s.labels, expr.grouping);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels, samples: [] };
      groups.set(key, g);
    }
    g.samples.push(s);
  }
  if (expr.op === "topk" || expr.op === "bottomk") return selectK(expr.op, groups, param);
  const out: Sample[] = [];
  for (const g of groups.values()) out.push({ labels: g.labels, value: reduce(expr.op, g.samples, param) });
  return out;
}

function reduce(op: AggregateExpr["op"], samples: Sample[], param: number): number {
  switch (op) {
    case "sum":
      return kahanSum(samples);
    case "avg":
      return meanOf(samples.map((s) => s.value), 0, samples.length);
    case "count":
      return samples.length;
    case "group":
      return 1;
    case "min": {
      let min = samples[0].value;
      for (const s of samples) if (s.value < min || Number.isNaN(min)) min = s.value;
      return min;
    }
    case "max": {
      let max = samples[0].value;
      for (const s of samples) if (s.value > max || Number.isNaN(max)) max = s.value;
      return max;
    }
    case "stdvar":
    case "stddev": {
      // The first sample is the mean and adds no variance, as in Prometheus: a lone NaN gives 0.
      let count = 1;
      let mean = samples[0].value;
      let m2 = 0;
      for (let i = 1; i < samples.length; i++) {
        const v = samples[i].value;
        count++;
        const delta = v - mean;
        mean += delta / count;
        m2 += delta * (v - mean);
      }
      const variance = m2 / count;
      return op === "stddev" ? Math.sqrt(variance) : variance;
    }
    case "quantile":
      return quantileOf(param, samples.map((s) => s.value));
    default:
      throw new Error(`not a reducing aggregation: ${op}`);
  }
}

function kahanSum(samples: Sample[]): number {
  let sum = 0;
  let c = 0;
  for (const s of samples) [sum, c] = kahanAdd(s.value, sum, c);
  return Number.isFinite(sum + c) ? sum + c : sum;
}

function selectK(op: "topk" | "bottomk", groups: Map<string, Group>, param: number): Sample[] {
  if (Number.isNaN(param)) throw executionError(`parameter value is NaN for ${op}`);
  const k = Math.trunc(Math.min(param, Number.MAX_SAFE_INTEGER));
  if (k < 1) return [];
  const sign = op === "topk" ? -1 : 1;
  const out: Sample[] = [];
  for (const g of groups.values()) {
    const ranked = [...g.samples].sort((a, b) => {
      if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
      if (Number.isNaN(b.value)) return -1;
      return sign * (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
    });
    out.push(...ranked.slice(0, k));
  }
  return out;
}

/** count_values("label", v): per group, how many samples have each value, the value written into `label`. */
function countValues(expr: AggregateExpr, samples: Sample[], label: string): Sample[] {
  if (!isValidLabelName(label)) throw executionError(`invalid label name ${JSON.stringify(label)}`);
  const counts = new Map<string, Sample>();
  for (const s of samples) {
    // Prometheus writes the label with strconv.FormatFloat(v, 'f', -1, 64): never an exponent.
    const withValue: Labels = { ...s.labels, [label]: formatFixed(s.value) };
    const labels = expr.without ? without(withValue, expr.grouping) : keepOnly(withValue, [...expr.grouping, label]);
    const key = labelsKey(labels);
    const prior = counts.get(key);
    if (prior === undefined) counts.set(key, { labels, value: 1 });
    else prior.value++;
  }
  return [...counts.values()];
}
