/**
 * PromQL text → the engine's AST. The grammar is Prometheus' own (`@prometheus-io/lezer-promql`,
 * static parser tables, so it runs in workerd); convert.ts walks lezer's concrete tree, checks
 * types as Prometheus' parser does, and rejects what the subset does not evaluate with a message
 * naming what is supported.
 */
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import type { Expr } from "./ast.ts";
import { unwrapParens } from "./ast.ts";
import type { Matcher } from "./source.ts";
import { parseError } from "./errors.ts";
import { Converter } from "./convert.ts";

export { typeOf } from "./type-of.ts";

/** The longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 64 * 1024;

/** Parses a query into the AST, or throws a `bad_data` PromQLError worded as Prometheus' parser. */
export function parseQuery(query: string): Expr {
  if (query.length > MAX_QUERY_LENGTH) {
    throw parseError(query, 0, `query is ${query.length} characters long, more than the limit of ${MAX_QUERY_LENGTH} (MAX_QUERY_LENGTH)`);
  }
  if (query.trim() === "") throw parseError(query, 0, "no expression found in input");
  const tree = parser.parse(query);
  const bad = firstError(tree.topNode);
  if (bad !== undefined) {
    const at = bad.from;
    const unknown = unknownFunction(query, at);
    if (unknown !== undefined) throw parseError(query, unknown.at, unknown.message);
    const message = at >= query.trimEnd().length ? "unexpected end of input" : `unexpected character: ${JSON.stringify(query[at])}`;
    throw parseError(query, at, message);
  }
  const top = tree.topNode.firstChild;
  if (top === null) throw parseError(query, 0, "no expression found in input");
  return new Converter(query).expr(top);
}

/**
 * Parses one `match[]` series selector of the metadata endpoints (`/api/v1/series`) into matchers.
 * Throws a `bad_data` PromQLError if it is not a plain vector selector.
 */
export function parseSeriesSelector(selector: string): Matcher[] {
  const expr = unwrapParens(parseQuery(selector));
  if (expr.kind !== "vectorSelector" || expr.offsetMs !== 0 || expr.at !== undefined) {
    throw parseError(selector, 0, "match[] must be a series selector such as up{job=\"x\"}");
  }
  return expr.matchers;
}

/** Functions of Prometheus 2 that Prometheus 3's grammar (and so lezer's) no longer has. */
const RENAMED: Readonly<Record<string, string>> = { holt_winters: "double_exponential_smoothing" };

/**
 * lezer stops at the "(" after a name it does not know as a function; say which name, as
 * Prometheus does ("unknown function with name ..."), in the wording of the subset's refusals.
 */
function unknownFunction(query: string, at: number): { at: number; message: string } | undefined {
  if (query[at] !== "(") return undefined;
  const m = /([a-zA-Z_][a-zA-Z0-9_]*)\s*$/.exec(query.slice(0, at));
  if (m === null) return undefined;
  const name = m[1];
  const renamed = RENAMED[name];
  const hint = renamed !== undefined ? `; Prometheus 3 renamed it ${renamed}, which is supported` : "";
  return { at: at - m[0].length, message: `function ${JSON.stringify(name)} is not supported by Driftline's PromQL subset${hint}` };
}

function firstError(node: SyntaxNode): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  const cursor = node.cursor();
  do {
    if (cursor.type.isError) {
      found = cursor.node;
      break;
    }
  } while (cursor.next());
  return found;
}
