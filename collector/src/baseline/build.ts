/**
 * Baseline builders shared by every producer of baselines (the Node SDK, its CLI and the
 * Worker's CSV route), so that the same training data gives byte-equal sketches wherever it is
 * sketched: a TDigest per numeric column and CategoricalCounts per string or boolean column, at
 * the collector's default compression and caps (docs/baselines.md has the rules).
 */
import { DEFAULT_LIMITS } from "../fold/limits.ts";
import { ColumnAccumulator } from "./column.ts";
import type { BaselineColumn } from "./column.ts";

/** One training row: column name → number, string, boolean, or null/undefined for missing. */
export type BaselineRow = Readonly<Record<string, unknown>>;

/** How to read the columns. */
export type BaselineOptions = {
  /** The column holding the model's prediction (numbers: prediction_value; else prediction_label). */
  prediction?: string;
  /** The column holding a classifier's score for its predicted label (numbers): the baseline is then "label with score". */
  score?: string;
  /** The ground-truth column: left out of the features (it is no input of the model), kept as the target's sketch (target drift). */
  target?: string;
  /** Columns to leave out (ids, timestamps). */
  exclude?: readonly string[];
  /** Columns read as categories even when every cell is a number (zip codes, numeric codes). */
  categorical?: readonly string[];
};

/** What a baseline's prediction is, as traffic must send it (docs/semantic-conventions.md). */
export type PredictionKind = "value" | "label" | "label_with_score";

/** The sketches of a training set, as the collector would have built them from the same values. */
export type Baseline = {
  /** Rows read. */
  rows: number;
  /** One sketch per feature column that held at least one value. */
  features: Map<string, BaselineColumn>;
  /** The prediction column's sketch, when `prediction` named one. */
  prediction?: BaselineColumn;
  /** The score column's sketch, when `score` named one (always numeric). */
  score?: BaselineColumn;
  /** The target column's sketch, when `target` named one: what `ml.actual.value` (numbers) or `ml.actual.label` drift against. */
  target?: BaselineColumn;
  /** Values dropped because they were longer than maxValueLength (the collector drops them too). */
  rejectedValues: number;
  /** What the builder did on its own, for the user to know (an index column skipped). */
  notices: string[];
  /** What looks wrong but was kept (an id-like column, an undeclared target). */
  warnings: string[];
};

/** Bad input to a baseline builder: the message names the column or line and the limit. */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

/** Column names that usually hold the ground truth; kept as a feature only with a warning. */
const TARGET_NAMES = new Set(["target", "label", "labels", "y", "class", "outcome", "actual", "ground_truth", "truth"]);

/** The prediction kind a baseline records: from its prediction sketch's type and whether it has a score. */
export function predictionKindOf(baseline: Pick<Baseline, "prediction" | "score">): PredictionKind | undefined {
  if (baseline.prediction === undefined) return undefined;
  if (baseline.prediction.type === "numeric") return "value";
  return baseline.score === undefined ? "label" : "label_with_score";
}

/**
 * Builds a baseline from CSV records (header first, as `readCsvRows` yields them). `source`
 * names the input in messages (a path, "part 2"). Memory: one accumulator per column.
 */
export class CsvBaselineBuilder {
  private readonly options: BaselineOptions;
  private readonly source: string;
  private header: string[] | undefined;
  private columns: (ColumnAccumulator | null)[] = [];
  private rows = 0;
  private readonly notices: string[] = [];

  constructor(options: BaselineOptions, source: string) {
    this.options = options;
    this.source = source;
  }

  /** Adds one CSV record: the first is the header. Throws BaselineError. */
  addRecord(cells: string[]): void {
    if (this.header === undefined) {
      this.readHeader(cells);
      return;
    }
    if (cells.length !== this.header.length) {
      throw new BaselineError(`${this.source}: record ${this.rows + 2} has ${cells.length} fields, the header has ${this.header.length} (RFC 4180: every record has the header's field count)`);
    }
    const columns = this.columns;
    for (let i = 0; i < cells.length; i++) columns[i]?.addCell(cells[i]);
    this.rows++;
  }

  /** The baseline; throws BaselineError for an empty input. */
  finish(): Baseline {
    if (this.header === undefined) throw new BaselineError(`${this.source}: empty file, expected a header row and data rows`);
    return finishColumns(this.columns.filter((c): c is ColumnAccumulator => c !== null), this.rows, this.options, this.notices);
  }

  private readHeader(cells: string[]): void {
    const header = cells;
    this.header = header;
    const seen = new Set<string>();
    let skipIndex = false;
    for (const [i, name] of header.entries()) {
      if (name === "" && i === 0 && header.length > 1) {
        // pandas' DataFrame.to_csv() writes the index as an unnamed first column.
        skipIndex = true;
        this.notices.push(`${this.source}: column 1 has no name; read as the index pandas writes (to_csv without index=False) and skipped`);
        continue;
      }
      if (name === "") throw new BaselineError(`${this.source}: header column ${i + 1} has no name`);
      if (seen.has(name)) throw new BaselineError(`${this.source}: header names column ${JSON.stringify(name)} twice`);
      seen.add(name);
    }
    const options = this.options;
    for (const [option, names] of namedColumns(options)) {
      for (const name of names) {
        if (!seen.has(name)) throw new BaselineError(`${this.source}: ${option} names column ${JSON.stringify(name)}, which the header does not have (columns: ${[...seen].join(", ")})`);
      }
    }
    checkColumnNames([...seen].filter((name) => isFeature(name, options)));
    this.columns = header.map((name, i) => {
      if ((skipIndex && i === 0) || options.exclude?.includes(name)) return null;
      return new ColumnAccumulator(name, options.categorical?.includes(name));
    });
  }
}

