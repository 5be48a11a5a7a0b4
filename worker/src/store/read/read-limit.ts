/**
 * A store read refused because it would exceed a limit (MAX_SKETCH_MERGES, MAX_POINTS_PER_SERIES).
 * The store's RPC methods return it as `{ refused }` rather than throwing, as putBaseline does,
 * so the Worker can answer Prometheus' 422 `execution` error with the message.
 */
export class ReadLimitError extends Error {}

/** What a query RPC returns instead of data when a limit refused the read. */
export type ReadRefusal = { refused: string };

/** Runs a read, turning a {@link ReadLimitError} into a {@link ReadRefusal}; anything else propagates. */
export function refusingLimits<T>(read: () => T): T | ReadRefusal {
  try {
    return read();
  } catch (error) {
    if (error instanceof ReadLimitError) return { refused: error.message };
    throw error;
  }
}
