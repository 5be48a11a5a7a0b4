/**
 * Functions of instant vectors and scalars: math, clamps, label_replace/label_join, vector,
 * scalar, time, absent, sort, histogram_quantile. Names are dropped from the result as
 * Prometheus does, except by the label functions and sort.
 */
import type { Call, Expr } from "./ast.ts";
import { unwrapParens } from "./ast.ts";
import type { Labels } from "./source.ts";
import type { Sample, Value } from "./values.ts";
import { executionError } from "./errors.ts";
import { dropMetricName, isValidLabelName, METRIC_NAME } from "./labels.ts";
import type { PromRegex } from "./regex.ts";
import { compileRegex } from "./regex.ts";
import { histogramQuantile } from "./histogram.ts";
import { DATE_FUNCTIONS } from "./functions-date.ts";

const MATH: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  sqrt: Math.sqrt,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  deg: (x) => (x * 180) / Math.PI,
  rad: (x) => (x * Math.PI) / 180,
};

/** Evaluates a non-range function call, given its evaluated arguments and the time in milliseconds. */
export function callInstant(call: Call, args: Value[], timeMs: number): Value {
  const f = call.func;
  const math = MATH[f];
  if (math !== undefined) return vector(mapValues(samples(args[0]), math));
  const dateField = DATE_FUNCTIONS[f];
  if (dateField !== undefined) {
    if (args.length === 0) return vector([{ labels: {}, value: dateField(timeMs / 1000) }]);
    return vector(mapValues(samples(args[0]), dateField));
  }
  switch (f) {
    case "round": {
      const toNearest = args.length > 1 ? scalar(args[1]) : 1;
      const inverse = 1 / toNearest;
      return vector(mapValues(samples(args[0]), (x) => Math.floor(x * inverse + 0.5) / inverse));
    }
    case "clamp": {
      const min = scalar(args[1]);
      const max = scalar(args[2]);
      if (max < min) return vector([]);
      return vector(mapValues(samples(args[0]), (x) => Math.max(min, Math.min(max, x))));
    }
    case "clamp_min": {
      const min = scalar(args[1]);
      return vector(mapValues(samples(args[0]), (x) => Math.max(min, x)));
    }
    case "clamp_max": {
      const max = scalar(args[1]);
      return vector(mapValues(samples(args[0]), (x) => Math.min(max, x)));
    }
    case "label_replace":
      return vector(labelReplace(samples(args[0]), str(args[1]), str(args[2]), str(args[3]), str(args[4])));
    case "label_join":
      return vector(labelJoin(samples(args[0]), str(args[1]), str(args[2]), args.slice(3).map(str)));
    case "histogram_quantile":
      return vector(histogramQuantile(scalar(args[0]), samples(args[1])));
    case "timestamp":
      // A selector argument is answered by the evaluator with its samples' own times.
      return vector(mapValues(samples(args[0]), () => timeMs / 1000));
    case "vector":
      return vector([{ labels: {}, value: scalar(args[0]) }]);
    case "scalar": {
      const s = samples(args[0]);
      return { type: "scalar", value: s.length === 1 ? s[0].value : NaN };
    }
    case "time":
      return { type: "scalar", value: timeMs / 1000 };
    case "pi":
      return { type: "scalar", value: Math.PI };
    case "absent":
      return vector(samples(args[0]).length > 0 ? [] : [{ labels: absentLabels(call.args[0]), value: 1 }]);
    case "sort":
    case "sort_desc": {
      const sign = f === "sort" ? 1 : -1;
      const sorted = [...samples(args[0])].sort((a, b) => {
        if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
        if (Number.isNaN(b.value)) return -1;
        return sign * (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
      });
      return vector(sorted);
    }
    default:
      throw new Error(`no implementation for function ${f}`);
  }
}

/**
 * The labels `absent(x{a="b"})` and `absent_over_time(x{a="b"}[r])` answer: the selector's
 * equality matchers, less every label that has any other matcher too (`job="a", job=~"b"` gives
 * no `job`), as Prometheus' createLabelsForAbsentFunction does (issue 12).
 */
export function absentLabels(arg: Expr): Labels {
  let e = unwrapParens(arg);
  if (e.kind === "matrixSelector") e = e.selector;
  if (e.kind !== "vectorSelector") return {};
  const out: Labels = {};
  const dropped = new Set<string>();
  for (const m of e.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === "=" && !(m.name in out)) out[m.name] = m.value;
    else dropped.add(m.name);
  }
  for (const n of dropped) delete out[n];
  return out;
}

function vector(s: Sample[]): Value {
  return { type: "vector", samples: s };
}

function samples(v: Value): Sample[] {
  if (v.type !== "vector") throw new Error(`expected an instant vector, got ${v.type}`);
  return v.samples;
}

function scalar(v: Value): number {
  if (v.type !== "scalar") throw new Error(`expected a scalar, got ${v.type}`);
  return v.value;
}

function str(v: Value): string {
  if (v.type !== "string") throw new Error(`expected a string, got ${v.type}`);
  return v.value;
}

function mapValues(input: Sample[], f: (x: number) => number): Sample[] {
  return input.map((s) => ({ labels: dropMetricName(s.labels), value: f(s.value) }));
}

function labelReplace(input: Sample[], dst: string, replacement: string, src: string, regex: string): Sample[] {
  if (!isValidLabelName(dst)) throw executionError(`invalid destination label name in label_replace(): ${dst}`);
  let re: PromRegex;
  try {
    re = compileRegex(regex);
  } catch (e) {
    throw executionError(`invalid regular expression in label_replace(): ${(e as Error).message}`);
  }
  return input.map((s) => {
    const m = re.exec(s.labels[src] ?? "");
    if (m === null) return s;
    return { labels: withLabel(s.labels, dst, expand(replacement, m)), value: s.value };
  });
}

function labelJoin(input: Sample[], dst: string, separator: string, sources: string[]): Sample[] {
  if (!isValidLabelName(dst)) throw executionError(`invalid destination label name in label_join(): ${dst}`);
  return input.map((s) => ({ labels: withLabel(s.labels, dst, sources.map((n) => s.labels[n] ?? "").join(separator)), value: s.value }));
}

function withLabel(labels: Labels, name: string, value: string): Labels {
  const out = { ...labels };
  if (value === "") delete out[name];
  else out[name] = value;
  return out;
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown group expands to "". */
function expand(template: string, m: NonNullable<ReturnType<PromRegex["exec"]>>): string {
  return template.replace(/\$(?:(\$)|\{(\w+)\}|(\w+))/g, (_all, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (dollar !== undefined) return "$";
    const name = (braced ?? bare) as string;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? "";
    return m.groups?.[name] ?? "";
  });
}
