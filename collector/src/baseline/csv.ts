/**
 * A streaming RFC 4180 CSV reader: string chunks in, rows of fields out, one chunk's rows at a
 * time, so a file of any size costs memory for one chunk and one row.
 *
 * Rules (RFC 4180 §2, plus what spreadsheets write): fields are separated by `,`; records end at
 * CRLF, LF or a lone CR; a field that starts with `"` is quoted and may contain `,`, line breaks
 * and `""` (one literal quote); after a closing quote only `,` or a line break may follow. A quote
 * inside an unquoted field is kept literally (`5" screen`), as most writers produce it. Lines with
 * no characters at all are skipped (a trailing newline is not an empty record). An unterminated
 * quoted field is an error naming the line it started on.
 */

/** A CSV that cannot be read; the message names the line. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvError";
  }
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Where the reader is inside a record. */
const State = { fieldStart: 0, unquoted: 1, quoted: 2, quoteInQuoted: 3, afterQuoted: 4 } as const;
type State = (typeof State)[keyof typeof State];

/** Yields every record of the CSV text delivered as `chunks` (any split, even inside a CRLF or a `""`). */
export async function* readCsvRows(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string[]> {
  let state: State = State.fieldStart;
  let field = "";
  let row: string[] = [];
  let afterCR = false;
  // 1-based line of the current record's start and of the open quote, for error messages.
  let line = 1;
  let quoteLine = 1;
  for await (const chunk of chunks) {
    const rows: string[][] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (state === State.quoted) {
        const q = chunk.indexOf('"', i);
        const end = q === -1 ? n : q;
        const text = chunk.slice(i, end);
        field += text;
        line += countNewlines(text);
        if (q === -1) break;
        i = q + 1;
        state = State.quoteInQuoted;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (afterCR) {
        afterCR = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (state === State.quoteInQuoted) {
        if (c === QUOTE) {
          field += '"';
          state = State.quoted;
          i++;
          continue;
        }
        state = State.afterQuoted;
      }
      if (c === COMMA) {
        row.push(field);
        field = "";
        state = State.fieldStart;
        i++;
      } else if (c === LF || c === CR) {
        // A line with no characters at all is not a record.
        if (!(state === State.fieldStart && row.length === 0)) {
          row.push(field);
          rows.push(row);
        }
        row = [];
        field = "";
        state = State.fieldStart;
        afterCR = c === CR;
        line++;
        i++;
      } else if (state === State.afterQuoted) {
        throw new CsvError(`CSV line ${line}: unexpected ${JSON.stringify(chunk[i])} after a closing quote (RFC 4180: a quoted field ends at , or a line break; write "" for a literal quote)`);
      } else if (c === QUOTE && state === State.fieldStart) {
        state = State.quoted;
        quoteLine = line;
        i++;
      } else {
        let j = i + 1;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR) break;
          j++;
        }
        field += chunk.slice(i, j);
        state = State.unquoted;
        i = j;
      }
    }
    yield* rows;
  }
  if (state === State.quoted) throw new CsvError(`CSV line ${quoteLine}: quoted field never closed (missing the closing ")`);
  if (!(state === State.fieldStart && row.length === 0)) {
    row.push(field);
    yield row;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}
