/**
 * Webhook signatures, Stripe/Svix style: HMAC-SHA256 keyed with the receiver's secret over
 * `"<timestamp>.<body>"`, where timestamp is the Unix time in seconds sent in its own header.
 * Signing the timestamp with the body lets a receiver refuse replays (an old timestamp) without
 * keeping state; docs/alerts.md shows the receiver side. Web Crypto only, so it runs anywhere.
 */

/** Header names; `Delivery` is the same across retries of one notification (an idempotency key). */
export const SignatureHeader = {
  signature: "Driftline-Signature",
  timestamp: "Driftline-Timestamp",
  delivery: "Driftline-Delivery",
} as const;

/** Signature scheme prefix inside the signature header: `v1=<hex>`. */
export const SIGNATURE_SCHEME = "v1";

/** Timestamps a receiver should accept, seconds either side of its clock (Stripe's default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  let hex = "";
  for (const byte of mac) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** The headers that sign `body` at `timestampSeconds`. */
export async function signatureHeaders(secret: string, timestampSeconds: number, body: string, deliveryId: string): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(timestampSeconds));
  return {
    [SignatureHeader.timestamp]: timestamp,
    [SignatureHeader.signature]: `${SIGNATURE_SCHEME}=${await hmacHex(secret, `${timestamp}.${body}`)}`,
    [SignatureHeader.delivery]: deliveryId,
  };
}

/**
 * Receiver side: true when the signature header holds a `v1` signature of `timestamp.body` and
 * the timestamp is within `toleranceSeconds` of `nowSeconds`. Compares without an early exit.
 */
export async function verifySignature(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<boolean> {
  if (headers.timestamp === null || headers.signature === null || !/^\d+$/.test(headers.timestamp)) return false;
  if (Math.abs(nowSeconds - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = await hmacHex(secret, `${headers.timestamp}.${body}`);
  // Several signatures may be sent during a secret rotation: `v1=<a>,v1=<b>`.
  let ok = false;
  for (const part of headers.signature.split(",")) {
    const [scheme, value] = part.trim().split("=", 2);
    if (scheme === SIGNATURE_SCHEME && value !== undefined && constantTimeEqual(value, expected)) ok = true;
  }
  return ok;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
