// Runs in the Worker isolate (edge). auth/ checks bearer and basic-auth tokens before any route.
/**
 * Reads the token from an `Authorization` header. OTLP exporters send `Bearer <token>`;
 * Grafana's Prometheus data source sends either a custom `Authorization: Bearer` header or
 * Basic auth, where the token is the password and the user name is ignored (docs/auth.md).
 */

/** The token presented, or why none could be read (the 401 message). */
export type Credentials = { token: string } | { problem: string };

/** Extracts the token; `allowBasic` is true only on read routes. */
export function readCredentials(authorization: string | undefined, allowBasic: boolean): Credentials {
  if (authorization === undefined || authorization.trim() === "") {
    return { problem: "missing Authorization header: send 'Authorization: Bearer <token>'" };
  }
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(authorization);
  if (match === null) return { problem: "malformed Authorization header: expected '<scheme> <credentials>'" };
  const scheme = match[1].toLowerCase();
  if (scheme === "bearer") return { token: match[2] };
  if (scheme === "basic" && allowBasic) return decodeBasic(match[2]);
  const accepted = allowBasic ? "Bearer or Basic" : "Bearer";
  return { problem: `unsupported Authorization scheme '${match[1]}': this route accepts ${accepted}` };
}

function decodeBasic(encoded: string): Credentials {
  let decoded: string;
  try {
    const binary = atob(encoded);
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return { problem: "malformed Basic credentials: expected base64 of 'user:token'" };
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return { problem: "malformed Basic credentials: expected base64 of 'user:token'" };
  return { token: decoded.slice(colon + 1) };
}
