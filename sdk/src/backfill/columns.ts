import { isNumericCell } from "@driftline/collector/baseline";

/** How a CSV column's cells are sent: numbers, booleans or strings (docs/baselines.md's rule). */
export type CellType = "numeric" | "boolean" | "categorical";

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ["true", true],
  ["false", false],
]);

/**
 * Learns each column's type from every cell, the way `driftline baseline upload` does: numeric
 * when every non-empty cell is a number, boolean when every one is a True/False spelling (any
 * case), categorical otherwise. A backfill reads its file twice, once for this, so that a column
 * is sent with one type and its series never meets a type conflict halfway through the file.
 */
export class ColumnTypes {
  private readonly numeric: boolean[];
  private readonly boolean: boolean[];

  constructor(columns: number) {
    this.numeric = new Array<boolean>(columns).fill(true);
    this.boolean = new Array<boolean>(columns).fill(true);
  }

  /** Notes one row's cells. */
  add(row: readonly string[]): void {
    for (let i = 0; i < this.numeric.length; i++) {
      const cell = row[i] ?? "";
      if (cell === "") continue;
      if (this.numeric[i] && !isNumericCell(cell)) this.numeric[i] = false;
      if (this.boolean[i] && !BOOLEANS.has(cell.toLowerCase())) this.boolean[i] = false;
    }
  }

  /** The type of column `i` (a column with no value at all is numeric, as in a baseline). */
  typeOf(i: number): CellType {
    if (this.numeric[i]) return "numeric";
    return this.boolean[i] ? "boolean" : "categorical";
  }
}

/** An OTLP/JSON AnyValue for a non-empty cell of a column of `type`. */
export function cellValue(cell: string, type: CellType): { doubleValue: number } | { boolValue: boolean } | { stringValue: string } {
  if (type === "numeric") return { doubleValue: Number(cell) };
  if (type === "boolean") return { boolValue: BOOLEANS.get(cell.toLowerCase()) ?? false };
  return { stringValue: cell };
}

/**
 * A time cell as epoch milliseconds: an ISO 8601 time (with a zone, or read as UTC), or a number
 * of epoch seconds, milliseconds, microseconds or nanoseconds told apart by magnitude (seconds
 * below 10¹¹, i.e. before the year 5138; milliseconds below 10¹⁴; microseconds below 10¹⁷).
 * Undefined when the cell is none of these.
 */
export function timeMsOf(cell: string): number | undefined {
  const text = cell.trim();
  if (text === "") return undefined;
  if (isNumericCell(text)) {
    const n = Math.abs(Number(text));
    const scale = n < 1e11 ? 1000 : n < 1e14 ? 1 : n < 1e17 ? 1e-3 : 1e-6;
    return Number(text) * scale;
  }
  // A date-time without a zone is UTC here (Date.parse would read it as local time).
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) || /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(" ", "T")}Z` : text;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}
