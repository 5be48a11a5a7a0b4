/**
 * Prometheus regexes, matched with RE2 semantics in linear time by `re2js` (the JavaScript port
 * of RE2, the engine Go's regexp and so Prometheus use). JavaScript's own engine backtracks: a
 * pattern such as `driftline_(.|.)*#` took exponential time on one label value and blocked the
 * whole Worker (issue 11, item 2); RE2 runs in time linear in the value whatever the pattern, so
 * no pattern has to be screened out. What RE2 refuses (backreferences, lookaround) is refused
 * with a `bad_data` error saying so. Flags work as in RE2: `(?i)`, `(?i:…)`, `(?s)`, `(?U)`.
 *
 * Every regex is fully anchored and `.` matches a newline, as in Prometheus 3 (`^(?s:re)$`).
 */
import { RE2JS } from "re2js";
import { PromQLError, ErrorType } from "./errors.ts";

/** The longest regex accepted: bounds compile time and Grafana's expanded `(a|b|...)` lists alike. */
export const MAX_REGEX_LENGTH = 4096;

/** Most compiled regexes kept; Grafana sends the same few on every refresh. */
const CACHE_SIZE = 1000;

/** A compiled, fully anchored PromQL regex. */
export type PromRegex = {
  /** True if the whole value matches. */
  test(value: string): boolean;
  /** The groups of a whole-value match (`[0]` the value, `groups` the named ones), or null. */
  exec(value: string): ({ [index: number]: string | undefined; groups?: Record<string, string | undefined> }) | null;
};

const cache = new Map<string, PromRegex>();

/**
 * Compiles a PromQL regex, fully anchored. Throws a `bad_data` PromQLError naming the problem.
 * Compiled regexes are cached (bounded).
 */
export function compileRegex(source: string): PromRegex {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  if (source.length > MAX_REGEX_LENGTH) {
    throw invalid(source, `longer than ${MAX_REGEX_LENGTH} characters (MAX_REGEX_LENGTH)`);
  }
  let re: RE2JS;
  try {
    // Compiled alone first, so that a pattern such as `a)|(b` cannot escape the anchoring group.
    RE2JS.compile(source);
    re = RE2JS.compile(`^(?s:${source})$`);
  } catch (e) {
    throw invalid(source, `${unsupported(source) ?? (e as Error).message} (Prometheus regexes use RE2 syntax)`);
  }
  const compiled: PromRegex = {
    test: (value) => re.test(value),
    exec: (value) => re.exec(value),
  };
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** A plainer reason than RE2's parse error for the two constructs users bring from PCRE. */
function unsupported(source: string): string | undefined {
  if (/\\[1-9]/.test(source)) return "backreferences are not supported";
  if (/\(\?<?[=!]/.test(source)) return "lookaround assertions are not supported";
  return undefined;
}

function invalid(source: string, why: string): PromQLError {
  return new PromQLError(ErrorType.badData, `invalid regular expression ${JSON.stringify(source)}: ${why}`);
}
