import { Hono } from "hono";
import { decodeOtlp } from "@driftline/collector/otlp";
import { requireToken } from "../../src/auth/require-token.ts";
import { handleError } from "../../src/http/on-error.ts";
import { otlpRoutes } from "../../src/otlp/otlp-routes.ts";
import type { AppEnv } from "../../src/http/app-env.ts";
import type { OtlpRouteDeps } from "../../src/otlp/otlp-routes.ts";

/**
 * The Worker's front door wired as in worker/src/index.ts, but with `ingest` supplied by the
 * test (the seam for rejections and storage failures), plus a read route that echoes the tenant.
 */
export function frontDoorWith(ingest: OtlpRouteDeps["ingest"]): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/api/*", requireToken("read"));
  app.get("/api/tenant", (c) => c.json({ tenant: c.get("tenant") }));
  app.route("/v1", otlpRoutes({ decode: decodeOtlp, ingest }));
  app.onError(handleError);
  return app;
}
