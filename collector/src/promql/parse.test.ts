// Parsing: Prometheus' error shape and wording, type checks, and clear refusals of what the
// subset does not evaluate.
import { describe, expect, it } from "vitest";
import { parseQuery, parseSeriesSelector } from "./parse.ts";
import { PromQLError } from "./errors.ts";

function parseErrorOf(query: string): PromQLError {
  try {
    parseQuery(query);
  } catch (e) {
    if (e instanceof PromQLError) return e;
    throw e;
  }
  throw new Error(`expected ${query} to fail`);
}

describe("parse errors", () => {
  it("reports syntax errors as 'line:col: parse error: ...' with errorType bad_data", () => {
    const e = parseErrorOf('rate(metric{job="api"}[5m]');
    expect(e.errorType).toBe("bad_data");
    expect(e.message).toBe("1:27: parse error: unexpected end of input");
    expect(parseErrorOf("sum(x) $ 2").message).toBe('1:8: parse error: unexpected character: "$"');
    expect(parseErrorOf("1 +\n  * 2").message).toMatch(/^2:3: parse error: /);
  });

  it("rejects an empty query", () => {
    expect(parseErrorOf("  ").message).toBe("1:1: parse error: no expression found in input");
  });

  it("checks argument types and counts like Prometheus", () => {
    expect(parseErrorOf("rate(x)").message).toBe('1:6: parse error: expected type range vector in call to function "rate", got instant vector');
    expect(parseErrorOf("abs(x[5m])").message).toBe('1:5: parse error: expected type instant vector in call to function "abs", got range vector');
    expect(parseErrorOf("clamp(x, 1)").message).toBe('1:1: parse error: expected 3 argument(s) in call to "clamp", got 2');
    expect(parseErrorOf("sum(x[5m])").message).toBe("1:1: parse error: expected type instant vector in aggregation expression, got range vector");
    expect(parseErrorOf("topk(x)").message).toBe("1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1");
  });

  it("enforces the operator rules: bool only on comparisons, scalars compared with bool, no set operators on scalars", () => {
    expect(parseErrorOf("1 > 2").message).toBe("1:1: parse error: comparisons between scalars must use BOOL modifier");
    expect(parseErrorOf("x + bool y").message).toBe("1:1: parse error: bool modifier can only be used on comparison operators");
    expect(parseErrorOf("x and 1").message).toBe('1:1: parse error: set operator "and" not allowed in binary scalar expression');
    expect(parseErrorOf("x[5m] + 1").message).toBe("1:1: parse error: binary expression must contain only scalar and instant vector types");
    expect(parseErrorOf("x + on(a) group_left(a) y").message).toBe('1:21: parse error: label "a" must not occur in ON and GROUP clause at once');
  });

  it("requires a selector to have a matcher that does not match the empty string", () => {
    expect(parseErrorOf('{job=~".*"}').message).toBe("1:1: parse error: vector selector must contain at least one non-empty matcher");
  });

  it("parses numbers in every PromQL spelling", () => {
    const values = ["0x1F", "1e3", "Inf", "-inf", "1_000", ".5", "1h30m"].map((q) => {
      const e = parseQuery(q);
      return e.kind === "number" ? e.value : undefined;
    });
    expect(values).toEqual([31, 1000, Infinity, -Infinity, 1000, 0.5, 5400]);
  });

  it("unquotes strings with Go escapes, and backtick strings raw", () => {
    const e = parseQuery(String.raw`x{a="tab\there \u00e9 \x41 \101", b='it\'s', c=` + "`raw\\n`}");
    expect(e.kind === "vectorSelector" && e.matchers.slice(1).map((m) => m.value)).toEqual(["tab\there é A A", "it's", "raw\\n"]);
  });
});

describe("unsupported constructs name what is supported", () => {
  it.each([
    ["histogram_count(x)", /function "histogram_count" is not supported by Driftline's PromQL subset; supported: abs, absent, .*rate.*/],
    ["limitk(2, x)", /aggregation "limitk" is not supported by Driftline's PromQL subset; supported: sum, avg, min, max, count/],
    ["x[5m + 1m]", /duration expressions are not supported/],
    ["sum(x) offset 5m", /offset modifier must be preceded by an instant vector selector or range vector selector or a subquery/],
    ["(x) @ 100", /@ modifier must be preceded by/],
    ["x @ 100 @ 200", /@ <timestamp> may not be set multiple times/],
    ["(1)[5m:1m]", /subquery is only allowed on instant vector, got scalar/],
  ])("%s", (query, message) => {
    const e = parseErrorOf(query);
    expect(e.errorType).toBe("bad_data");
    expect(e.message).toMatch(message);
  });
});

describe("regex matchers", () => {
  it("refuses what RE2 refuses, naming the problem, and accepts nested repeats that RE2 runs in linear time", () => {
    expect(parseErrorOf('x{a=~"(a)\\\\1"}').message).toMatch(/backreferences are not supported/);
    expect(parseErrorOf('x{a=~"(?=a)a"}').message).toMatch(/lookaround assertions are not supported/);
    expect(() => parseQuery('x{a=~"(a+)+b"}')).not.toThrow();
    expect(parseErrorOf('x{a=~"(a|b"}').message).toMatch(/invalid regular expression "\(a\|b"/);
  });

  it("accepts the regexes Grafana sends: alternations, .*, .+, (?i)", () => {
    for (const q of ['x{a=~"(a|b|c)"}', 'x{a=~".*"}', 'x{a=~".+"}', 'x{a=~"(?i)api"}', 'x{a=~"(ab)+"}', 'x{a=~"[a-z]+(_[a-z]+)?"}']) {
      expect(() => parseQuery(q)).not.toThrow();
    }
  });
});

describe("series selectors for the metadata endpoints", () => {
  it("parses match[] into matchers and refuses anything but a selector", () => {
    expect(parseSeriesSelector('up{job="api"}')).toEqual([
      { name: "__name__", type: "=", value: "up" },
      { name: "job", type: "=", value: "api" },
    ]);
    expect(() => parseSeriesSelector("sum(up)")).toThrow(/match\[\] must be a series selector/);
  });
});
