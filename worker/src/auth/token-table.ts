/**
 * Token configuration: `INGEST_TOKENS` and `READ_TOKENS` each hold comma-separated
 * `tenant:token` pairs. The table keeps only SHA-256 digests of the tokens, so that a lookup
 * compares fixed-length digests in constant time (see `findTenant`) and the plain tokens are
 * not kept around in the isolate's heap beyond the env string itself.
 */
import { ConfigError } from "../config.ts";

/** Which kind of token a route needs. */
export type TokenKind = "ingest" | "read";

/** The variable that holds each kind's tokens. */
export const TOKEN_VARIABLE = { ingest: "INGEST_TOKENS", read: "READ_TOKENS" } as const satisfies Record<TokenKind, string>;

/** A parsed token variable: one digest per configured token, and its tenant. */
export type TokenTable = {
  /** SHA-256 of each token (32 bytes each), index-aligned with `tenants`. */
  digests: Uint8Array[];
  tenants: string[];
  /** The plain tokens, only to detect one token configured for two kinds; never compared with input. */
  tokens: ReadonlySet<string>;
};


/** Shorter tokens are refused: a guessable token on a public endpoint is worse than a config error. */
export const MIN_TOKEN_LENGTH = 16;

/** Tenant names end up in Durable Object names and logs: keep them plain. */
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Tokens travel in headers and in Basic auth's `user:password`: printable, no spaces, no colon or comma. */
const TOKEN_PATTERN = /^[\x21-\x2b\x2d-\x39\x3b-\x7e]+$/;

/** Parsed tables by variable name and value; an isolate sees one or two distinct strings, so this stays tiny. */
const cache = new Map<string, Promise<TokenTable>>();

/**
 * Parses a token variable once per isolate (cached by its exact string), hashing every token.
 * Rejects with ConfigError when the variable is unset, empty or malformed; the message
 * names the variable and the offending entry's position, never the token.
 */
export function loadTokenTable(variable: string, value: string | undefined): Promise<TokenTable> {
  if (value === undefined || value.trim() === "") {
    return Promise.reject(
      new ConfigError(`${variable} is not set: give it comma-separated tenant:token pairs (see docs/auth.md)`),
    );
  }
  const key = variable + "\0" + value;
  let table = cache.get(key);
  if (table === undefined) {
    table = buildTable(variable, value);
    // A failed parse is not cached: the next request reports the same error with no stale state.
    table.catch(() => cache.delete(key));
    cache.set(key, table);
  }
  return table;
}

async function buildTable(variable: string, value: string): Promise<TokenTable> {
  const tenants: string[] = [];
  const tokens = new Set<string>();
  const entries = value.split(",").map((entry) => entry.trim());
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const where = `${variable} entry ${i + 1} of ${entries.length}`;
    const colon = entry.indexOf(":");
    if (colon < 0) throw new ConfigError(`${where} has no colon: each entry must be tenant:token`);
    const tenant = entry.slice(0, colon);
    const token = entry.slice(colon + 1);
    if (!TENANT_PATTERN.test(tenant)) {
      throw new ConfigError(`${where} has an invalid tenant name: use 1-64 letters, digits, '_', '.' or '-'`);
    }
    if (token.length < MIN_TOKEN_LENGTH || !TOKEN_PATTERN.test(token)) {
      throw new ConfigError(
        `${where} (tenant ${tenant}) has an invalid token: it needs at least ${MIN_TOKEN_LENGTH} printable ASCII characters without spaces, ',' or ':'`,
      );
    }
    if (tokens.has(token)) throw new ConfigError(`${where} (tenant ${tenant}) repeats a token already listed`);
    tokens.add(token);
    tenants.push(tenant);
  }
  const digests = await Promise.all([...tokens].map(sha256));
  return { digests, tenants, tokens };
}

/** SHA-256 of a string's UTF-8 bytes. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * The tenant whose token has digest `presented`, or undefined. Constant time in the token:
 * every configured digest is compared in full (XOR accumulated, no early exit) and the loop
 * never stops at a match, so timing reveals neither a prefix nor which entry matched.
 */
export function findTenant(table: TokenTable, presented: Uint8Array): string | undefined {
  let found = -1;
  for (let i = 0; i < table.digests.length; i++) {
    const digest = table.digests[i];
    let difference = digest.length ^ presented.length;
    for (let j = 0; j < digest.length; j++) difference |= digest[j] ^ presented[j];
    // Branch-free select: found becomes i when difference is 0, and stays otherwise.
    const isMatch = ((difference - 1) >>> 31) & 1;
    found = isMatch * i + (1 - isMatch) * found;
  }
  return found < 0 ? undefined : table.tenants[found];
}
