import type { StreamState } from "@driftline/collector";

/** A stream's state as stored: JSON, with its 64-bit nanosecond timestamps as decimal strings. */
export function serializeStreamState(state: StreamState): string {
  return JSON.stringify({ ...state, startTimeUnixNano: String(state.startTimeUnixNano), timeUnixNano: String(state.timeUnixNano) });
}

/** The inverse of serializeStreamState. */
export function parseStreamState(text: string): StreamState {
  const raw = JSON.parse(text) as Omit<StreamState, "startTimeUnixNano" | "timeUnixNano"> & { startTimeUnixNano: string; timeUnixNano: string };
  return { ...raw, startTimeUnixNano: BigInt(raw.startTimeUnixNano), timeUnixNano: BigInt(raw.timeUnixNano) };
}
