/**
 * Staleness markers, as Prometheus writes them when a scraped series disappears: a NaN with one
 * particular bit pattern (`value.StaleNaN`, 0x7ff0000000000002). A source may return them among a
 * series' samples (a Prometheus remote-write receiver would); the engine then answers as
 * Prometheus does: an instant selector whose latest sample in the lookback is a marker selects
 * nothing, and range selectors skip markers. Typed arrays keep the bit pattern; a plain JS array
 * or arithmetic turns it into an ordinary NaN.
 */
import type { SeriesData } from "./source.ts";

const scratch = new DataView(new ArrayBuffer(8));

/** Prometheus' stale marker, to be written into a Float64Array (a plain number may lose the bits). */
export const STALE_NAN_BITS = { high: 0x7ff00000, low: 0x00000002 } as const;

/** True if `value`, read from a typed array, is Prometheus' stale marker. */
export function isStaleMarker(value: number): boolean {
  if (value === value) return false;
  scratch.setFloat64(0, value);
  return scratch.getUint32(0) === STALE_NAN_BITS.high && scratch.getUint32(4) === STALE_NAN_BITS.low;
}

/** Writes a stale marker at `values[index]`. */
export function writeStaleMarker(values: Float64Array, index: number): void {
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  view.setUint32(index * 8 + (littleEndian ? 4 : 0), STALE_NAN_BITS.high, littleEndian);
  view.setUint32(index * 8 + (littleEndian ? 0 : 4), STALE_NAN_BITS.low, littleEndian);
}

/** A series with its stale markers taken out: `staleMs` holds their times, ascending. */
export type StoredSeries = SeriesData & { staleMs?: Float64Array };

/** Takes the stale markers out of a series (the same object when it has none). O(n), no copy without NaN. */
export function withoutStaleMarkers(series: SeriesData): StoredSeries {
  const { timestamps, values } = series;
  let markers = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i] && isStaleMarker(values[i])) markers++;
  if (markers === 0) return series;
  const keptT = new Float64Array(values.length - markers);
  const keptV = new Float64Array(values.length - markers);
  const staleMs = new Float64Array(markers);
  let k = 0;
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i] && isStaleMarker(values[i])) staleMs[m++] = timestamps[i];
    else {
      keptT[k] = timestamps[i];
      keptV[k++] = values[i];
    }
  }
  return { labels: series.labels, timestamps: keptT, values: keptV, staleMs };
}
