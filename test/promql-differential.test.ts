// Differential test of the PromQL engine against the real Prometheus 2.42: the same generated
// series (counters with resets, gauges with NaN and ±Inf, values near 1.8e308, gaps, stale
// markers, histogram buckets) are loaded into the engine's in-memory source and, by remote
// write, into a Prometheus started here; a generated corpus of expressions is evaluated in both
// as instant and range queries, and values, labels and errors are compared. The seed changes per
// run and is printed (set PROMQL_DIFF_SEED to replay one). Expressions the engine refuses as
// unsupported are counted apart; a wrong answer fails the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { instantQuery, PromQLError, rangeQuery } from "@driftline/collector/promql";
import type { QueryData, SeriesData } from "@driftline/collector/promql";
import { MemorySource } from "@driftline/collector/testing";
import { prometheusMissing, startPrometheus } from "./support/prometheus.ts";
import type { RunningPrometheus } from "./support/prometheus.ts";
import { remoteWrite } from "./support/remote-write.ts";
import { corpusArbitrary, seriesArbitrary } from "./support/promql-corpus.ts";
import type { CorpusEntry } from "./support/promql-corpus.ts";

const SEED = Number(process.env.PROMQL_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
const EXPRESSIONS = Number(process.env.PROMQL_DIFF_EXPRESSIONS ?? 400);
const missing = prometheusMissing();

/** An answer reduced to what must agree: the type, and per label set its value(s) or an error type. */
type Answer = { error: string; message: string } | { type: string; series: Map<string, [number, string][]> };

function key(metric: Record<string, string>): string {
  return JSON.stringify(Object.keys(metric).sort().map((k) => [k, metric[k]]));
}

function reduce(data: QueryData): Answer {
  const series = new Map<string, [number, string][]>();
  if (data.resultType === "scalar" || data.resultType === "string") series.set("{}", [[data.result[0], String(data.result[1])]]);
  else if (data.resultType === "vector") for (const r of data.result) series.set(key(r.metric), [r.value]);
  else for (const r of data.result) series.set(key(r.metric), r.values);
  return { type: data.resultType, series };
}

async function engine(source: MemorySource, e: CorpusEntry, range: boolean): Promise<Answer> {
  try {
    const data = range
      ? await rangeQuery(source, e.expr, e.startS * 1000, (e.startS + e.stepS * (e.steps - 1)) * 1000, e.stepS * 1000)
      : await instantQuery(source, e.expr, e.timeS * 1000);
    return reduce(data);
  } catch (error) {
    if (error instanceof PromQLError) return { error: error.errorType, message: error.message };
    return { error: "internal", message: String(error) };
  }
}

async function prometheus(url: string, e: CorpusEntry, range: boolean): Promise<Answer> {
  const form: Record<string, string> = range
    ? { query: e.expr, start: String(e.startS), end: String(e.startS + e.stepS * (e.steps - 1)), step: String(e.stepS) }
    : { query: e.expr, time: String(e.timeS) };
  const response = await fetch(`${url}/api/v1/${range ? "query_range" : "query"}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json()) as { status: string; errorType?: string; error?: string; data?: QueryData };
  if (body.status !== "success") return { error: body.errorType ?? "unknown", message: body.error ?? "" };
  return reduce(body.data as QueryData);
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a.replace("Inf", "Infinity"));
  const y = Number(b.replace("Inf", "Infinity"));
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  // Prometheus 2.42 sums without Kahan compensation and averages incrementally; the engine follows
  // Prometheus 3. Both are exact to ~1e-12 relative on these data.
  return Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) <= 1e-9;
}

/**
 * Known differences between Prometheus 2.42 (the oracle installed here) and Prometheus 3 (whose
 * semantics the engine follows), each checked in Prometheus' source: when an answer differs only
 * by one, it is counted as such, not as agreement and not as a wrong answer.
 */
const VERSION_DIFFERENCES: { name: string; applies: (expr: string) => boolean; as3: (theirs: Answer) => Answer }[] = [
  {
    // shouldDropMetricName() lacked ATAN2 before Prometheus 2.46.
    name: "atan2 keeps __name__ in 2.42",
    applies: (expr) => expr.includes("atan2"),
    as3: (theirs) => {
      if ("error" in theirs) return theirs;
      const series = new Map<string, [number, string][]>();
      for (const [k, v] of theirs.series) series.set(key(Object.fromEntries((JSON.parse(k) as [string, string][]).filter(([n]) => n !== "__name__"))), v);
      return { type: theirs.type, series };
    },
  },
];

/** Why two answers differ, or undefined if they agree. */
function difference(ours: Answer, theirs: Answer): string | undefined {
  if ("error" in ours || "error" in theirs) {
    if ("error" in ours && "error" in theirs) return ours.error === theirs.error ? undefined : `error types ${ours.error} vs ${theirs.error}`;
    return `ours: ${"error" in ours ? ours.message : "success"}; Prometheus: ${"error" in theirs ? theirs.message : "success"}`;
  }
  if (ours.type !== theirs.type) return `result type ${ours.type} vs ${theirs.type}`;
  const keys = [...new Set([...ours.series.keys(), ...theirs.series.keys()])];
  for (const k of keys) {
    const a = ours.series.get(k);
    const b = theirs.series.get(k);
    if (a === undefined || b === undefined) return `series ${k} only in ${a === undefined ? "Prometheus" : "ours"}`;
    if (a.length !== b.length) return `series ${k}: ${a.length} points vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      if (Math.abs(a[i][0] - b[i][0]) > 1e-6 || !close(a[i][1], b[i][1])) return `series ${k} at ${b[i][0]}: ${a[i][1]} vs ${b[i][1]}`;
    }
  }
  return undefined;
}

