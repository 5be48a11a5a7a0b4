/**
 * Number, duration and string literals, read as Prometheus reads them (Go's strconv rules for
 * strings; durations with y, w, d, h, m, s, ms units).
 */

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds of a duration such as "1h30m", or undefined if the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (text === "") return undefined;
  const m = DURATION.exec(text);
  if (m === null) return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[i];
  return ms;
}

/** The value of a number literal (decimal, hex, Inf, NaN, or a duration read as seconds), or undefined. */
export function parseNumber(text: string): number | undefined {
  let sign = 1;
  let body = text;
  if (body.startsWith("-") || body.startsWith("+")) {
    if (body[0] === "-") sign = -1;
    // lezer reads `- 1` (space after the sign) as one signed literal.
    body = body.slice(1).trimStart();
  }
  const lower = body.toLowerCase();
  if (lower === "inf") return sign * Infinity;
  if (lower === "nan") return NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return sign * parseInt(lower.slice(2), 16);
  const duration = parseDurationMs(body);
  if (duration !== undefined && /[a-z]/.test(body)) return (sign * duration) / 1000;
  const plain = body.replace(/_/g, "");
  if (!/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(plain)) return undefined;
  return sign * Number(plain);
}

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"' };

/**
 * The value of a quoted string literal: "double" and 'single' with Go escapes, `raw` without.
 * Throws an Error naming the problem (the parser turns it into a positioned parse error).
 */
export function unquote(text: string): string {
  const quote = text[0];
  if (text.length < 2 || text[text.length - 1] !== quote) throw new Error("unterminated quoted string");
  const body = text.slice(1, -1);
  if (quote === "`") return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === "x" || e === "u" || e === "U") {
      const width = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new Error(`invalid escape sequence \\${e}${hex}`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else if (e !== undefined && e >= "0" && e <= "7") {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error(`invalid escape sequence \\${oct}`);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw new Error(`unknown escape sequence \\${e ?? ""}`);
    }
  }
  return out;
}