/** Builds a baseline from rows in memory: columns appear as they are met; a column absent from a row is missing there. */
export class RowsBaselineBuilder {
  private readonly columns = new Map<string, ColumnAccumulator>();
  private readonly options: BaselineOptions;
  private rows = 0;

  constructor(options: BaselineOptions) {
    this.options = options;
  }

  /** Adds one row. Throws BaselineError or TypeError (a value of an unsupported type). */
  addRow(row: BaselineRow): void {
    for (const name in row) {
      if (this.options.exclude?.includes(name)) continue;
      let column = this.columns.get(name);
      if (column === undefined) {
        if (isFeature(name, this.options)) checkColumnNames([...this.featureNames(), name]);
        column = new ColumnAccumulator(name, this.options.categorical?.includes(name));
        // Rows before this one lacked the column: missing there.
        for (let i = 0; i < this.rows; i++) column.addValue(undefined);
        this.columns.set(name, column);
      }
      column.addValue(row[name]);
    }
    this.rows++;
    for (const column of this.columns.values()) {
      if (!(column.name in row)) column.addValue(undefined);
    }
  }

  /** The baseline. */
  finish(): Baseline {
    for (const [option, name] of [["prediction", this.options.prediction], ["score", this.options.score], ["target", this.options.target]] as const) {
      if (name !== undefined && !this.columns.has(name)) throw new BaselineError(`${option} names column ${JSON.stringify(name)}, which no row has`);
    }
    return finishColumns([...this.columns.values()], this.rows, this.options, []);
  }

  private featureNames(): string[] {
    return [...this.columns.keys()].filter((name) => isFeature(name, this.options));
  }
}

function namedColumns(options: BaselineOptions): [string, readonly string[]][] {
  const one = (name: string | undefined) => (name === undefined ? [] : [name]);
  return [
    ["prediction", one(options.prediction)],
    ["score", one(options.score)],
    ["target", one(options.target)],
    ["exclude", options.exclude ?? []],
    ["categorical", options.categorical ?? []],
  ];
}

function isFeature(name: string, options: BaselineOptions): boolean {
  return name !== options.prediction && name !== options.score && name !== options.target && !(options.exclude?.includes(name) ?? false);
}

function finishColumns(columns: readonly ColumnAccumulator[], rows: number, options: BaselineOptions, notices: string[]): Baseline {
  const baseline: Baseline = { rows, features: new Map(), rejectedValues: 0, notices, warnings: [] };
  for (const column of columns) {
    baseline.rejectedValues += column.rejected;
    const idLike = column.looksLikeId(rows);
    const sketch = column.finish();
    if (column.name === options.prediction) {
      baseline.prediction = sketch;
      continue;
    }
    if (column.name === options.score) {
      if (sketch !== undefined && sketch.type !== "numeric") throw new BaselineError(`score column ${JSON.stringify(column.name)} must hold numbers (a classifier's score for its label)`);
      baseline.score = sketch;
      continue;
    }
    if (column.name === options.target) {
      // Target drift compares ml.actual.value / ml.actual.label with it (docs/baselines.md, "Target").
      baseline.target = sketch;
      continue;
    }
    if (sketch === undefined) continue;
    baseline.features.set(column.name, sketch);
    if (idLike) baseline.warnings.push(`column ${JSON.stringify(column.name)} has a different value on every row (an id?): as a feature it always drifts; exclude it (--exclude ${column.name}) unless the model reads it`);
    if (TARGET_NAMES.has(column.name.toLowerCase()) && options.target === undefined) {
      baseline.warnings.push(`column ${JSON.stringify(column.name)} looks like the target (ground truth): declare it (--target ${column.name}) or exclude it, else it is compared as a feature`);
    }
  }
  if (baseline.score !== undefined && baseline.prediction?.type !== "categorical") {
    throw new BaselineError("score needs a prediction column of labels (strings or booleans): a score is the classifier's confidence in its label");
  }
  return baseline;
}

function checkColumnNames(names: readonly string[]): void {
  if (names.length > DEFAULT_LIMITS.maxFeaturesPerModel) {
    throw new BaselineError(`${names.length} feature columns, more than maxFeaturesPerModel (${DEFAULT_LIMITS.maxFeaturesPerModel}); exclude some`);
  }
  for (const name of names) {
    if (name.length > DEFAULT_LIMITS.maxNameLength) {
      throw new BaselineError(`column name ${JSON.stringify(name.slice(0, 40))}… is ${name.length} characters, more than maxNameLength (${DEFAULT_LIMITS.maxNameLength})`);
    }
    if (name.includes("\u0000")) throw new BaselineError(`column name ${JSON.stringify(name)} contains NUL`);
  }
}
