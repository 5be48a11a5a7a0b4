/**
 * Drift method names and which sketch type each applies to (docs/drift.md). The names are stable:
 * they are the `method` label of `driftline_feature_drift` and `driftline_prediction_drift`, the
 * keys of per-model threshold settings, the `method` of alert rules and the dashboards' `$method`
 * values. The functions that compute them live in `../drift/`; a method listed here must have
 * one there (numericDrift and categoricalDrift switch exhaustively over these lists).
 */
export const DriftMethod = {
  /** Population Stability Index. */
  psi: "psi",
  /** Two-sample Kolmogorov–Smirnov test (D and asymptotic p-value). */
  ks: "ks",
  /** Jensen–Shannon distance, natural log (scipy's `jensenshannon`). */
  js: "js",
  /** Wasserstein-1 distance divided by the baseline's standard deviation. */
  wasserstein: "wasserstein",
  /** Hellinger distance. */
  hellinger: "hellinger",
  /** Pearson's chi-squared test of the current counts against the baseline's proportions. */
  chisquare: "chisquare",
} as const;
/** One of the {@link DriftMethod} values. */
export type DriftMethod = (typeof DriftMethod)[keyof typeof DriftMethod];

/** The methods of numeric series (t-digests), in the order numericDrift reports them. */
export const NUMERIC_DRIFT_METHODS = ["psi", "ks", "js", "wasserstein", "hellinger"] as const satisfies readonly DriftMethod[];
/** One of {@link NUMERIC_DRIFT_METHODS}. */
export type NumericDriftMethod = (typeof NUMERIC_DRIFT_METHODS)[number];

/** The methods of categorical series (capped counts), in the order categoricalDrift reports them. */
export const CATEGORICAL_DRIFT_METHODS = ["psi", "js", "chisquare"] as const satisfies readonly DriftMethod[];
/** One of {@link CATEGORICAL_DRIFT_METHODS}. */
export type CategoricalDriftMethod = (typeof CATEGORICAL_DRIFT_METHODS)[number];

/** The drift methods of each sketch type that drift applies to (counters have none). */
export const DRIFT_METHODS_OF: { readonly digest: readonly NumericDriftMethod[]; readonly counts: readonly CategoricalDriftMethod[] } = {
  digest: NUMERIC_DRIFT_METHODS,
  counts: CATEGORICAL_DRIFT_METHODS,
};

/** Every drift method, each once, numeric ones first: what a rule or the `$method` variable may name. */
export const DRIFT_METHODS: readonly DriftMethod[] = [...new Set<DriftMethod>([...NUMERIC_DRIFT_METHODS, ...CATEGORICAL_DRIFT_METHODS])];

/** True when `name` is a drift method of the vocabulary. */
export function isDriftMethod(name: string): name is DriftMethod {
  return (DRIFT_METHODS as readonly string[]).includes(name);
}
