/**
 * A reader for the YAML that Prometheus rule files are written in, with no dependency (no YAML
 * package is in the lock; docs/alerts.md, "Rules as files"). It reads one document of block
 * mappings and sequences (`- key: value` items included, and a sequence at its key's indent),
 * plain, single- and double-quoted scalars, literal and folded block scalars (`|`, `|-`, `|+`,
 * `>`, `>-`) and one-line flow collections (`[a, b]`, `{a: b}`); plain scalars may continue on
 * more indented lines. Scalars are kept as their text (a rule file's fields are strings; `~`,
 * `null` and nothing are null). Anchors, aliases, tags, complex keys and several documents are
 * refused with the line, as are tabs in indentation and duplicate keys (as go-yaml refuses them).
 *
 * Cost: one pass over the lines; nesting is bounded by MAX_YAML_DEPTH.
 */

import { Flow, YamlError, plainScalar, quoted, refuseUnsupported } from "./yaml-scalars.ts";
import type { YamlValue } from "./yaml-scalars.ts";

export { YamlError } from "./yaml-scalars.ts";
export type { YamlValue } from "./yaml-scalars.ts";

/** Deepest nesting read. */
export const MAX_YAML_DEPTH = 32;

type Line = { indent: number; text: string; number: number };

/** Parses one YAML document of the subset above. */
export function parseYaml(source: string): YamlValue {
  const raw = source.replace(/^\uFEFF/, "").split(/\r?\n/);
  const reader = new Reader(raw);
  return reader.document();
}

class Reader {
  private readonly raw: string[];
  private readonly lines: (Line | null)[];
  private at = 0;

  constructor(raw: string[]) {
    this.raw = raw;
    this.lines = raw.map((text, i) => {
      const indent = /^ */.exec(text)![0].length;
      if (text[indent] === "\t") throw new YamlError(i + 1, "a tab in indentation (YAML indents with spaces)");
      const body = stripComment(text.slice(indent));
      return body === "" ? null : { indent, text: body, number: i + 1 };
    });
  }

  document(): YamlValue {
    this.skipBlank();
    if (this.peek()?.text === "---") this.at++;
    const first = this.peek();
    const value = first === undefined ? null : this.node(first.indent, 0);
    const rest = this.peek();
    if (rest !== undefined && rest.text !== "...") {
      throw new YamlError(rest.number, rest.text.startsWith("---") ? "several YAML documents in one file (one is read)" : `unexpected ${JSON.stringify(rest.text)} (check its indentation)`);
    }
    return value;
  }

  private skipBlank(): void {
    while (this.at < this.lines.length && this.lines[this.at] === null) this.at++;
  }

  private peek(): Line | undefined {
    this.skipBlank();
    return this.lines[this.at] ?? undefined;
  }

  private node(indent: number, depth: number): YamlValue {
    if (depth > MAX_YAML_DEPTH) throw new YamlError(this.peek()!.number, `nesting deeper than ${MAX_YAML_DEPTH}`);
    const line = this.peek()!;
    if (isItem(line.text)) return this.sequence(indent, depth);
    if (keyOf(line) !== undefined) return this.mapping(indent, depth);
    this.at++;
    return this.inline(line.text, line, indent);
  }

