/**
 * The scalars and one-line flow collections of the YAML subset (yaml-subset.ts): quoted strings
 * with YAML's escapes, plain scalars, `[a, b]` and `{a: b}`, and the refusals of what the subset
 * does not read (anchors, aliases, tags).
 */

/** A YAML error with its 1-based line. */
export class YamlError extends Error {
  override readonly name = "YamlError";
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/** What the reader returns: strings, nulls, arrays and plain objects. */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

/** Refuses a value the subset does not read, naming it. */
export function refuseUnsupported(text: string, line: number): void {
  if (/^[&*!]/.test(text)) throw new YamlError(line, `${text[0] === "!" ? "tags" : "anchors and aliases"} are not supported (${JSON.stringify(text.split(/\s/)[0])})`);
  if (/^[@`%]/.test(text)) throw new YamlError(line, `a plain value may not start with ${JSON.stringify(text[0])}: quote it`);
}

/** A plain scalar's value: its text, or null for `~` and `null`. */
export function plainScalar(text: string): string | null {
  return text === "~" || text === "null" || text === "Null" || text === "NULL" ? null : text;
}

const ESCAPES: Record<string, string> = { "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029" };

/** A quoted scalar at the start of `text` (one line), and where it ends. */
export function quoted(text: string, line: number): { value: string; end: number } {
  const q = text[0];
  let out = "";
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (q === "'" && c === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return { value: out, end: i + 1 };
    }
    if (q === '"' && c === '"') return { value: out, end: i + 1 };
    if (q === '"' && c === "\\") {
      const e = text[++i];
      const hex = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
      if (hex > 0) {
        const digits = text.slice(i + 1, i + 1 + hex);
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) throw new YamlError(line, `bad escape \\${e}${digits}`);
        out += String.fromCodePoint(parseInt(digits, 16));
        i += hex;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) out += ESCAPES[e];
      else throw new YamlError(line, `unknown escape \\${e ?? ""} in a double-quoted string`);
      continue;
    }
    out += c;
  }
  throw new YamlError(line, "a quoted string that does not end on its line (write it on one line, or use a block scalar |)");
}

/** A one-line flow collection: `[a, "b"]`, `{k: v}`, nested. */
export class Flow {
  private i = 0;
  private readonly text: string;
  private readonly line: number;
  constructor(text: string, line: number) {
    this.text = text;
    this.line = line;
  }

  value(): YamlValue {
    this.space();
    const c = this.text[this.i];
    if (c === "[") {
      this.i++;
      const out: YamlValue[] = [];
      for (this.space(); this.text[this.i] !== "]"; this.space()) {
        out.push(this.value());
        this.space();
        if (this.text[this.i] === ",") this.i++;
        else if (this.text[this.i] !== "]") throw new YamlError(this.line, "expected , or ] in a flow sequence");
      }
      this.i++;
      return out;
    }
    if (c === "{") {
      this.i++;
      const out: { [key: string]: YamlValue } = {};
      for (this.space(); this.text[this.i] !== "}"; this.space()) {
        const key = this.scalar(true) ?? "";
        this.space();
        if (this.text[this.i] !== ":") throw new YamlError(this.line, "expected : in a flow mapping");
        this.i++;
        if (Object.hasOwn(out, key)) throw new YamlError(this.line, `mapping key ${JSON.stringify(key)} already defined`);
        out[key] = this.value();
        this.space();
        if (this.text[this.i] === ",") this.i++;
        else if (this.text[this.i] !== "}") throw new YamlError(this.line, "expected , or } in a flow mapping");
      }
      this.i++;
      return out;
    }
    return this.scalar(false);
  }

  end(): void {
    this.space();
    if (this.i < this.text.length) throw new YamlError(this.line, `unexpected ${JSON.stringify(this.text.slice(this.i))} after a flow collection (flow collections must fit on one line)`);
  }

  private scalar(isKey: boolean): string | null {
    const c = this.text[this.i];
    if (c === undefined) throw new YamlError(this.line, "a flow collection that does not end on its line");
    if (c === '"' || c === "'") {
      const { value, end } = quoted(this.text.slice(this.i), this.line);
      this.i += end;
      return value;
    }
    refuseUnsupported(this.text.slice(this.i), this.line);
    const stop = isKey ? /[:,\]}]/ : /[,\]}]/;
    const start = this.i;
    while (this.i < this.text.length && !stop.test(this.text[this.i])) this.i++;
    return plainScalar(this.text.slice(start, this.i).trim());
  }

  private space(): void {
    while (this.text[this.i] === " ") this.i++;
  }
}
