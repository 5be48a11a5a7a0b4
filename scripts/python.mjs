// Which Python runs the `driftline` package's tests, examples and benchmarks: $DRIFTLINE_PYTHON,
// else Debian's /usr/bin/python3 (where .ci/run installs python3-fastapi and python3-uvicorn),
// else the first python3 on PATH.
import { existsSync } from "node:fs";

/** The Python interpreter to run. */
export function pythonExecutable() {
  if (process.env.DRIFTLINE_PYTHON) return process.env.DRIFTLINE_PYTHON;
  if (existsSync("/usr/bin/python3")) return "/usr/bin/python3";
  return "python3";
}
