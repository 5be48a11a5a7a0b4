/**
 * What the Worker and its Durable Objects are given. The bindings come from wrangler.toml
 * through `npm run types` (`wrangler types` writes worker-configuration.d.ts; rerun it after
 * changing wrangler.toml). The vars and secrets below are optional and set per deployment
 * (`wrangler secret put`, `.dev.vars`), so wrangler.toml does not list them and `wrangler types`
 * cannot see them; config.ts parses every one of them.
 */
export type Env = Cloudflare.Env & {
  /** Ingest tokens, `tenant:token` pairs separated by commas (a Worker secret; docs/auth.md). */
  INGEST_TOKENS?: string;
  /** Read tokens for the query API and /metrics, same format as INGEST_TOKENS. */
  READ_TOKENS?: string;
  /** Largest request body accepted as sent (compressed), in bytes; default 4 MiB (docs/limits.md). */
  MAX_BODY_BYTES?: string;
  /** Largest request body accepted after gzip/deflate inflation, in bytes; default 16 MiB. */
  MAX_DECOMPRESSED_BYTES?: string;
  /** Shortest alert evaluation interval a rule may set, in seconds; default 60 (docs/alerts.md). Tests lower it. */
  ALERT_MIN_INTERVAL_SECONDS?: string;
};
