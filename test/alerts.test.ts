/**
 * Alerts end to end against `wrangler dev` (issue 6): a drift rule fires once when drift starts,
 * is delivered to a webhook receiver on loopback with a signature the test verifies with
 * node:crypto, repeats at its interval and resolves once the drift stops; a failing receiver is
 * retried and the delivery log shows it; ingest is acknowledged while a delivery hangs.
 *
 * ALERT_MIN_INTERVAL_SECONDS=1 lets the rule evaluate every 2 s; its window is the 1-minute
 * minimum, so resolving waits for the minute that held drifted values to leave the window.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { TDigest } from "@driftline/collector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { seededRandom } from "@driftline/collector/testing";
import { until as untilEvery } from "./support/until.ts";

/** Polls as often as this file always has. */
const until = <T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> => untilEvery(what, timeoutMs, probe, 250);

const SECRET = "whsec-e2e-0123456789abcdef";

/** What a receiver got. */
type Received = { atMs: number; headers: IncomingMessage["headers"]; body: string };

/** A receiver on loopback: answers every request with `respond`, after recording it. */
async function receiver(respond: (res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ atMs: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      respond(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The signature check a receiver does, written against node:crypto rather than our signer. */
function validSignature(r: Received): boolean {
  const timestamp = String(r.headers["driftline-timestamp"] ?? "");
  const signature = String(r.headers["driftline-signature"] ?? "");
  const expected = Buffer.from(`v1=${createHmac("sha256", SECRET).update(`${timestamp}.${r.body}`).digest("hex")}`);
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), expected);
}

/** Seeded standard normals (mulberry32 + Box–Muller). */
function normals(seed: number, count: number, mean = 0): number[] {
  const uniform = seededRandom(seed);
  const out: number[] = [];
  while (out.length < count) out.push(mean + Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
  return out;
}

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker({ vars: { ALERT_MIN_INTERVAL_SECONDS: "1" } });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

function api(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${worker.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function sendIncomes(model: string, incomes: number[], extra: Record<string, string> = {}): Promise<Response> {
  const records = incomes.map((income) => ({ "ml.model.id": model, "ml.model.version": "v1", "ml.feature.income": income, "ml.prediction.value": 0.5, ...extra }));
  return postLogs(worker, predictionsRequest(records));
}


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("drift alert delivered to webhooks", () => {
  it("fires once when drift starts, repeats, resolves when it stops, signs every body, and retries a failing receiver", async () => {
    const good = await receiver((res) => res.writeHead(204).end());
    const failing = await receiver((res) => res.writeHead(500).end("down"));
    try {
      const baseline = new TDigest();
      for (const x of normals(1, 5000)) baseline.add(x);
      const put = await api("PUT", "/api/models/credit/versions/v1/baseline", worker.ingestToken, { rows: 5000, features: { income: { type: "numeric", sketch: Buffer.from(baseline.toBytes()).toString("base64") } } });
      expect(put.status).toBe(200);
      const rule = {
        kind: "drift", version: "v1", feature: "income", method: "psi", window: "1m", threshold: 1, resolveThreshold: 0.5,
        interval: "2s", repeatInterval: "8s",
        receivers: [{ type: "webhook", url: good.url, secret: SECRET }, { type: "slack", url: failing.url }],
      };
      expect((await api("PUT", "/api/models/credit/alerts/income-drift", worker.ingestToken, rule)).status).toBe(200);

      // Calm traffic for a few evaluations: nothing is sent.
      for (let i = 0; i < 6; i++) {
        expect((await sendIncomes("credit", normals(100 + i, 100))).status).toBe(200);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(good.received).toEqual([]);

      // Drift: incomes shift by five standard deviations until the first reminder arrives.
      const driftStartMs = Date.now();
      let seed = 200;
      await until("a reminder while firing", 60_000, async () => {
        expect((await sendIncomes("credit", normals(seed++, 100, 5))).status).toBe(200);
        return good.received.some((r) => JSON.parse(r.body).repeat === true) ? true : undefined;
      });
      // The drift stops; calm traffic goes on until the rule resolves (the drifted minute must leave the window).
      const calmStartMs = Date.now();
      await until("the resolved notification", 100_000, async () => {
        expect((await sendIncomes("credit", normals(seed++, 100))).status).toBe(200);
        await new Promise((r) => setTimeout(r, 500));
        return good.received.some((r) => JSON.parse(r.body).status === "resolved") ? true : undefined;
      });

      const bodies = good.received.map((r) => JSON.parse(r.body) as { status: string; repeat: boolean; value: number; rule: string });
      const kinds = bodies.map((b) => (b.status === "resolved" ? "resolved" : b.repeat ? "repeat" : "firing"));
      expect(kinds[0]).toBe("firing");
      expect(kinds.filter((k) => k === "firing")).toHaveLength(1);
      expect(kinds.filter((k) => k === "resolved")).toHaveLength(1);
      expect(kinds[kinds.length - 1]).toBe("resolved");
      expect(kinds.filter((k) => k === "repeat").length).toBeGreaterThanOrEqual(1);
      expect(good.received[0].atMs).toBeGreaterThanOrEqual(driftStartMs);
      expect(good.received[good.received.length - 1].atMs).toBeGreaterThanOrEqual(calmStartMs);
      expect(bodies[0]).toMatchObject({ rule: "income-drift", model: "credit", labels: { alertname: "income-drift", feature: "income" } });
      expect(bodies[0].value).toBeGreaterThan(1);
      expect(good.received.every(validSignature)).toBe(true);
      // One delivery id per notification.
      expect(new Set(good.received.map((r) => r.headers["driftline-delivery"])).size).toBe(good.received.length);

      // The Slack receiver answered 500 every time: its notifications were retried with backoff.
      expect(JSON.parse(failing.received[0].body)).toEqual({ text: expect.stringContaining("*FIRING* income-drift") });
      type Delivery = { delivery: number; receiver: number; attempt: number; outcome: string; httpStatus: number | null; event: string };
      const readLog = async () => ((await (await api("GET", "/api/models/credit/alerts/income-drift/deliveries", worker.readToken)).json()) as { deliveries: Delivery[] }).deliveries;
      // Attempts 1, 2 and 3 of the first notification come 10 s and then 20 s apart (RETRY_BASE_MS doubling).
      const firstSlack = await until("three attempts at the failing receiver", 60_000, async () => {
        const attempts = (await readLog()).filter((d) => d.receiver === 1 && d.event === "firing");
        return attempts.length >= 3 ? attempts : undefined;
      });
      expect(firstSlack.map((d) => d.attempt).sort()).toEqual(Array.from({ length: firstSlack.length }, (_, i) => i + 1));
      expect(new Set(firstSlack.map((d) => d.delivery)).size).toBe(1);
      const log = { deliveries: await readLog() };
      expect(firstSlack.every((d) => d.outcome === "retrying" && d.httpStatus === 500)).toBe(true);
      expect(log.deliveries.filter((d) => d.receiver === 0).every((d) => d.outcome === "delivered" && d.attempt === 1)).toBe(true);

      // Grafana's view: the rule is listed, inactive again after resolving.
      const rules = (await (await api("GET", "/api/v1/rules", worker.readToken)).json()) as { data: { groups: { name: string; rules: { name: string; state: string; health: string }[] }[] } };
      expect(rules.data.groups.find((g) => g.name === "credit")?.rules).toEqual([expect.objectContaining({ name: "income-drift", health: "ok" })]);
    } finally {
      await close(good.server);
      await close(failing.server);
    }
  }, 200_000);
});

describe("a hanging receiver", () => {
  it("does not stop ingest: requests to the same model are acknowledged while a delivery is stuck", async () => {
    const hanging = await receiver(() => undefined);
    try {
      const round = async (n: number): Promise<number[]> => {
        const times: number[] = [];
        for (let i = 0; i < n; i++) {
          const started = performance.now();
          const response = await sendIncomes("hang", normals(500 + i, 50), { "error.type": "timeout" });
          times.push(performance.now() - started);
          expect(response.status).toBe(200);
        }
        return times;
      };
      const before = await round(30);
      const rule = { kind: "error_rate", window: "1m", threshold: 0.5, interval: "1s", receivers: [{ type: "webhook", url: hanging.url, secret: SECRET, timeoutSeconds: 30 }] };
      expect((await api("PUT", "/api/models/hang/alerts/errors", worker.ingestToken, rule)).status).toBe(200);
      await until("the delivery to reach the hanging receiver", 20_000, () => (hanging.received.length > 0 ? true : undefined));
      const during = await round(30);
      // Still stuck: the receiver never answered, and an attempt is logged only when it ends.
      const log = (await (await api("GET", "/api/models/hang/alerts/errors/deliveries", worker.readToken)).json()) as { deliveries: unknown[] };
      expect(log.deliveries).toEqual([]);
      console.log(`ingest round trip, median of 30: ${median(before).toFixed(1)} ms before the rule, ${median(during).toFixed(1)} ms while a delivery hangs (ratio ${(median(during) / median(before)).toFixed(2)})`);
    } finally {
      await close(hanging.server);
    }
  }, 120_000);
});