/**
 * True if both answers hold the same values at every step, whatever the labels: topk/bottomk
 * choose among equal values (NaN included) in an order Prometheus leaves to its maps.
 */
function sameValuesPerStep(ours: Answer, theirs: Answer): boolean {
  if ("error" in ours || "error" in theirs || ours.type !== theirs.type) return false;
  const perStep = (a: typeof ours) => {
    const steps = new Map<number, string[]>();
    for (const points of a.series.values()) for (const [t, v] of points) steps.set(t, [...(steps.get(t) ?? []), String(Number(v.replace("Inf", "Infinity")))]);
    return [...steps].sort(([x], [y]) => x - y).map(([t, vs]) => `${t}:${vs.sort().join(",")}`).join(" ");
  };
  return perStep(ours) === perStep(theirs);
}

/** The construct a refusal names ("function \"histogram_count\""), or undefined if it is not a refusal. */
function refusedConstruct(answer: Answer): string | undefined {
  if (!("error" in answer)) return undefined;
  const m = /(\w+ "[^"]+"|[\w @]+) (?:is|are) not supported by Driftline/.exec(answer.message);
  return m?.[1];
}

describe.skipIf(missing !== null)("the PromQL engine against Prometheus 2.42", () => {
  let prom: RunningPrometheus;
  let source: MemorySource;
  let series: SeriesData[];

  beforeAll(async () => {
    console.log(`promql differential: seed ${SEED} (PROMQL_DIFF_SEED=${SEED} replays this run)`);
    [series] = fc.sample(seriesArbitrary, { seed: SEED, numRuns: 1 });
    source = new MemorySource(series);
    prom = await startPrometheus({ remoteWriteReceiver: true });
    await remoteWrite(prom.url, series);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
  });

  it("gives Prometheus' answer (values, labels, errors) to every generated expression it does not refuse", async () => {
    const corpus = fc.sample(corpusArbitrary, { seed: SEED + 1, numRuns: EXPRESSIONS });
    const tally = { tried: 0, agreed: 0, agreedErrors: 0, refused: new Map<string, number>(), versions: new Map<string, number>(), ties: 0, wrong: [] as string[] };
    for (const entry of corpus) {
      for (const range of [false, true]) {
        tally.tried++;
        // Prometheus 3 renamed holt_winters to double_exponential_smoothing (the engine knows only
        // the new name, as lezer's grammar does); the oracle is asked under the old one.
        const asked = { ...entry, expr: entry.expr.replaceAll("double_exponential_smoothing", "holt_winters") };
        const [ours, theirs] = await Promise.all([engine(source, entry, range), prometheus(prom.url, asked, range)]);
        const construct = refusedConstruct(ours);
        if (construct !== undefined && "error" in ours && !("error" in theirs && theirs.error === ours.error)) {
          tally.refused.set(construct, (tally.refused.get(construct) ?? 0) + 1);
          continue;
        }
        const why = difference(ours, theirs);
        if (why !== undefined && /topk|bottomk/.test(entry.expr) && sameValuesPerStep(ours, theirs)) {
          tally.ties++;
          continue;
        }
        const version = why === undefined ? undefined : VERSION_DIFFERENCES.find((d) => d.applies(entry.expr) && difference(ours, d.as3(theirs)) === undefined);
        if (version !== undefined) {
          tally.versions.set(version.name, (tally.versions.get(version.name) ?? 0) + 1);
        } else if (why === undefined) {
          tally.agreed++;
          if ("error" in theirs) tally.agreedErrors++;
        } else {
          const at = range ? `range start=${entry.startS} step=${entry.stepS} steps=${entry.steps}` : `instant time=${entry.timeS}`;
          tally.wrong.push(`${entry.expr}  [${at}]: ${why}`);
        }
      }
    }
    const list = (m: Map<string, number>) => [...m].map(([c, n]) => `${c} ${n}`).join(", ") || "none";
    const refused = [...tally.refused.values()].reduce((a, b) => a + b, 0);
    const versions = [...tally.versions.values()].reduce((a, b) => a + b, 0);
    console.log(
      `promql differential (seed ${SEED}): tried ${tally.tried}, agreed ${tally.agreed} (${tally.agreedErrors} of them errors in both), ` +
        `refused ${refused} (${list(tally.refused)}), 2.42-vs-3 differences ${versions} (${list(tally.versions)}), ` +
        `topk/bottomk ties broken differently ${tally.ties}, wrong ${tally.wrong.length}`,
    );
    expect(tally.wrong, `seed ${SEED}: wrong answers (replay with PROMQL_DIFF_SEED=${SEED})`).toEqual([]);
  }, 120_000);
});

if (missing !== null) console.log(`promql differential skipped: ${missing}`);
