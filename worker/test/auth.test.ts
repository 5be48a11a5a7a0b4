/**
 * Tokens: the INGEST_TOKENS / READ_TOKENS format, the constant-time lookup, and the middleware's
 * answers (401 with a challenge, 403 for the other kind, 500 naming a malformed variable).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readCredentials } from "../src/auth/credentials.ts";
import { ConfigError } from "../src/config.ts";
import { findTenant, loadTokenTable, sha256 } from "../src/auth/token-table.ts";
import { frontDoorWith } from "./support/test-app.ts";
import { basic, bearer, TEST_TOKENS } from "./support/tokens.ts";

const noIngest = async () => ({ rejected: 0, message: "" });

describe("token tables", () => {
  it("maps each token to its tenant, and an unknown token to none", async () => {
    const table = await loadTokenTable("READ_TOKENS", " acme:aaaaaaaaaaaaaaaa1 , globex:bbbbbbbbbbbbbbbb2 ");
    expect(findTenant(table, await sha256("aaaaaaaaaaaaaaaa1"))).toBe("acme");
    expect(findTenant(table, await sha256("bbbbbbbbbbbbbbbb2"))).toBe("globex");
    expect(findTenant(table, await sha256("aaaaaaaaaaaaaaaa"))).toBeUndefined();
    expect(findTenant(table, await sha256(""))).toBeUndefined();
  });

  it("lets one tenant hold several tokens (rotation)", async () => {
    const table = await loadTokenTable("INGEST_TOKENS", "acme:old-token-0123456789,acme:new-token-0123456789");
    expect(findTenant(table, await sha256("old-token-0123456789"))).toBe("acme");
    expect(findTenant(table, await sha256("new-token-0123456789"))).toBe("acme");
  });

  it.each([
    ["", "INGEST_TOKENS is not set"],
    ["acme", "INGEST_TOKENS entry 1 of 1 has no colon"],
    ["acme:short", `INGEST_TOKENS entry 1 of 1 (tenant acme) has an invalid token: it needs at least 16`],
    ["acme:0123456789abcdef0,:0123456789abcdef1", "INGEST_TOKENS entry 2 of 2 has an invalid tenant name"],
    ["acme:0123456789abcdef0,globex:0123456789abcdef0", "INGEST_TOKENS entry 2 of 2 (tenant globex) repeats a token"],
    ["acme:0123456789 abcdef0", "has an invalid token"],
  ])("rejects %j with a message naming the variable and entry", async (value, message) => {
    const error = await loadTokenTable("INGEST_TOKENS", value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    // The message must never echo a token.
    expect((error as Error).message).not.toContain("0123456789abcdef0");
  });
});

describe("reading credentials", () => {
  it("reads Bearer on any route and Basic's password only where allowed", () => {
    expect(readCredentials("Bearer abc", false)).toEqual({ token: "abc" });
    expect(readCredentials("bearer   abc ", false)).toEqual({ token: "abc" });
    expect(readCredentials(`Basic ${btoa("user:pa:ss")}`, true)).toEqual({ token: "pa:ss" });
    expect(readCredentials(`Basic ${btoa("user:abc")}`, false)).toEqual({ problem: expect.stringContaining("accepts Bearer") });
    expect(readCredentials("Basic !!!", true)).toEqual({ problem: expect.stringContaining("malformed Basic") });
    expect(readCredentials(undefined, true)).toEqual({ problem: expect.stringContaining("missing Authorization") });
    expect(readCredentials("Token abc", true)).toEqual({ problem: expect.stringContaining("unsupported Authorization scheme 'Token'") });
  });
});

describe("requireToken", () => {
  it("sets the tenant of a read token, sent as Bearer or as Basic's password", async () => {
    const app = frontDoorWith(noIngest);
    const viaBearer = await app.request("/api/tenant", { headers: bearer(TEST_TOKENS.globex.read) }, env);
    expect(await viaBearer.json()).toEqual({ tenant: "globex" });
    const viaBasic = await app.request("/api/tenant", { headers: basic("anyone", TEST_TOKENS.acme.read) }, env);
    expect(await viaBasic.json()).toEqual({ tenant: "acme" });
  });

  it("answers 500 naming the variable when INGEST_TOKENS is malformed", async () => {
    const app = frontDoorWith(noIngest);
    const response = await app.request(
      "/v1/logs",
      { method: "POST", body: "{}", headers: { "Content-Type": "application/json", ...bearer(TEST_TOKENS.acme.ingest) } },
      { ...env, INGEST_TOKENS: "acme=ingest-acme-0123456789abcdef" },
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { message: string }).message).toContain("server misconfigured: INGEST_TOKENS entry 1 of 1 has no colon");
  });

  it("answers 500 when READ_TOKENS is unset on a read route", async () => {
    const response = await frontDoorWith(noIngest).request("/api/tenant", { headers: bearer(TEST_TOKENS.acme.read) }, { ...env, READ_TOKENS: undefined });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: expect.stringContaining("READ_TOKENS is not set") });
  });

  it("keeps ingest working when READ_TOKENS is unset (an ingest-only deployment)", async () => {
    const response = await frontDoorWith(noIngest).request(
      "/v1/logs",
      { method: "POST", body: "{}", headers: { "Content-Type": "application/json", ...bearer(TEST_TOKENS.acme.ingest) } },
      { ...env, READ_TOKENS: undefined },
    );
    expect(response.status).toBe(200);
  });

  it("answers 500 when one token is both an ingest and a read token", async () => {
    const shared = "acme:shared-token-0123456789";
    const response = await frontDoorWith(noIngest).request("/api/tenant", { headers: bearer("shared-token-0123456789") }, { ...env, INGEST_TOKENS: shared, READ_TOKENS: shared });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: expect.stringContaining("INGEST_TOKENS and READ_TOKENS share a token") });
  });

  it("answers 500 naming MAX_BODY_BYTES when it is not a number of bytes", async () => {
    const response = await frontDoorWith(noIngest).request(
      "/v1/logs",
      { method: "POST", body: "{}", headers: { "Content-Type": "application/json", ...bearer(TEST_TOKENS.acme.ingest) } },
      { ...env, MAX_BODY_BYTES: "4MB" },
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { message: string }).message).toContain("MAX_BODY_BYTES must be a whole number of bytes");
  });

  it("applies a configured MAX_BODY_BYTES", async () => {
    const response = await frontDoorWith(noIngest).request(
      "/v1/logs",
      { method: "POST", body: JSON.stringify({ resourceLogs: [] }), headers: { "Content-Type": "application/json", ...bearer(TEST_TOKENS.acme.ingest) } },
      { ...env, MAX_BODY_BYTES: "8" },
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toContain("MAX_BODY_BYTES (8 bytes)");
  });
});
