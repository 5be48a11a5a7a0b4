/**
 * Admission control for OTLP exports (issue 11, item 4): the rules of ExportAdmission with the
 * clock given by the test (no timing thresholds), and what a burst beyond the limit gets from the
 * real routes: our own 503 + Retry-After with a google.rpc.Status, at once, while the exports
 * admitted before it are still being worked on.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ExportAdmission } from "../src/http/admission.ts";
import { OverloadError } from "../src/http/http-error.ts";
import { logsRequestProtobuf, readStatus } from "./support/protobuf.ts";
import { bytesOf, PROTOBUF } from "./support/requests.ts";
import { frontDoorWith } from "./support/test-app.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";
import type { AdmissionLimits } from "../src/config.ts";
import type { IngestOutcome } from "../src/otlp/ingest.ts";

const LIMITS: AdmissionLimits = { maxExportsInFlight: 4, maxExportBytesInFlight: 1_000, maxExportWaitMs: 1_000, maxStoreQueueMs: 500 };

function refusalOf(run: () => unknown): OverloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof OverloadError) return error;
    throw error;
  }
  throw new Error("expected an OverloadError");
}

describe("ExportAdmission", () => {
  it("admits one export when nothing is in flight, however slow the last ones were", () => {
    const admission = new ExportAdmission(() => undefined);
    const slow = admission.admit(LIMITS, 10, 0);
    slow.bodyRead(10, 0);
    slow.release(60_000, true);
    expect(admission.measuredSlotMs).toBe(60_000);
    expect(() => admission.admit(LIMITS, 10_000, 60_000)).not.toThrow();
  });

  it("refuses past MAX_EXPORTS_IN_FLIGHT with a 503 that names the limit and carries Retry-After", () => {
    const admission = new ExportAdmission(() => undefined);
    for (let i = 0; i < LIMITS.maxExportsInFlight; i++) admission.admit(LIMITS, 0, 0);
    const refusal = refusalOf(() => admission.admit(LIMITS, 0, 0));
    expect(refusal.status).toBe(503);
    expect(refusal.headers["Retry-After"]).toBe("1");
    expect(refusal.limit).toBe("MAX_EXPORTS_IN_FLIGHT");
    expect(refusal.message).toContain("MAX_EXPORTS_IN_FLIGHT (4)");
  });

  it("refuses when the measured time per export in flight would take a new one past MAX_EXPORT_WAIT_MS", () => {
    const admission = new ExportAdmission(() => undefined);
    // One export alone took 400 ms of work after its body arrived: 400 ms per export in flight.
    const first = admission.admit(LIMITS, 0, 0);
    first.bodyRead(0, 100);
    first.release(500, true);
    admission.admit(LIMITS, 0, 1_000); // alone: always admitted
    admission.admit(LIMITS, 0, 1_000); // 2 × 400 ms = 800 ms: admitted
    const refusal = refusalOf(() => admission.admit(LIMITS, 0, 1_000)); // 3 × 400 ms = 1 200 ms
    expect(refusal.limit).toBe("MAX_EXPORT_WAIT_MS");
    expect(refusal.message).toMatch(/about 1200 ms \(2 in flight, 400\.0 ms each as measured\), over MAX_EXPORT_WAIT_MS \(1000 ms\)/);
  });

  it("measures only exports answered 200: a refused or failed one says nothing about the work", () => {
    const admission = new ExportAdmission(() => undefined);
    const failed = admission.admit(LIMITS, 0, 0);
    failed.release(30_000, false);
    expect(admission.measuredSlotMs).toBe(0);
  });

  it("refuses an export whose inflated body would take the bytes in flight past MAX_EXPORT_BYTES_IN_FLIGHT", () => {
    const admission = new ExportAdmission(() => undefined);
    const holding = admission.admit(LIMITS, 300, 0);
    holding.bodyRead(600, 0);
    const growing = admission.admit(LIMITS, 100, 0);
    const refusal = refusalOf(() => growing.bodyRead(500, 0));
    expect(refusal.limit).toBe("MAX_EXPORT_BYTES_IN_FLIGHT");
    // Its reservation is released with it, and the bytes the other holds still count.
    growing.release(0, false);
    expect(refusalOf(() => admission.admit(LIMITS, 401, 0)).limit).toBe("MAX_EXPORT_BYTES_IN_FLIGHT");
    holding.release(0, true);
    expect(() => admission.admit(LIMITS, 5_000, 0)).not.toThrow();
  });

  it("logs refusals as one count per interval, not one line each", () => {
    const lines: string[] = [];
    const admission = new ExportAdmission((line) => lines.push(line));
    admission.admit({ ...LIMITS, maxExportsInFlight: 1 }, 0, 0);
    for (let i = 0; i < 100; i++) refusalOf(() => admission.admit({ ...LIMITS, maxExportsInFlight: 1 }, 0, 1_000 + i));
    refusalOf(() => admission.admit({ ...LIMITS, maxExportsInFlight: 1 }, 0, 20_000));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("100 by MAX_EXPORTS_IN_FLIGHT");
  });
});

describe("a burst beyond the limit on the OTLP routes", () => {
  it("gets our 503 + Retry-After and a protobuf Status at once, while the admitted exports are still in flight", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ingested: number[] = [];
    let entered = 0;
    const app = frontDoorWith(async (_env, _tenant, _signal, data): Promise<IngestOutcome> => {
      entered++;
      await held;
      ingested.push((data as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] }).resourceLogs[0].scopeLogs[0].logRecords.length);
      return { rejected: 0, message: "" };
    });
    // A fresh env object: its vars are parsed anew (config.ts caches per env object).
    const limited = { ...env, MAX_EXPORTS_IN_FLIGHT: "2" };
    const send = () => app.request("/v1/logs", { method: "POST", body: logsRequestProtobuf(3), headers: { "Content-Type": PROTOBUF, ...bearer(TEST_TOKENS.acme.ingest) } }, limited);

    const admitted = [send(), send()];
    // Both are decoded and waiting in ingest (the model store) before the burst arrives.
    while (entered < 2) await new Promise((resolve) => setTimeout(resolve, 0));
    const burst = await Promise.all(Array.from({ length: 5 }, send));
    for (const response of burst) {
      expect(response.status).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("1");
      expect(response.headers.get("Content-Type")).toBe(PROTOBUF);
      const status = readStatus(await bytesOf(response));
      expect(status.code).toBe(14); // UNAVAILABLE
      expect(status.message).toContain("MAX_EXPORTS_IN_FLIGHT (2)");
    }
    expect(ingested).toEqual([]);

    release();
    const answers = await Promise.all(admitted);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(ingested).toEqual([3, 3]);
    // Room again once they are answered.
    expect((await send()).status).toBe(200);
  });
});
