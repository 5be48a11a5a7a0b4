import { describe, expect, it } from "vitest";
import { expandTemplate, goFloatV, humanize, templateRefusal } from "./alert-template.ts";

describe("alert templates as Prometheus expands them", () => {
  it("fills $labels.x, .Labels.x and $value, with a missing label as the empty string", () => {
    expect(expandTemplate("{{ $labels.feature }}/{{.Labels.model}} is {{ $value }}{{ $labels.nope }}", { feature: "income", model: "credit" }, 0.31)).toBe("income/credit is 0.31");
  });

  it("prints $value as Go's %v of a float64", () => {
    expect([0.31, 123456, 1234567, 1e-5, 0.0001, 3, Infinity, NaN].map(goFloatV)).toEqual(["0.31", "123456", "1.234567e+06", "1e-05", "0.0001", "3", "+Inf", "NaN"]);
  });

  it("humanizes with SI prefixes and four significant digits, and humanizePercentage with %", () => {
    expect([0.31, 1234567, 1000, 0.000002, 0].map(humanize)).toEqual(["310m", "1.235M", "1k", "2u", "0"]);
    expect(expandTemplate("{{ $value | humanizePercentage }}", {}, 0.1234)).toBe("12.34%");
  });

  it("refuses what it does not evaluate, naming it", () => {
    expect(templateRefusal("{{ $labels.feature }} {{ $value | humanize }}")).toBeNull();
    expect(templateRefusal("{{ range $labels }}x{{ end }}")).toMatch(/\{\{ range \$labels \}\} is not supported/);
    expect(templateRefusal("{{ $value | printf \"%.2f\" }}")).toMatch(/function "printf \\"%.2f\\"" is not supported/);
    expect(templateRefusal("{{ $labels.x ")).toMatch(/unclosed/);
  });
});
