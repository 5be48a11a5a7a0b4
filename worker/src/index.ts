import { Hono } from "hono";
import { decodeOtlp } from "@driftline/collector/otlp";
import { accuracyApi } from "./api/accuracy.ts";
import { batchesApi } from "./api/batches.ts";
import { baselineCsvApi } from "./api/baseline-csv.ts";
import { baselinesApi } from "./api/baselines.ts";
import { alertsApi } from "./api/alerts.ts";
import { ruleFilesApi } from "./api/rule-files.ts";
import { driftApi } from "./api/drift.ts";
import { driftSettingsApi } from "./api/drift-settings.ts";
import { compareApi } from "./api/compare.ts";
import { modelsApi } from "./api/models.ts";
import { requireToken } from "./auth/require-token.ts";
import { lingeringClose } from "./http/lingering-close.ts";
import { handleError, handleNotFound } from "./http/on-error.ts";
import { ingestRequest } from "./otlp/ingest.ts";
import { otlpRoutes } from "./otlp/otlp-routes.ts";
import { metricsApi } from "./query/metrics.ts";
import { queryApi } from "./query/routes.ts";
import type { AppEnv } from "./http/app-env.ts";

// The entry point exports the Durable Object classes so that workerd can instantiate them; the
// one value import of store/ outside store/.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
export { ModelStore } from "./store/model-store.ts";
export { TenantDirectory } from "./tenant-directory.ts";

const app = new Hono<AppEnv>();

// First, so that it wraps every answer, the sub-apps' included (lingering-close.ts says why).
app.use("*", lingeringClose);

/** Liveness: the only route without a token. */
app.get("/healthz", (c) => c.json({ status: "ok" }));

// Every read route (query API, /api/models, /metrics) sits under these two prefixes, so a
// route mounted there later cannot forget its token check.
// PUT and DELETE under /api/ (baselines, alert rules) change stored data, so they take an ingest
// token; every other method reads with a read token (POST too: Grafana POSTs /api/v1/query).
const readToken = requireToken("read");
const ingestToken = requireToken("ingest");
app.use("/api/*", (c, next) => (c.req.method === "PUT" || c.req.method === "DELETE" ? ingestToken(c, next) : readToken(c, next)));
app.use("/metrics", requireToken("read"));

app.route("/api/models", modelsApi);
app.route("/api/models", baselinesApi);
app.route("/api/models", baselineCsvApi);
app.route("/api/models", driftApi);
app.route("/api/models", driftSettingsApi);
app.route("/api/models", accuracyApi);
app.route("/api/models", batchesApi);
app.route("/api/models", compareApi);
app.route("/api/models", alertsApi);
app.route("/api/rules", ruleFilesApi);
app.route("/api/v1", queryApi);
app.route("/metrics", metricsApi);
app.route("/v1", otlpRoutes({ decode: decodeOtlp, ingest: ingestRequest }));

app.onError(handleError);
app.notFound(handleNotFound);

export default app;
