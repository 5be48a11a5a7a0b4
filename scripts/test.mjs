#!/usr/bin/env node
// `npm test`: type check, lint, the console's build, every Vitest project (Node, workerd, end to
// end), then the Python package's unit tests (python/run_tests.py). Ends with one line
// `N passed, N failed` that sums them all: the type check, the lint and the build count as one
// check each, every Vitest and every Python test as one. (The Python end-to-end tests are Vitest
// files under test/.)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonExecutable } from "./python.mjs";

let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, command, args, env = {}) {
  console.log(`\n── ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status === 0;
}

for (const [name, args] of [
  ["type check", ["run", "typecheck"]],
  ["lint", ["run", "lint"]],
  // The Worker serves console/dist as static assets (wrangler.toml [assets]); wrangler dev builds
  // it too ([build]), but the workerd project reads [assets] without running [build].
  ["console build", ["run", "build:console"]],
]) {
  if (step(name, "npm", args)) passed += 1;
  else {
    failed += 1;
    console.log(`✗ ${name} failed`);
  }
}

const dir = mkdtempSync(join(tmpdir(), "driftline-test-"));
const jsonPath = join(dir, "vitest.json");
const vitestOk = step("vitest", "npx", ["vitest", "run", ...process.argv.slice(2)], { VITEST_JSON: jsonPath });
try {
  const report = JSON.parse(readFileSync(jsonPath, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A file that fails to load has no failed test in it; count it so it cannot pass silently.
  for (const file of report.testResults) {
    if (file.status === "failed" && file.assertionResults.every((a) => a.status !== "failed")) {
      console.log(`✗ ${file.name}: ${file.message || "failed to run"}`);
      failed += 1;
    }
  }
} catch (error) {
  console.log(`✗ vitest wrote no report (${error.message})`);
  failed += 1;
}
if (!vitestOk && failed === 0) failed += 1;

const pythonJsonPath = join(dir, "python.json");
const pythonOk = step("python unit tests", pythonExecutable(), ["python/run_tests.py", "--json", pythonJsonPath]);
try {
  const counts = JSON.parse(readFileSync(pythonJsonPath, "utf8"));
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  if (!pythonOk && counts.failed === 0) failed += 1;
} catch (error) {
  console.log(`✗ the Python tests wrote no counts (${error.message}); is ${pythonExecutable()} installed?`);
  failed += 1;
}
rmSync(dir, { recursive: true, force: true });

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 ? 0 : 1);
