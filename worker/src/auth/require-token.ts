import { createMiddleware } from "hono/factory";
import { HttpError } from "../http/http-error.ts";
import { readCredentials } from "./credentials.ts";
import { ConfigError } from "../config.ts";
import { findTenant, loadTokenTable, sha256, TOKEN_VARIABLE } from "./token-table.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { Env } from "../env.ts";
import type { TokenKind, TokenTable } from "./token-table.ts";

/** The other kind, whose tokens are recognised only to say "wrong kind of token" (403). */
const OTHER_KIND = { ingest: "read", read: "ingest" } as const satisfies Record<TokenKind, TokenKind>;

const WITH_ARTICLE = { ingest: "an ingest", read: "a read" } as const satisfies Record<TokenKind, string>;

/** Challenges sent with a 401: OTLP exporters use Bearer; read routes also take Basic (Grafana). */
const CHALLENGE = {
  ingest: 'Bearer realm="driftline ingest"',
  read: 'Bearer realm="driftline read", Basic realm="driftline read", charset="UTF-8"',
} as const satisfies Record<TokenKind, string>;

/**
 * Middleware that admits a request only with a token of `kind` and sets `c.get("tenant")`.
 * - no or unreadable credentials, or an unknown token: 401 with `WWW-Authenticate`;
 * - a token of the other kind (a read token on ingest, or the reverse): 403, so a user who
 *   pasted the wrong token is told so instead of being told the token does not exist;
 * - the variable for `kind` unset, either variable malformed, or one token in both: 500 naming it.
 */
export function requireToken(kind: TokenKind) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const [table, otherTable] = await loadTables(c.env, kind);
    const credentials = readCredentials(c.req.header("Authorization"), kind === "read");
    if ("problem" in credentials) throw new HttpError(401, credentials.problem, { "WWW-Authenticate": CHALLENGE[kind] });
    const digest = await sha256(credentials.token);
    const tenant = findTenant(table, digest);
    // Both tables are searched whatever the outcome, so timing does not tell the kinds apart.
    const otherTenant = findTenant(otherTable, digest);
    if (tenant === undefined) {
      if (otherTenant !== undefined) {
        throw new HttpError(403, `this is ${WITH_ARTICLE[OTHER_KIND[kind]]} token; this route needs ${WITH_ARTICLE[kind]} token (${TOKEN_VARIABLE[kind]})`);
      }
      throw new HttpError(401, `unknown ${kind} token`, { "WWW-Authenticate": CHALLENGE[kind] });
    }
    c.set("tenant", tenant);
    await next();
  });
}

const EMPTY_TABLE: TokenTable = { digests: [], tenants: [], tokens: new Set() };

async function loadTables(env: Env, kind: TokenKind): Promise<[TokenTable, TokenTable]> {
  const other = OTHER_KIND[kind];
  try {
    const [table, otherTable] = await Promise.all([
      loadTokenTable(TOKEN_VARIABLE[kind], env[TOKEN_VARIABLE[kind]]),
      // The other kind may be left unset (an ingest-only deployment); then nothing is "the wrong kind".
      env[TOKEN_VARIABLE[other]] === undefined ? EMPTY_TABLE : loadTokenTable(TOKEN_VARIABLE[other], env[TOKEN_VARIABLE[other]]),
    ]);
    for (const token of table.tokens) {
      if (otherTable.tokens.has(token)) {
        throw new ConfigError("INGEST_TOKENS and READ_TOKENS share a token: ingest and read tokens must differ");
      }
    }
    return [table, otherTable];
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new HttpError(500, `server misconfigured: ${error.message}`, {}, error);
    }
    throw error;
  }
}