  private sequence(indent: number, depth: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent && isItem(line.text); line = this.peek()) {
      const rest = line.text.slice(1).trimStart();
      if (rest === "") {
        this.at++;
        const next = this.peek();
        out.push(next !== undefined && next.indent > indent ? this.node(next.indent, depth + 1) : null);
        continue;
      }
      // "- key: value" or "- - x": the item is a node that starts on this line, further right.
      const offset = line.text.length - rest.length;
      this.lines[this.at] = { indent: indent + offset, text: rest, number: line.number };
      const item = this.lines[this.at]!;
      if (isItem(rest) || keyOf(item) !== undefined) out.push(this.node(item.indent, depth + 1));
      else {
        this.at++;
        out.push(this.inline(rest, item, indent));
      }
    }
    return out;
  }

  private mapping(indent: number, depth: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line !== undefined && line.indent === indent && !isItem(line.text) && !isMarker(line.text); line = this.peek()) {
      const entry = keyOf(line);
      if (entry === undefined) throw new YamlError(line.number, `expected "key: value", got ${JSON.stringify(line.text)}`);
      if (Object.hasOwn(out, entry.key)) throw new YamlError(line.number, `mapping key ${JSON.stringify(entry.key)} already defined`);
      this.at++;
      const value = entry.value;
      if (value === "") {
        const next = this.peek();
        if (next !== undefined && (next.indent > indent || (next.indent === indent && isItem(next.text)))) out[entry.key] = this.node(next.indent, depth + 1);
        else out[entry.key] = null;
      } else if (/^[|>]/.test(value)) out[entry.key] = this.blockScalar(value, line, indent);
      else out[entry.key] = this.inline(value, line, indent);
    }
    return out;
  }

  /** A value that starts on a line: quoted, flow or plain (continued on more indented lines). */
  private inline(text: string, line: Line, parentIndent: number): YamlValue {
    refuseUnsupported(text, line.number);
    if (text.startsWith('"') || text.startsWith("'")) {
      const { value, end } = quoted(text, line.number);
      if (text.slice(end).trim() !== "") throw new YamlError(line.number, `unexpected ${JSON.stringify(text.slice(end).trim())} after a quoted string`);
      return value;
    }
    if (text.startsWith("[") || text.startsWith("{")) {
      const flow = new Flow(text, line.number);
      const value = flow.value();
      flow.end();
      return value;
    }
    let plain = text;
    for (let next = this.peek(); next !== undefined && next.indent > parentIndent && keyOf(next) === undefined && !isItem(next.text); next = this.peek()) {
      plain += ` ${next.text}`;
      this.at++;
    }
    return plainScalar(plain);
  }

  /** `|` or `>` with an optional chomping indicator: the more indented lines that follow. */
  private blockScalar(header: string, line: Line, indent: number): string {
    const m = /^([|>])([-+]?)$/.exec(header);
    if (m === null) throw new YamlError(line.number, `block scalar header ${JSON.stringify(header)} is not supported (use |, |-, |+, > or >-)`);
    const body: string[] = [];
    let contentIndent = -1;
    while (this.at < this.raw.length) {
      const text = this.raw[this.at];
      const lead = /^ */.exec(text)![0].length;
      if (text.trim() === "") {
        body.push("");
        this.at++;
        continue;
      }
      if (lead <= indent) break;
      if (contentIndent < 0) contentIndent = lead;
      if (lead < contentIndent) throw new YamlError(this.at + 1, "a block scalar line less indented than its first line");
      body.push(text.slice(contentIndent));
      this.at++;
    }
    let end = body.length;
    while (end > 0 && body[end - 1] === "") end--;
    const trailing = body.length - end;
    const kept = body.slice(0, end);
    let text = m[1] === "|" ? kept.join("\n") : fold(kept);
    if (m[2] === "+") text += "\n".repeat(trailing + (kept.length > 0 ? 1 : 0));
    else if (m[2] === "" && kept.length > 0) text += "\n";
    return text;
  }
}

function fold(lines: string[]): string {
  let out = "";
  lines.forEach((line, i) => {
    if (i === 0) out = line;
    else if (line === "" || lines[i - 1] === "" || line.startsWith(" ")) out += "\n" + line;
    else out += " " + line;
  });
  return out;
}

/** A document start or end marker: the document (and so every collection) ends there. */
function isMarker(text: string): boolean {
  return text === "..." || text === "---" || text.startsWith("--- ");
}

function isItem(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

/** The key and the rest of a `key: value` line, or undefined when the line is not one. */
function keyOf(line: Line): { key: string; value: string } | undefined {
  const text = line.text;
  if (text.startsWith("? ")) throw new YamlError(line.number, "complex mapping keys (?) are not supported");
  if (text.startsWith('"') || text.startsWith("'")) {
    const { value, end } = quoted(text, line.number);
    const rest = text.slice(end);
    const m = /^\s*:(?:\s+|$)/.exec(rest);
    return m === null ? undefined : { key: value ?? "", value: rest.slice(m[0].length).trim() };
  }
  if (text.startsWith("[") || text.startsWith("{")) return undefined;
  const m = /^([^#]*?):(?:\s+|$)/.exec(text);
  if (m === null) return undefined;
  return { key: m[1].trim(), value: text.slice(m[0].length).trim() };
}

/** Removes a comment: `#` at the start or after a space, outside quotes. */
function stripComment(text: string): string {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === "'" && quote === "'" && text[i + 1] === "'") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:,[{-]/.test(text[i - 1])) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}
