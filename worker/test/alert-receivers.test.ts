/**
 * Issue 11, items 7 and 8, through the real Worker: a rule whose receiver points at loopback,
 * link-local, private or unspecified addresses, numeric-host tricks, IPv4-mapped IPv6 or the
 * Worker's own host is refused with a 400 naming why; loopback is allowed only with
 * ALLOW_LOCAL_RECEIVERS=1 (vitest.config.ts pins it off here, as on a deployed Worker). Reads
 * show receiver URLs masked; the store keeps the full URL the ingest token PUT.
 */
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../src/index.ts";
import type { Env } from "../src/env.ts";
import type { ModelStore } from "../src/store/model-store.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const BASE = "http://driftline.test";
const SECRET = "whsec-receivers-0123456789";
let nextModel = 0;
const freshModel = () => `alert-receivers-${nextModel++}`;

function ruleWith(url: string) {
  return { kind: "latency", quantile: 0.99, window: "5m", threshold: 0.5, receivers: [{ type: "webhook", url, secret: SECRET }] };
}

function putRequest(model: string, body: unknown): Request {
  return new Request(`${BASE}/api/models/${model}/alerts/slow`, { method: "PUT", body: JSON.stringify(body), headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" } });
}

async function refusalOf(response: Response): Promise<string> {
  expect(response.status).toBe(400);
  expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
  return ((await response.json()) as { error: string }).error;
}

describe("alert receiver URLs on a deployed Worker", () => {
  const refused: [string, RegExp][] = [
    ["http://127.0.0.1:9000/hook", /127\.0\.0\.1 is a loopback address.*ALLOW_LOCAL_RECEIVERS=1/],
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is a link-local address/],
    ["http://[::1]/", /\[::1\] is a loopback address/],
    ["http://0.0.0.0/", /0\.0\.0\.0 is an unspecified/],
    ["http://[::]/", /unspecified address/],
    ["http://2130706433/", /127\.0\.0\.1 is a loopback address/],
    ["http://0x7f.1/", /127\.0\.0\.1 is a loopback address/],
    ["http://0177.0.0.1/", /127\.0\.0\.1 is a loopback address/],
    ["http://10.0.0.1/", /private address \(RFC 1918\)/],
    ["http://192.168.0.10/", /private address \(RFC 1918\)/],
    ["http://100.100.100.200/", /CGNAT/],
    ["http://[fd12:3456::1]/", /unique local address/],
    ["http://[::ffff:169.254.169.254]/", /IPv4-mapped IPv6/],
    ["http://driftline.test/api/models/m/alerts/x", /driftline\.test is this Worker's own host/],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${url} with the reason in the 400`, async () => {
      const model = freshModel();
      const message = await refusalOf(await exports.default.fetch(putRequest(model, ruleWith(url))));
      expect(message).toMatch(/^alert rule refused: receivers\[0\]\.url is refused: /);
      expect(message).toMatch(reason);
      // Nothing was stored: the model was never created by the refused PUT.
      const list = await exports.default.fetch(`${BASE}/api/models/${model}/alerts`, { headers: bearer(TEST_TOKENS.acme.read) });
      expect(list.status).toBe(404);
    });
  }

  it("accepts a public receiver", async () => {
    const response = await exports.default.fetch(putRequest(freshModel(), ruleWith("https://alerts.example.org/hook")));
    expect(response.status).toBe(200);
  });
});

describe("alert receiver URLs with ALLOW_LOCAL_RECEIVERS=1 (npm start, the end-to-end tests)", () => {
  const local = { ...(env as unknown as Env), ALLOW_LOCAL_RECEIVERS: "1" };
  const put = (url: string) => app.fetch(putRequest(freshModel(), ruleWith(url)), local, { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext);

  it("allows a loopback receiver on another port than the Worker's", async () => {
    expect((await put("http://127.0.0.1:9000/hook")).status).toBe(200);
    expect((await put("http://localhost:9000/hook")).status).toBe(200);
  });

  it("still refuses link-local, private and mapped addresses and the Worker's own port", async () => {
    expect(await refusalOf(await put("http://169.254.169.254/latest/meta-data/"))).toMatch(/link-local/);
    expect(await refusalOf(await put("http://10.0.0.1/"))).toMatch(/RFC 1918/);
    expect(await refusalOf(await put("http://[::ffff:127.0.0.1]:9000/"))).toMatch(/IPv4-mapped/);
    expect(await refusalOf(await put("http://driftline.test/api/models"))).toMatch(/own host/);
  });

  it("refuses a value of ALLOW_LOCAL_RECEIVERS that is neither on nor off, naming it", async () => {
    const response = await app.fetch(putRequest(freshModel(), ruleWith("https://alerts.example.org/hook")), { ...local, ALLOW_LOCAL_RECEIVERS: "yes please" }, {} as ExecutionContext);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toMatch(/ALLOW_LOCAL_RECEIVERS must be 1/);
  });
});

describe("receiver URLs shown to readers", () => {
  const slack = "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstQ9xZ";

  it("masks a receiver URL for a read token, in the rule and in the list, and keeps the full URL stored", async () => {
    const model = freshModel();
    const body = { ...ruleWith(slack), receivers: [{ type: "slack", url: slack }] };
    const put = await exports.default.fetch(putRequest(model, body));
    expect(put.status).toBe(200);
    expect(JSON.stringify(await put.json())).not.toContain("abcdefghijklmnop");
    const one = await exports.default.fetch(`${BASE}/api/models/${model}/alerts/slow`, { headers: bearer(TEST_TOKENS.acme.read) });
    const shown = (await one.json()) as { rule: { receivers: { url: string }[] } };
    expect(shown.rule.receivers[0].url).toBe("https://hooks.slack.com/…Q9xZ");
    const list = await exports.default.fetch(`${BASE}/api/models/${model}/alerts`, { headers: bearer(TEST_TOKENS.acme.read) });
    const text = await list.text();
    expect(text).toContain("https://hooks.slack.com/…Q9xZ");
    expect(text).not.toContain("abcdefghijklmnop");
    // The store keeps what the ingest token PUT: deliveries go to the full URL.
    await runInDurableObject(env.MODEL_STORE.getByName(`acme\u0000${model}`), (_store: ModelStore, state) => {
      const spec = state.storage.sql.exec<{ spec: string }>("SELECT spec FROM alert_rules WHERE name = 'slow'").one().spec;
      expect((JSON.parse(spec) as { receivers: { url: string }[] }).receivers[0].url).toBe(slack);
    });
  });
});
