/**
 * The windows a windowed value may cover: DESIGN.md's fixed `window` label values, each with its
 * length in minutes (minute buckets are the unit every read is made of). A windowed value at
 * time t covers (t − window, t]. Drift, accuracy, the query API's `window` label, /metrics,
 * alert rules and the dashboards' `$window` variable all read this table: a new window is one
 * line here.
 */
export const WINDOW_MINUTES = { "5m": 5, "1h": 60, "1d": 1440, "7d": 10080 } as const;

/** A window's name, the `window` label value: one of {@link WINDOW_MINUTES}' keys. */
export type WindowName = keyof typeof WINDOW_MINUTES;

/** The window names, shortest first (the order lists and error messages show them in). */
export const WINDOW_NAMES: readonly WindowName[] = (Object.keys(WINDOW_MINUTES) as WindowName[]).sort((a, b) => WINDOW_MINUTES[a] - WINDOW_MINUTES[b]);

/** The longest window, in minutes: how far past its last minute a series can still have a windowed value. */
export const LONGEST_WINDOW_MINUTES: number = Math.max(...Object.values(WINDOW_MINUTES));

/** True when `name` is a window of the vocabulary (a user's `window` parameter, a label value). */
export function isWindowName(name: string): name is WindowName {
  return Object.hasOwn(WINDOW_MINUTES, name);
}

/** The window whose length is `minutes`, or undefined when the vocabulary has none that long. */
export function windowOfMinutes(minutes: number): WindowName | undefined {
  return WINDOW_NAMES.find((name) => WINDOW_MINUTES[name] === minutes);
}
