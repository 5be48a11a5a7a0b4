import { CsvBaselineBuilder } from "./build.ts";
import type { Baseline, BaselineOptions } from "./build.ts";
import { readCsvRows } from "./csv.ts";

/**
 * Builds a baseline from CSV text delivered in chunks (any split). `source` names the input in
 * error messages. Memory: one chunk, one record and one accumulator per column.
 */
export async function buildBaselineFromCsv(chunks: AsyncIterable<string> | Iterable<string>, options: BaselineOptions, source: string): Promise<Baseline> {
  const builder = new CsvBaselineBuilder(options, source);
  for await (const cells of readCsvRows(chunks)) builder.addRecord(cells);
  return builder.finish();
}
