/**
 * The shapes of the JSON APIs the console reads (docs/query-api.md, docs/baselines.md,
 * docs/alerts.md, docs/accuracy.md), only the fields it uses. Kept here rather than imported
 * from worker/: the console is built for the browser and must not pull Worker types in.
 */

/** GET /api/models */
export type ModelList = { models: { model: string; versions: string[]; predictions: number; series: number; firstSeen: string | null; lastSeen: string | null }[] };

/** GET /api/models/:model */
export type ModelSummary = {
  model: string;
  versions: { version: string; predictions: number; errors: number; actuals: number; firstSeen: string; lastSeen: string }[];
  series: { kind: string; version: string; name: string; segment: string; total: number }[];
  lastSeen: string | null;
};

/** A drift status as the APIs spell it. */
export type DriftStatus = "ok" | "warn" | "alert" | "no_data";

/** One category of GET /api/models/:model/drift?feature=<name> (docs/query-api.md). */
export type CategoryCount = { category: string; baseline: number; current: number };

/** One series of GET /api/models/:model/drift. */
export type SeriesDrift = {
  name: string;
  type: "numeric" | "categorical";
  baselineCount: number;
  currentCount: number;
  status: DriftStatus;
  methods: { method: string; value: number | null; pValue?: number | null; warn: number; alert: number; status: DriftStatus; thresholdsApplyTo: "value" | "pValue" }[];
  categories?: CategoryCount[];
};

/** GET /api/models/:model/drift */
export type DriftReport = { model: string; version: string; window: string; from: string; to: string; status: DriftStatus; features: SeriesDrift[]; prediction: SeriesDrift | null; score?: SeriesDrift | null; target?: SeriesDrift | null };

/** GET /api/models/:model/compare */
export type CompareReport = {
  model: string;
  window: string;
  versions: {
    version: string;
    predictions: number;
    predictionsPerSecond: number;
    errors: number;
    errorRatio: number | null;
    latencySeconds: { p50: number; p90: number; p99: number } | null;
    drift: { status: DriftStatus; features: Record<string, DriftStatus>; prediction: DriftStatus | null } | null;
    accuracy: Record<string, number> | null;
  }[];
};

/** One rule of GET /api/models/:model/alerts. */
export type RuleView = {
  name: string;
  rule: { kind: string; expr?: string; version?: string; feature?: string; method?: string; metric?: string; window?: string; threshold?: number; for?: string; receivers?: { type: string }[] };
  query: string;
  state: { status: string; value: number | null; health: string; lastError?: string | null; lastEvaluationMs: number | null; firingSinceMs?: number | null };
};

/** One entry of GET /api/models/:model/alerts/:name/deliveries. */
export type DeliveryView = { delivery: number; receiverType: string; event: string; attempt: number; at: string; outcome: string; httpStatus: number | null; error: string | null };

/** GET /api/v1/alerts (Prometheus' shape). */
export type PromAlerts = { status: string; data: { alerts: { labels: Record<string, string>; state: string }[] } };
