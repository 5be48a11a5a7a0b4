/**
 * `@driftline/collector/baseline`: the CSV reader and the baseline builders every producer of
 * baselines shares (the Node SDK and CLI, the Worker's CSV route), so one CSV gives byte-equal
 * sketches wherever it is read (docs/baselines.md).
 */
export { BaselineError, CsvBaselineBuilder, RowsBaselineBuilder, predictionKindOf } from "./build.ts";
export type { Baseline, BaselineOptions, BaselineRow, PredictionKind } from "./build.ts";
export { ColumnAccumulator, isNumericCell } from "./column.ts";
export type { BaselineColumn } from "./column.ts";
export { CsvError, readCsvRows } from "./csv.ts";
export { baselineEntries, columnBytes } from "./entries.ts";
export type { BaselineSketchEntry } from "./entries.ts";
export { buildBaselineFromCsv } from "./from-csv.ts";
