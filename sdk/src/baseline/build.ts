import { BaselineError, CsvBaselineBuilder, RowsBaselineBuilder } from "@driftline/collector/baseline";
import type { Baseline, BaselineOptions, BaselineRow } from "@driftline/collector/baseline";
import { readCsvFile } from "./csv-file.ts";
import type { CsvProgress } from "./csv-file.ts";

export { BaselineError };
export type { Baseline, BaselineRow };

/** What `buildBaseline` reads: a CSV file's path, rows in memory, or rows as they stream in. */
export type BaselineSource = string | Iterable<BaselineRow> | AsyncIterable<BaselineRow>;

/** How to read the columns (`prediction`, `score`, `target`, `exclude`, `categorical`; docs/baselines.md). */
export type BuildBaselineOptions = BaselineOptions & {
  /** CSV only: called after each chunk read, for a progress bar. */
  onProgress?: (progress: CsvProgress) => void;
};

/**
 * Builds a baseline with the collector's builders (`@driftline/collector/baseline`), the same
 * code the Worker's CSV route runs, so a CSV gives byte-equal sketches here and there. Type
 * rules (docs/baselines.md): in memory a value's type is the type it arrives as; from CSV a
 * column whose every non-empty cell is a finite number is numeric, one of `true`/`True`/`TRUE`/
 * `false`/... boolean, else categorical; empty cells are missing.
 */
export async function buildBaseline(source: BaselineSource, options: BuildBaselineOptions = {}): Promise<Baseline> {
  if (typeof source === "string") {
    const builder = new CsvBaselineBuilder(options, source);
    for await (const cells of readCsvFile(source, options.onProgress)) builder.addRecord(cells);
    return builder.finish();
  }
  const builder = new RowsBaselineBuilder(options);
  if (Symbol.asyncIterator in source) {
    for await (const row of source) builder.addRow(row);
  } else {
    for (const row of source) builder.addRow(row);
  }
  return builder.finish();
}
