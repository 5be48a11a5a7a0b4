/**
 * The `driftline` CLI spawned as a user runs it (node_modules/.bin/driftline, what `npx driftline`
 * finds) against `wrangler dev`: baseline upload from a CSV, then status.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const BIN = resolve(import.meta.dirname, "../node_modules/.bin/driftline");

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

type Run = { code: number; stdout: string; stderr: string };

function driftline(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(BIN, args, { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

function trainingCsv(): string {
  const lines = ["amount,merchant,is_fraud"];
  for (let i = 0; i < 2000; i++) lines.push(`${((i * 7919) % 1000) / 10},${["grocery", "travel", "\"books, music\""][i % 3]},${i % 10 === 0 ? "yes" : "no"}`);
  const path = join(mkdtempSync(join(tmpdir(), "driftline-cli-")), "train.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

describe("driftline CLI", () => {
  it("uploads a baseline from a CSV, then lists the model, its version and drift status", async () => {
    const upload = await driftline(["baseline", "upload", "--model", "fraud", "--version", "v3", "--csv", trainingCsv(), "--prediction", "is_fraud"], {
      DRIFTLINE_ENDPOINT: worker.url,
      DRIFTLINE_TOKEN: worker.ingestToken,
    });
    expect(upload.stderr).toMatch(/100% 2,000 rows/);
    expect(upload).toMatchObject({ code: 0 });
    expect(upload.stdout).toBe("baseline stored for model fraud version v3: 2000 rows, 2 features: amount (numeric), merchant (categorical), prediction (label)\n");

    const logRecords = [5, 50, 95].map((amount) => ({
      eventName: "ml.prediction",
      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
      attributes: [
        { key: "ml.model.id", value: { stringValue: "fraud" } },
        { key: "ml.model.version", value: { stringValue: "v3" } },
        { key: "ml.feature.amount", value: { doubleValue: amount } },
      ],
    }));
    const sent = await fetch(`${worker.url}/v1/logs`, {
      method: "POST",
      headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] }),
    });
    expect(sent.status).toBe(200);

    const status = await driftline(["status", "--endpoint", worker.url], { DRIFTLINE_READ_TOKEN: worker.readToken });
    expect(status).toMatchObject({ code: 0, stderr: "" });
    const lines = status.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^MODEL\s+VERSION\s+PREDICTIONS\s+ERRORS\s+DRIFT \(1h\)\s+DRIFTED FEATURES$/);
    expect(lines.slice(2)).toHaveLength(1);
    expect(lines[2].split(/\s{2,}/).slice(0, 4)).toEqual(["fraud", "v3", "3", "0"]);
    expect(lines[2].split(/\s{2,}/)[4]).toMatch(/^(ok|warn|alert)$/);
  });

  it("prints help for every command and exits 0", async () => {
    for (const args of [["--help"], ["baseline", "--help"], ["baseline", "upload", "--help"], ["baseline", "window", "--help"], ["status", "--help"]]) {
      const run = await driftline(args);
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout, args.join(" ")).toMatch(/^Usage: driftline/);
    }
  });

  it("exits 2 with one line naming the problem on a usage error", async () => {
    const run = await driftline(["baseline", "upload", "--model", "m", "--version", "v", "--csv", "x.csv"], { DRIFTLINE_TOKEN: "t" });
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("driftline: no endpoint: pass --endpoint <url> or set DRIFTLINE_ENDPOINT");
    expect((await driftline(["status", "--colour"])).code).toBe(2);
  });

  it("exits 1 with the Worker's message when the token is wrong", async () => {
    const run = await driftline(["status"], { DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_READ_TOKEN: worker.ingestToken });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^driftline: 403 Forbidden: this is an ingest token; this route needs a read token \(READ_TOKENS\)\n$/);
  });
});
