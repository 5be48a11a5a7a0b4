// Response bodies, value formatting and request parameters as Prometheus' HTTP API has them.
import { describe, expect, it } from "vitest";
import { errorResponse, parseDurationParam, parseTimeParam, successBody } from "./http.ts";
import { formatValue } from "./format.ts";
import { instantQuery } from "./engine.ts";
import { MemorySource } from "../../testing/promql/memory-source.ts";

describe("formatValue", () => {
  it("writes special values as Prometheus does", () => {
    expect([NaN, Infinity, -Infinity].map(formatValue)).toEqual(["NaN", "+Inf", "-Inf"]);
  });

  it("writes decimal digits between 1e-6 and 1e21 and an exponent outside, as Prometheus 2.42 answers (bench:query compares)", () => {
    expect(formatValue(1e21)).toBe("1e+21");
    expect(formatValue(1.5e-7)).toBe("1.5e-07");
    expect(formatValue(-8.669964688600915e-7)).toBe("-8.669964688600915e-07");
    expect(formatValue(-2.5e-10)).toBe("-2.5e-10");
    expect(formatValue(1.2345e22)).toBe("1.2345e+22");
    expect(formatValue(5e-324)).toBe("5e-324");
    expect(formatValue(0.000001)).toBe("0.000001");
    expect(formatValue(999999999999999900000)).toBe("999999999999999900000");
    expect(formatValue(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(formatValue(42)).toBe("42");
  });
});

describe("response bodies", () => {
  it("wraps data in a success body", async () => {
    const data = await instantQuery(new MemorySource([]), "1+1", 1_700_000_000_123);
    expect(JSON.stringify(successBody(data))).toBe('{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"2"]}}');
  });

  it("answers a parse error as 400 bad_data and an evaluation error as 422 execution", async () => {
    const source = new MemorySource([]);
    const parse = await instantQuery(source, "sum(", 0).catch(errorResponse);
    expect(parse).toEqual({ status: 400, body: { status: "error", errorType: "bad_data", error: "1:5: parse error: unexpected end of input" } });
    const exec = await instantQuery(source, "topk(NaN, vector(1))", 0).catch(errorResponse);
    expect(exec).toMatchObject({ status: 422, body: { errorType: "execution" } });
  });

  it("answers an unexpected failure as 500 internal without its text (issue 10, defect 4)", () => {
    const failure = new Error("SQLITE_CORRUPT: database disk image is malformed (store/read/select.ts:88)");
    expect(errorResponse(failure)).toEqual({ status: 500, body: { status: "error", errorType: "internal", error: "internal error" } });
  });
});

describe("request parameters", () => {
  it("reads times as float seconds or RFC 3339", () => {
    expect(parseTimeParam("time", "1700000000.5", 0)).toBe(1_700_000_000_500);
    expect(parseTimeParam("time", "2023-11-14T22:13:20Z", 0)).toBe(1_700_000_000_000);
    expect(parseTimeParam("time", undefined, 42)).toBe(42);
    expect(() => parseTimeParam("start", "yesterday", 0)).toThrow('invalid parameter "start": cannot parse "yesterday" to a valid timestamp');
  });

  it("reads a step as float seconds or a duration", () => {
    expect(parseDurationParam("step", "15")).toBe(15_000);
    expect(parseDurationParam("step", "0.5")).toBe(500);
    expect(parseDurationParam("step", "1m30s")).toBe(90_000);
    expect(() => parseDurationParam("step", "often")).toThrow('invalid parameter "step": cannot parse "often" to a valid duration');
  });
});
