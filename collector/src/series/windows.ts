/**
 * The windows a windowed read may ask for, in minutes: DESIGN.md's fixed `window` label values.
 * A windowed value at time t covers (t − window, t].
 */
export const DRIFT_WINDOWS = { "5m": 5, "1h": 60, "1d": 1440, "7d": 10080 } as const;
/** One of DRIFT_WINDOWS' names. */
export type DriftWindow = keyof typeof DRIFT_WINDOWS;
