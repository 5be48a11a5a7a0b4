/**
 * The layout's boundaries are lint rules, not habits (DESIGN.md, Layout; issue 10): each rule is
 * shown here refusing a deliberate violation, linted as if the code sat at the path given, and
 * allowing the legitimate form beside it.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe("layout lint rules", () => {
  it("refuses a value import of store/ from an edge route, and allows a type import", async () => {
    expect(await ruleIdsFor("worker/src/api/violation.ts", 'import { READERS } from "../store/alerts/readings.ts";\nexport const kinds = READERS;\n')).toContain(
      "@typescript-eslint/no-restricted-imports",
    );
    expect(await ruleIdsFor("worker/src/api/violation.ts", 'import type { RuleView } from "../store/alerts/rules-table.ts";\nexport type View = RuleView;\n')).toEqual([]);
  });

  it("refuses Hono and edge folders inside store/", async () => {
    expect(await ruleIdsFor("worker/src/store/read/violation.ts", 'import { Hono } from "hono";\nexport const app = new Hono();\n')).toContain("no-restricted-imports");
    expect(await ruleIdsFor("worker/src/store/read/violation.ts", 'import { HttpError } from "../../http/http-error.ts";\nexport const e = HttpError;\n')).toContain("no-restricted-imports");
    expect(await ruleIdsFor("worker/src/store/violation.ts", 'import type { AppEnv } from "../http/app-env.ts";\nexport type E = AppEnv;\n')).toContain("no-restricted-imports");
  });

  it("refuses collector/src and collector/testing paths outside collector/, and allows the package entry points", async () => {
    expect(await ruleIdsFor("test/violation.test.ts", 'import { seededRandom } from "../collector/testing/sketch/datasets.ts";\nexport const r = seededRandom;\n')).toContain("no-restricted-imports");
    expect(await ruleIdsFor("worker/src/otlp/violation.ts", 'import { decodeOtlp } from "../../../collector/src/otlp/decode.ts";\nexport const d = decodeOtlp;\n')).toContain("no-restricted-imports");
    expect(await ruleIdsFor("test/violation.test.ts", 'import { seededRandom } from "@driftline/collector/testing";\nexport const r = seededRandom;\n')).toEqual([]);
  });

  it("refuses runtime imports in the core", async () => {
    expect(await ruleIdsFor("collector/src/sketch/violation.ts", 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n')).toContain("no-restricted-imports");
    expect(await ruleIdsFor("collector/src/sketch/violation.ts", 'import { DurableObject } from "cloudflare:workers";\nexport const d = DurableObject;\n')).toContain("no-restricted-imports");
  });
});
