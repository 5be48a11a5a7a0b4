/**
 * Series colours: Okabe–Ito's colour-blind-safe set, darkened where needed so each has at
 * least 3:1 contrast against the white chart background (WCAG 1.4.11, non-text contrast).
 */
export const PALETTE = ["#0b6bcb", "#c2410c", "#047857", "#7e22ce", "#b45309", "#be185d", "#0e7490", "#4d5562"] as const;

/** The colour of the i-th series. */
export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** Status colours, paired with a text label everywhere (colour is never the only cue). */
export const STATUS_COLORS = { ok: "#047857", warn: "#b45309", alert: "#b91c1c", no_data: "#4d5562" } as const;
