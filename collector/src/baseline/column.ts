import { CategoricalCounts, OTHER_CATEGORY } from "../sketch/categorical-counts.ts";
import { TDigest } from "../sketch/tdigest.ts";
import { DEFAULT_LIMITS } from "../fold/limits.ts";

/** One column's sketch in a baseline: the sketch the collector keeps for a series of that type. */
export type BaselineColumn = { type: "numeric"; digest: TDigest } | { type: "categorical"; counts: CategoricalCounts };

/** A CSV cell that reads as a finite decimal number (no hex, no `Infinity`, no blanks inside). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * CSV spellings of a boolean and the category an OTLP bool of that value becomes. pandas writes
 * `True`/`False`, spreadsheets `TRUE`/`FALSE`, OpenTelemetry `true`/`false`: the same data must
 * give the same sketch (issue 15: PSI 17.45 instead of 0.002 when they differed).
 */
const BOOLEAN_CELLS: ReadonlyMap<string, string> = new Map([
  ["true", "true"],
  ["True", "true"],
  ["TRUE", "true"],
  ["false", "false"],
  ["False", "false"],
  ["FALSE", "false"],
]);

/** Rows a column needs before "a different value on every row" is worth a warning. */
const ID_LIKE_MIN_ROWS = 20;

/** True when a CSV cell is a number under docs/baselines.md's rule. */
export function isNumericCell(text: string): boolean {
  return DECIMAL.test(text) && Number.isFinite(Number(text));
}

/**
 * Accumulates one column, from typed values (rows in memory) or from CSV text, into exactly the
 * sketch the collector would build from the same values sent as features.
 *
 * From CSV the type is known only at the end (a column is numeric when every non-empty cell is a
 * number; boolean when every non-empty cell is a boolean spelling), so the sketches are fed until
 * a cell proves otherwise: the digest gets the numbers, the counts the cell texts (bounded by the
 * category cap). While the column may still be boolean the counts get the normalised `true`/`false`
 * and the raw spellings are kept aside (at most six); the first other text replays the raw
 * spellings in first-seen order, which is the order a one-pass build would have met them.
 * Missing values (empty cells, null, undefined, NaN, ±∞) go to the digest's missing count at
 * the end, as the collector counts NaN; categorical sketches have no missing count.
 */
export class ColumnAccumulator {
  /** Column name, for error messages. */
  readonly name: string;
  private digest: TDigest | null = null;
  private counts: CategoricalCounts | null = null;
  private missing = 0;
  /** CSV only: every non-empty cell so far was a number (false from the start when forced categorical). */
  private numericText: boolean;
  /** CSV only: every non-empty cell so far was a boolean spelling; `spellings` holds their raw counts. */
  private booleanText = true;
  private spellings: Map<string, number> | null = new Map();
  /** Values present; and, for the id-like warning: every numeric value an integer one above the last. */
  private present = 0;
  private lastNumber = Number.NaN;
  private increasingIntegers = true;
  /** Values dropped for exceeding maxValueLength, as the collector drops them. */
  rejected = 0;

  constructor(name: string, forceCategorical = false) {
    this.name = name;
    this.numericText = !forceCategorical;
  }

  /** Adds a value as it arrives in memory: a number is numeric, a string or bool categorical. */
  addValue(value: unknown): void {
    if (value === undefined || value === null) {
      this.missing++;
    } else if (typeof value === "number") {
      if (!this.numericText) this.addCategory(String(value));
      else if (Number.isFinite(value)) this.addNumber(value);
      else this.missing++;
      if (Number.isFinite(value) || !this.numericText) this.present++;
    } else if (typeof value === "string") {
      this.present++;
      this.addCategory(value);
    } else if (typeof value === "boolean") {
      this.present++;
      this.addCategory(value ? "true" : "false");
    } else {
      throw new TypeError(`column ${JSON.stringify(this.name)}: a value must be a number, string, boolean, null or undefined, got ${describe(value)}`);
    }
    if (this.digest !== null && this.counts !== null) {
      throw new TypeError(
        `column ${JSON.stringify(this.name)} holds both numbers and strings: the collector would keep two series; convert it to one type (or list it in \`categorical\`)`,
      );
    }
  }

  /** Adds a CSV cell: empty is missing; the column's type is settled by `finish`. */
  addCell(text: string): void {
    if (text === "") {
      this.missing++;
      return;
    }
    this.present++;
    if (this.numericText) {
      if (isNumericCell(text)) {
        // A number rules out a boolean column: the counts hold raw texts from here on.
        this.booleanText = false;
        this.addNumber(Number(text));
        this.addCategory(text);
        return;
      }
      this.numericText = false;
      this.digest = null;
    }
    if (this.booleanText) {
      const normal = BOOLEAN_CELLS.get(text);
      if (normal !== undefined) {
        this.spellings!.set(text, (this.spellings!.get(text) ?? 0) + 1);
        this.addCategory(normal);
        return;
      }
      this.leaveBoolean();
    }
    this.addCategory(text);
  }

  /** The column's sketch, or undefined when it held no value at all (its type is unknown). */
  finish(): BaselineColumn | undefined {
    if (this.numericText && this.digest !== null) {
      if (this.missing > 0) this.digest.add(Number.NaN, this.missing);
      return { type: "numeric", digest: this.digest };
    }
    if (this.counts !== null) return { type: "categorical", counts: this.counts };
    return undefined;
  }

  /** True when the column had a different value on every row (an id, a row number): a feature that always drifts. */
  looksLikeId(rows: number): boolean {
    if (rows < ID_LIKE_MIN_ROWS || this.present !== rows) return false;
    const sketch = this.finish();
    if (sketch?.type === "numeric") return this.increasingIntegers;
    if (sketch?.type !== "categorical") return false;
    // Under the category cap every row's value is its own category; past it, the admitted ones all count 1.
    let distinct = 0;
    for (const [category, count] of sketch.counts.entries()) {
      if (category === OTHER_CATEGORY) continue;
      if (count !== 1) return false;
      distinct++;
    }
    return distinct === Math.min(rows, DEFAULT_LIMITS.maxCategoriesPerSeries);
  }

  private addNumber(value: number): void {
    (this.digest ??= new TDigest()).add(value);
    if (this.increasingIntegers && !(Number.isInteger(value) && (Number.isNaN(this.lastNumber) || value === this.lastNumber + 1))) this.increasingIntegers = false;
    this.lastNumber = value;
  }

  /** A text that is no boolean arrived: replay the raw spellings seen so far, in first-seen order. */
  private leaveBoolean(): void {
    this.booleanText = false;
    const spellings = this.spellings;
    this.spellings = null;
    if (spellings === null || spellings.size === 0) return;
    // The counts held only the normalised `true`/`false`; a one-pass build over raw texts would
    // have met these spellings first, in this order.
    const raw = new CategoricalCounts(DEFAULT_LIMITS.maxCategoriesPerSeries);
    for (const [text, count] of spellings) raw.add(text, count);
    this.counts = raw;
  }

  private addCategory(text: string): void {
    if (text.length > DEFAULT_LIMITS.maxValueLength) {
      this.rejected++;
      return;
    }
    (this.counts ??= new CategoricalCounts(DEFAULT_LIMITS.maxCategoriesPerSeries)).add(text);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
  return typeof value;
}
