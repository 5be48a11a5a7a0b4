/** Prometheus-style durations: one or more `<number><unit>` parts, units ms, s, m, h, d, w ("1h30m"). */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+)(ms|s|m|h|d|w)/y;

/** Milliseconds of a duration such as "90s", "5m" or "1h30m"; undefined when it does not parse. */
export function parseDurationMs(text: string): number | undefined {
  if (text === "0") return 0;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (match === null) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return text.length > 0 && Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest Prometheus duration for whole milliseconds ("1h30m", "45s", "0s"). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["w", "d", "h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
