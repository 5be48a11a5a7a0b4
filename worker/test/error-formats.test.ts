/**
 * Each sub-app owns its error format (issue 10, "errors the Hono way"; issue 11, item 9): unrouted
 * paths answer JSON `{ error }` under /api, Prometheus' error shape under /api/v1 and a
 * google.rpc.Status under /v1, never Hono's text/plain "404 Not Found"; and an unexpected failure
 * inside the Prometheus API is answered "internal error" without its text (issue 10, defect 4).
 */
import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { handleError, handleNotFound } from "../src/http/on-error.ts";
import { queryApi } from "../src/query/routes.ts";
import { readStatus } from "./support/protobuf.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";
import type { AppEnv } from "../src/http/app-env.ts";
import type { Env } from "../src/env.ts";

const BASE = "http://driftline.test";

describe("unrouted paths", () => {
  it("answers JSON { error } under /api, naming the method and path", async () => {
    const response = await exports.default.fetch(`${BASE}/api/nothing-here`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: "no route for GET /api/nothing-here" });
  });

  it("answers JSON { error } outside every prefix", async () => {
    const response = await exports.default.fetch(`${BASE}/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "no route for GET /nothing-here" });
  });

  it("answers Prometheus' error shape under /api/v1", async () => {
    const response = await exports.default.fetch(`${BASE}/api/v1/nothing-here`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { status: string; errorType: string; error: string };
    expect(body).toMatchObject({ status: "error", errorType: "not_found" });
    expect(body.error).toContain("GET /api/v1/nothing-here");
  });

  it("answers a JSON google.rpc.Status under /v1", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/profiles`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(404);
    const status = (await response.json()) as { code: number; message: string };
    expect(status.code).toBe(5); // NOT_FOUND
    expect(status.message).toContain("POST /v1/logs, /v1/metrics or /v1/traces");
  });

  it("answers a protobuf google.rpc.Status under /v1 to a protobuf sender", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/logs/extra`, { method: "POST", body: new Uint8Array(), headers: { "Content-Type": "application/x-protobuf" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect(readStatus(new Uint8Array(await response.arrayBuffer())).code).toBe(5);
  });
});

describe("internal error text leaks through the Prometheus API (issue 10, defect 4)", () => {
  /** The Prometheus sub-app as index.ts mounts it, on an env whose tenant directory fails the way broken storage does. */
  function appWithBrokenStorage(detail: string): { app: Hono<AppEnv>; brokenEnv: Env } {
    const app = new Hono<AppEnv>();
    app.use("/api/*", async (c, next) => {
      c.set("tenant", "acme");
      await next();
    });
    app.route("/api/v1", queryApi);
    app.onError(handleError);
    app.notFound(handleNotFound);
    const broken = { getByName: () => ({ list: () => Promise.reject(new Error(detail)) }) };
    const brokenEnv = { ...env, TENANT_DIRECTORY: broken } as unknown as Env;
    return { app, brokenEnv };
  }

  it("answers 500 'internal error' and logs the detail", async () => {
    const detail = "SQLITE_CORRUPT: database disk image is malformed at /srv/store/acme.sqlite";
    const { app, brokenEnv } = appWithBrokenStorage(detail);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await app.request("/api/v1/query?query=driftline_predictions_total", {}, brokenEnv);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ status: "error", errorType: "internal", error: "internal error" });
      expect(text).not.toContain("SQLITE");
      expect(logged.mock.calls.flat().map(String).join(" ")).toContain("SQLITE_CORRUPT");
    } finally {
      logged.mockRestore();
    }
  });

  it("keeps a query error's own message and status", async () => {
    const { app, brokenEnv } = appWithBrokenStorage("unused");
    const response = await app.request("/api/v1/query?query=sum(", {}, brokenEnv);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: "error", errorType: "bad_data" });
  });
});
