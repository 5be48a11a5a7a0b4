import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { readCsvRows } from "@driftline/collector/baseline";

/** How far a CSV file has been read. */
export type CsvProgress = {
  /** Records read, header included. */
  rows: number;
  /** Bytes of the file read. */
  bytes: number;
  /** The file's size. */
  totalBytes: number;
};

/** Chunks read from the file at a time: large enough to amortize the per-chunk work. */
const CHUNK_BYTES = 1 << 20;

/**
 * Streams a UTF-8 CSV file's records (a leading BOM is dropped), reporting progress after each
 * chunk. Memory: one chunk plus one record.
 */
export async function* readCsvFile(path: string, onProgress?: (progress: CsvProgress) => void): AsyncGenerator<string[]> {
  const totalBytes = (await stat(path)).size;
  const progress: CsvProgress = { rows: 0, bytes: 0, totalBytes };
  async function* text(): AsyncGenerator<string> {
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      const bytes = chunk as Buffer;
      progress.bytes += bytes.length;
      yield decoder.decode(bytes, { stream: true });
      onProgress?.(progress);
    }
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  }
  for await (const row of readCsvRows(text())) {
    progress.rows++;
    yield row;
  }
  onProgress?.(progress);
}
