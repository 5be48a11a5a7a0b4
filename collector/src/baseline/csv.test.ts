import { describe, expect, it } from "vitest";
import { CsvError, readCsvRows } from "./csv.ts";

async function rows(...chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const row of readCsvRows(chunks)) out.push(row);
  return out;
}

/** Every way to cut `text` into two chunks gives the same rows as the whole text. */
async function rowsAtEverySplit(text: string): Promise<string[][]> {
  const whole = await rows(text);
  for (let i = 1; i < text.length; i++) expect(await rows(text.slice(0, i), text.slice(i)), `split at ${i}`).toEqual(whole);
  return whole;
}

describe("readCsvRows (RFC 4180)", () => {
  it("reads quoted fields holding commas, line breaks and doubled quotes, at any chunk split", async () => {
    const text = 'a,b,c\r\n"x, y","line1\r\nline2","say ""hi"""\r\n1,,3\n';
    expect(await rowsAtEverySplit(text)).toEqual([
      ["a", "b", "c"],
      ["x, y", "line1\r\nline2", 'say "hi"'],
      ["1", "", "3"],
    ]);
  });

  it("ends records at LF, CRLF or a lone CR and skips blank lines", async () => {
    expect(await rowsAtEverySplit("a,b\n1,2\r3,4\r\n\n5,6")).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4"],
      ["5", "6"],
    ]);
  });

  it("keeps an empty quoted field and a trailing empty field", async () => {
    expect(await rows('"",x,\n')).toEqual([["", "x", ""]]);
  });

  it("keeps a quote inside an unquoted field literally", async () => {
    expect(await rows('size\n5" screen\n')).toEqual([["size"], ['5" screen']]);
  });

  it("rejects a quoted field that is never closed, naming the line it opened on", async () => {
    await expect(rows('a\n1\n"open\nstill open')).rejects.toThrow(new CsvError('CSV line 3: quoted field never closed (missing the closing ")'));
  });

  it("rejects text after a closing quote, naming the line", async () => {
    await expect(rows('a,b\n"x"y,2\n')).rejects.toThrow(/CSV line 2: unexpected "y" after a closing quote/);
  });
});
