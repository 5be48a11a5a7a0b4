/**
 * Issue 11, "What it must show": property-based fuzzing (fast-check) of the baseline JSON
 * (PUT /api/models/:model/versions/:version/baseline) and the alert-rule JSON
 * (PUT /api/models/:model/alerts/:name) through the real Worker under `wrangler dev`. Every answer
 * is a 2xx or a 4xx with a well-formed JSON body, within a deadline (never a 5xx, never a hang),
 * and a refused PUT leaves what is stored exactly as it was.
 *
 * The seed varies per run and is printed on failure (fast-check's message carries it too);
 * replay one with FUZZ_SEED=<seed>. FUZZ_RUNS sets the run count (default 150 per property).
 */
import { CategoricalCounts, TDigest } from "@driftline/collector";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const SEED = Number(process.env.FUZZ_SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** An answer later than this is a hang. */
const ANSWER_DEADLINE_MS = 10_000;

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

type Answer = { status: number; body: unknown };

/** Sends and reads the whole answer within the deadline; a body that is not JSON fails the property. */
async function call(method: string, path: string, token: string, body?: string): Promise<Answer> {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(ANSWER_DEADLINE_MS) };
  if (body !== undefined) {
    init.body = body;
    init.headers = { ...init.headers, "Content-Type": "application/json" };
  }
  const response = await fetch(`${worker.url}${path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body: parsed };
}

/** The property's checks on one answer to a fuzzed PUT. */
function expectWellFormed(answer: Answer, sent: string): void {
  expect(answer.status, `answer to ${sent.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `answer to ${sent.slice(0, 300)}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBeLessThan(500);
  expect(answer.status >= 300 && answer.status < 400).toBe(false);
  expect(typeof answer.body === "object" && answer.body !== null && !Array.isArray(answer.body)).toBe(true);
  if (answer.status >= 400) expect(typeof (answer.body as { error?: unknown }).error, JSON.stringify(answer.body)).toBe("string");
}

async function runFuzz(property: fc.IAsyncPropertyWithHooks<[string]> | fc.IAsyncProperty<[string]>): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
  } catch (error) {
    console.error(`fuzz failed with seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz-json-bodies.test.ts)`);
    throw error;
  }
}

// ---- Generators shared by both bodies ------------------------------------------------------

/** Values a field may be sent as: the right type near its edges, the wrong types, and junk. */
const anyScalar = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53, Number.MIN_VALUE, "", " ", "5m", "1h", "0s", "-5m", "1e3", "NaN", "Infinity", true, false, null),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const anyJson = fc.oneof({ maxDepth: 3 }, anyScalar, fc.array(anyScalar, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 10 }), anyScalar, { maxKeys: 4 }));

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** A serialized sketch, valid or damaged (a flipped byte, cut short, grown), with the type it was built as. */
const sketchWith = (damages: fc.Arbitrary<string>) => fc
  .tuple(
    fc.boolean(),
    fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 0, maxLength: 30 }),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 10 }),
    damages,
    fc.nat(),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([numeric, values, labels, damage, at, noise]) => {
    let bytes: Uint8Array;
    if (numeric) {
      const digest = new TDigest();
      for (const v of values) digest.add(v);
      bytes = digest.toBytes();
    } else {
      const counts = new CategoricalCounts(1000);
      for (const l of labels) counts.add(l);
      bytes = counts.toBytes();
    }
    if (damage === "flip" && bytes.length > 0) {
      bytes = bytes.slice();
      bytes[at % bytes.length] ^= 0xff;
    }
    if (damage === "cut") bytes = bytes.slice(0, at % (bytes.length + 1));
    if (damage === "grow") bytes = new Uint8Array([...bytes, ...noise]);
    if (damage === "random") bytes = noise;
    return { type: numeric ? "numeric" : "categorical", sketch: base64(bytes) };
  });
const sketch = sketchWith(fc.constantFrom("none", "none", "none", "flip", "cut", "grow", "random"));
const cleanSketch = sketchWith(fc.constant("none"));

/** The raw text of a body: structured JSON, arbitrary JSON, or text that is not JSON at all. */
function bodyText(structured: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: structured.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: structured.chain((v) => fc.nat().map((n) => JSON.stringify(v).slice(0, n % (JSON.stringify(v).length + 1)))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );
}

// ---- Baselines -----------------------------------------------------------------------------

/** `{ type, sketch }`: mostly as the SDK builds it, sometimes with the wrong type, a missing or junk field. */
const sketchSpec = fc.oneof(
  { weight: 4, arbitrary: sketch },
  { weight: 1, arbitrary: fc.tuple(sketch, fc.oneof(fc.constantFrom("numeric", "categorical"), anyScalar)).map(([s, type]) => ({ ...s, type })) },
  { weight: 1, arbitrary: fc.record({ type: fc.oneof(fc.constantFrom("numeric", "categorical"), anyScalar), sketch: anyScalar }, { requiredKeys: [] }) },
);
const baselineBody = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record(
      { rows: fc.nat({ max: 1e9 }), features: fc.dictionary(fc.constantFrom("income", "age", "plan"), cleanSketch, { minKeys: 1, maxKeys: 3 }), prediction: cleanSketch },
      { requiredKeys: ["rows", "features"] },
    ),
  },
  {
    weight: 5,
    arbitrary: fc.record(
      {
        rows: fc.oneof({ weight: 4, arbitrary: fc.nat() }, { weight: 1, arbitrary: anyScalar }),
        features: fc.oneof(
          { weight: 5, arbitrary: fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom("income", "age", "plan") }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom("", "a\u0000b", "x".repeat(200)), fc.string({ maxLength: 12 })) }), sketchSpec, { maxKeys: 4 }) },
          { weight: 1, arbitrary: anyJson },
        ),
        prediction: fc.oneof({ weight: 3, arbitrary: sketchSpec }, { weight: 1, arbitrary: anyJson }),
        extra: anyJson,
      },
      // Mostly the fields a baseline has, so that many bodies get past the first check.
      { requiredKeys: ["rows", "features"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { from: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyScalar), to: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyScalar), extra: anyScalar },
      { requiredKeys: [] },
    ),
  },
);

describe("fuzzed baseline JSON through the real Worker", () => {
  it("answers every PUT with a 2xx or a 4xx JSON body in time, and a refused PUT changes no stored baseline", async () => {
    const model = "fuzz-baseline";
    const path = `/api/models/${model}/versions/v1/baseline`;
    const digest = new TDigest();
    for (let i = 0; i < 100; i++) digest.add(i);
    const first = await call("PUT", path, worker.ingestToken, JSON.stringify({ rows: 100, features: { income: { type: "numeric", sketch: base64(digest.toBytes()) } } }));
    expect(first.status).toBe(200);
    let stored = (await call("GET", path, worker.readToken)).body;
    let accepted = 0;
    await runFuzz(
      fc.asyncProperty(bodyText(baselineBody), async (text) => {
        const answer = await call("PUT", path, worker.ingestToken, text);
        expectWellFormed(answer, text);
        const now = await call("GET", path, worker.readToken);
        expect(now.status).toBe(200);
        if (answer.status >= 400) expect(now.body, `a refused PUT changed the baseline: ${text.slice(0, 300)}`).toEqual(stored);
        else {
          accepted += 1;
          stored = now.body;
        }
      }),
    );
    console.log(`baseline fuzz: seed ${SEED}, ${RUNS} bodies, ${accepted} accepted`);
  }, 300_000);
});

// ---- Alert rules ---------------------------------------------------------------------------

const receiverUrl = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    "https://hooks.slack.com/services/T0/B0/abcdefghijklmnop",
    "http://127.0.0.1:1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::]/",
    "http://10.0.0.1/",
    "javascript:alert(1)",
    "ftp://example.com/",
    "http://",
    "https://example.com/" + "a".repeat(3000),
  ),
  fc.string({ maxLength: 30 }),
);
const receiver = fc.record(
  { type: fc.oneof(fc.constantFrom("webhook", "slack"), anyScalar), url: fc.oneof({ weight: 4, arbitrary: receiverUrl }, { weight: 1, arbitrary: anyScalar }), secret: fc.oneof(fc.string({ minLength: 10, maxLength: 40 }), anyScalar), timeoutSeconds: fc.oneof(fc.integer({ min: -5, max: 60 }), anyScalar), extra: anyScalar },
  { requiredKeys: [] },
);
const duration = fc.oneof(fc.constantFrom("5m", "1h", "1d", "7d", "0s", "30s", "2m", "1w", "-1m", "5", "m", "1h30m", "100000h"), anyScalar);
const randomRule = fc.record(
  {
    kind: fc.oneof({ weight: 5, arbitrary: fc.constantFrom("drift", "latency", "error_rate", "accuracy", "no_data") }, { weight: 1, arbitrary: anyScalar }),
    version: fc.oneof(fc.constantFrom("v1", "", "x".repeat(300)), anyScalar),
    feature: fc.oneof(fc.constantFrom("income", ""), anyScalar),
    method: fc.oneof(fc.constantFrom("psi", "ks", "jensen_shannon", "wasserstein", "hellinger", "chi2", "nope"), anyScalar),
    quantile: fc.oneof(fc.double({ min: -1, max: 2, noNaN: true }), anyScalar),
    metric: fc.oneof(fc.constantFrom("accuracy", "f1", "mae", "auc", "gini"), anyScalar),
    class: fc.oneof(fc.string({ maxLength: 10 }), anyScalar),
    window: duration,
    threshold: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), anyScalar),
    resolveThreshold: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), anyScalar),
    duration,
    for: duration,
    interval: duration,
    repeatInterval: duration,
    labels: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string({ maxLength: 30 }), anyScalar), { maxKeys: 25 }), anyJson),
    annotations: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }), anyJson),
    receivers: fc.oneof({ weight: 4, arbitrary: fc.array(receiver, { maxLength: 7 }) }, { weight: 1, arbitrary: anyJson }),
  },
  { requiredKeys: [] },
);
/** Valid rules of every kind, a public receiver included, then some of their fields replaced. */
const PUBLIC_RECEIVER = { type: "webhook", url: "https://alerts.example.org/hook", secret: "whsec-fuzz-0123456789" };
const validRule = fc.constantFrom<Record<string, unknown>>(
  { kind: "latency", quantile: 0.99, window: "5m", threshold: 0.5, receivers: [PUBLIC_RECEIVER] },
  { kind: "error_rate", window: "1h", threshold: 0.05, resolveThreshold: 0.01, for: "5m" },
  { kind: "drift", version: "v1", feature: "income", method: "psi", window: "1h", threshold: 0.2, receivers: [{ type: "slack", url: "https://hooks.slack.com/services/T0/B0/abcdefghijklmnop" }] },
  { kind: "accuracy", version: "v1", metric: "f1", window: "1d", threshold: 0.7, resolveThreshold: 0.75 },
  { kind: "no_data", duration: "15m", labels: { team: "risk" }, annotations: { runbook: "https://wiki.example/x" } },
);
const ruleBody = fc.oneof(
  { weight: 2, arbitrary: validRule },
  { weight: 3, arbitrary: fc.tuple(validRule, randomRule).chain(([rule, random]) => fc.subarray(Object.keys(random), { maxLength: 2 }).map((keys) => ({ ...rule, ...Object.fromEntries(keys.map((k) => [k, (random as Record<string, unknown>)[k]])) }))) },
  { weight: 1, arbitrary: randomRule },
);
const ruleName = fc.oneof({ weight: 5, arbitrary: fc.constant("fuzz") }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 80 }) });

describe("fuzzed alert-rule JSON through the real Worker", () => {
  it("answers every PUT with a 2xx or a 4xx JSON body in time, and a refused PUT changes no stored rule", async () => {
    const model = "fuzz-alerts";
    const rulePath = (name: string) => `/api/models/${model}/alerts/${encodeURIComponent(name)}`;
    const first = await call("PUT", rulePath("fuzz"), worker.ingestToken, JSON.stringify({ kind: "latency", quantile: 0.99, window: "5m", threshold: 0.5 }));
    expect(first.status).toBe(200);
    const rules = async () => {
      const list = await call("GET", `/api/models/${model}/alerts`, worker.readToken);
      expect(list.status).toBe(200);
      // The definitions only: each rule's state moves with evaluation, whatever the PUTs do.
      return (list.body as { alerts: { name: string; rule: unknown }[] }).alerts.map((a) => ({ name: a.name, rule: a.rule }));
    };
    let stored = await rules();
    let accepted = 0;
    await runFuzz(
      fc.asyncProperty(
        fc.tuple(ruleName, bodyText(ruleBody)).map(([name, text]) => `${name}\n${text}`),
        async (sent) => {
          const newline = sent.indexOf("\n");
          const name = sent.slice(0, newline);
          const text = sent.slice(newline + 1);
          const answer = await call("PUT", rulePath(name), worker.ingestToken, text);
          expectWellFormed(answer, `${name}: ${text}`);
          const now = await rules();
          if (answer.status >= 400) expect(now, `a refused PUT changed the rules: ${name}: ${text.slice(0, 300)}`).toEqual(stored);
          else {
            accepted += 1;
            stored = now;
          }
        },
      ),
    );
    console.log(`alert-rule fuzz: seed ${SEED}, ${RUNS} bodies, ${accepted} accepted`);
  }, 300_000);
});
