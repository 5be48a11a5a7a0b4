import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SignatureHeader, signatureHeaders, verifySignature } from "./signing.ts";

const SECRET = "whsec-0123456789abcdef";

describe("webhook signatures", () => {
  it("signs timestamp.body with HMAC-SHA256, as node:crypto computes it", async () => {
    const body = JSON.stringify({ status: "firing", rule: "income-drift" });
    const headers = await signatureHeaders(SECRET, 1_700_000_000.9, body, "42");
    const expected = createHmac("sha256", SECRET).update(`1700000000.${body}`).digest("hex");
    expect(headers).toEqual({ [SignatureHeader.timestamp]: "1700000000", [SignatureHeader.signature]: `v1=${expected}`, [SignatureHeader.delivery]: "42" });
  });

  it("verifies its own signature and refuses a changed body, another secret or an old timestamp", async () => {
    const body = '{"a":1}';
    const h = await signatureHeaders(SECRET, 1000, body, "1");
    const read = { timestamp: h[SignatureHeader.timestamp], signature: h[SignatureHeader.signature] };
    expect(await verifySignature(SECRET, read, body, 1000)).toBe(true);
    expect(await verifySignature(SECRET, read, '{"a":2}', 1000)).toBe(false);
    expect(await verifySignature("another-secret-0123456789", read, body, 1000)).toBe(false);
    expect(await verifySignature(SECRET, read, body, 1000 + 301)).toBe(false);
    expect(await verifySignature(SECRET, { timestamp: null, signature: read.signature }, body, 1000)).toBe(false);
  });

  it("accepts any of several v1 signatures, as during a secret rotation", async () => {
    const body = "{}";
    const h = await signatureHeaders(SECRET, 5, body, "1");
    const rotated = { timestamp: "5", signature: `v1=${"0".repeat(64)}, ${h[SignatureHeader.signature]}` };
    expect(await verifySignature(SECRET, rotated, body, 5)).toBe(true);
  });
});
