import { admissionLimits, ConfigError } from "../config.ts";
import { cancelBody, discardRest } from "./discard-body.ts";
import { HttpError, OverloadError } from "./http-error.ts";
import type { MiddlewareHandler } from "hono";
import type { AdmissionLimits } from "../config.ts";
import type { AppEnv } from "./app-env.ts";

/** Weight of the newest completed export in the service-time average (about the last ten count). */
const SLOT_EWMA_WEIGHT = 0.2;
/** Shortest time between two "shed N exports" log lines, in milliseconds. */
const SHED_LOG_INTERVAL_MS = 10_000;

/** An admitted export: grows its byte reservation as its body inflates, and is released once. */
export interface AdmissionTicket {
  /**
   * The body was read at `nowMs` and inflated to `bytes`: raises this export's share of the bytes
   * in flight to that, and starts the clock of its work (decode, fold, ModelStore). Throws an
   * OverloadError when the bytes pass `maxExportBytesInFlight` while other exports hold bytes.
   */
  bodyRead(bytes: number, nowMs: number): void;
  /** Releases the ticket; `completed` when the export was answered 200 (its time is then measured). */
  release(nowMs: number, completed: boolean): void;
}

/**
 * Admission control for OTLP exports in one Worker isolate (issue 11, item 4). An export is refused
 * at once, before its body is read, with our own 503 + `Retry-After`, when taking it would make the
 * isolate's work run away, by three measures:
 *
 * - **Expected wait** (`maxExportWaitMs`). The isolate's one thread decodes and folds every export
 *   and, under `wrangler dev`, also runs the ModelStores; an export admitted behind N others waits
 *   for their share of it. The share is measured, not assumed: each completed export's time from
 *   its body's end to its answer (decode, fold, ModelStore: the isolate's work, not the sender's
 *   upload), divided by the exports in flight when it was admitted, is one sample of the time an
 *   export adds for the ones behind it ("slot time", averaged). An export is refused
 *   when (in flight + 1) × slot time passes the limit. This adapts to the request size, to the
 *   machine's load and to a slow ModelStore (its RPC time is in the sample), and follows Little's
 *   law: the limit on concurrency is the target latency times the measured throughput.
 * - **Bytes in flight** (`maxExportBytesInFlight`): what the isolate holds for bodies being read,
 *   inflated and decoded, against its 128 MB. `Content-Length` is reserved at admission; the
 *   inflated size once the body is read.
 * - **Count** (`maxExportsInFlight`): a ceiling before anything has been measured.
 *
 * An isolate with nothing in flight always admits, so one export of any size can always proceed,
 * and a slot time from a bad moment is replaced by the next measurements.
 *
 * Cost model: a refusal decodes nothing, holds none of its body (read and dropped, so the
 * connection stays usable) and logs nothing itself (at most a count every 10 s), so refusing costs
 * far less than serving: under overload the thread keeps serving what it admitted
 * instead of spending itself on refusals (before, each refusal logged a line, and accepted
 * throughput fell to a seventh of the sustained rate at 10×: docs/benchmarks.md).
 */
export class ExportAdmission {
  /** Exports admitted and not yet released. */
  private inFlight = 0;
  /** Bytes reserved by the exports in flight (declared, then inflated). */
  private bytesInFlight = 0;
  /** Averaged milliseconds one export in flight adds to the others' time; 0 until one completes. */
  private slotMs = 0;
  private readonly shed: ShedLog;

  constructor(log: (line: string) => void = (line) => console.warn(line)) {
    this.shed = new ShedLog(log);
  }

  /** Counts a refusal made after admission (a ModelStore's queue, a Durable Object overloaded) in the shed log. */
  countShed(limit: string, nowMs: number): void {
    this.shed.count(limit, nowMs);
  }

  /** The measured slot time in milliseconds (0 before the first completed export); for tests and logs. */
  get measuredSlotMs(): number {
    return this.slotMs;
  }

  /**
   * Admits an export that declares `declaredBytes` (its Content-Length; 0 when absent), or throws
   * an OverloadError naming the limit.
   */
  admit(limits: AdmissionLimits, declaredBytes: number, nowMs: number): AdmissionTicket {
    const refusal = this.refusal(limits, declaredBytes);
    if (refusal !== undefined) {
      this.shed.count(refusal.limit, nowMs);
      throw new OverloadError(refusal.limit, `overloaded: ${refusal.message}; nothing was stored, retry after the Retry-After seconds`);
    }
    this.inFlight++;
    let workStartMs = nowMs;
    const inFlightAtAdmission = this.inFlight;
    let reserved = declaredBytes;
    let released = false;
    this.bytesInFlight += reserved;
    return {
      bodyRead: (bytes, readMs) => {
        workStartMs = readMs;
        if (bytes <= reserved || released) return;
        if (this.bytesInFlight - reserved > 0 && this.bytesInFlight - reserved + bytes > limits.maxExportBytesInFlight) {
          this.shed.count("MAX_EXPORT_BYTES_IN_FLIGHT", nowMs);
          throw new OverloadError(
            "MAX_EXPORT_BYTES_IN_FLIGHT",
            `overloaded: this export's ${bytes} inflated bytes would take the Worker isolate's export bodies in flight past MAX_EXPORT_BYTES_IN_FLIGHT (${limits.maxExportBytesInFlight} bytes); nothing was stored, retry after the Retry-After seconds`,
          );
        }
        this.bytesInFlight += bytes - reserved;
        reserved = bytes;
      },
      release: (doneMs, completed) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.bytesInFlight -= reserved;
        if (completed) this.measure((doneMs - workStartMs) / inFlightAtAdmission);
      },
    };
  }

  private refusal(limits: AdmissionLimits, declaredBytes: number): { limit: string; message: string } | undefined {
    // Nothing in flight: always admit, so any one export can proceed.
    if (this.inFlight === 0) return undefined;
    if (this.inFlight >= limits.maxExportsInFlight) {
      return { limit: "MAX_EXPORTS_IN_FLIGHT", message: `${this.inFlight} export requests in flight in this Worker isolate, as many as MAX_EXPORTS_IN_FLIGHT (${limits.maxExportsInFlight}) allows` };
    }
    const expectedMs = (this.inFlight + 1) * this.slotMs;
    if (expectedMs > limits.maxExportWaitMs) {
      return {
        limit: "MAX_EXPORT_WAIT_MS",
        message: `an export admitted now would take about ${Math.round(expectedMs)} ms (${this.inFlight} in flight, ${this.slotMs.toFixed(1)} ms each as measured), over MAX_EXPORT_WAIT_MS (${limits.maxExportWaitMs} ms)`,
      };
    }
    if (this.bytesInFlight + declaredBytes > limits.maxExportBytesInFlight) {
      return {
        limit: "MAX_EXPORT_BYTES_IN_FLIGHT",
        message: `this export's ${declaredBytes} bytes would take the bodies in flight in this Worker isolate past MAX_EXPORT_BYTES_IN_FLIGHT (${limits.maxExportBytesInFlight} bytes)`,
      };
    }
    return undefined;
  }

  private measure(sampleMs: number): void {
    if (!Number.isFinite(sampleMs) || sampleMs < 0) return;
    this.slotMs = this.slotMs === 0 ? sampleMs : this.slotMs + SLOT_EWMA_WEIGHT * (sampleMs - this.slotMs);
  }
}

/**
 * Counts refusals and logs them at most once per {@link SHED_LOG_INTERVAL_MS}, one line naming the
 * limits that refused: under overload a line per refusal was itself a cost (http-error.ts).
 */
export class ShedLog {
  private readonly byLimit = new Map<string, number>();
  private lastLogMs = -Infinity;
  private readonly log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  count(limit: string, nowMs: number): void {
    this.byLimit.set(limit, (this.byLimit.get(limit) ?? 0) + 1);
    if (nowMs - this.lastLogMs < SHED_LOG_INTERVAL_MS) return;
    const parts = [...this.byLimit].map(([name, n]) => `${n} by ${name}`).join(", ");
    this.log(`overloaded: refused export requests with 503 + Retry-After since the last report: ${parts} (docs/limits.md, "Overload")`);
    this.byLimit.clear();
    this.lastLogMs = nowMs;
  }
}

/**
 * The OTLP routes' admission middleware: admits the export (or answers 503 + Retry-After before
 * its body is read), leaves the ticket on the context for the body reader to grow, and releases it
 * when the answer is ready. One {@link ExportAdmission} per app: the Worker's is per isolate.
 */
export function admitExports(admission = new ExportAdmission()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = Number(c.req.header("Content-Length") ?? 0);
    const admittedMs = Date.now();
    let ticket: AdmissionTicket;
    try {
      ticket = admission.admit(limitsOf(c.env), Number.isSafeInteger(declared) && declared > 0 ? declared : 0, admittedMs);
    } catch (error) {
      if (error instanceof OverloadError) await dropBody(c.req.raw, c.get("lingerOn"));
      throw error;
    }
    c.set("admission", ticket);
    let completed = false;
    try {
      await next();
      completed = c.res.status === 200;
      // The time this export spent in the Worker, from admission to answer (W3C Server-Timing): what
      // a sender sees beyond it waited in front of the Worker (bench:overload splits the two).
      if (completed) c.res.headers.set("Server-Timing", `worker;dur=${Date.now() - admittedMs}`);
      // Refused further on (a ModelStore's queue): counted with the refusals made here.
      if (c.error instanceof OverloadError) admission.countShed(c.error.limit, Date.now());
    } finally {
      ticket.release(Date.now(), completed);
    }
  };
}

/**
 * Reads and drops a refused export's body before the 503 goes out (discard-body.ts). Left unread,
 * workerd waits 1 s for it after the answer and then closes the connection; under overload bodies
 * arrive late (they queue in front of the Worker like the requests), so refusals turned into
 * connection resets, and through `wrangler dev`'s proxy into its 503 "Your worker restarted
 * mid-request" without Retry-After. A body still arriving past the discard budget gets the
 * lingering close.
 */
async function dropBody(request: Request, lingerOn: ((reader: ReadableStreamDefaultReader<Uint8Array>) => void) | undefined): Promise<void> {
  if (request.body === null || request.bodyUsed) return;
  const reader = request.body.getReader();
  reader.closed.catch(() => undefined);
  if (await discardRest(reader)) return;
  if (lingerOn !== undefined) lingerOn(reader);
  else await cancelBody(reader, "export refused (overloaded); the rest of its body exceeds the discard budget");
}

function limitsOf(env: object): AdmissionLimits {
  try {
    return admissionLimits(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new HttpError(500, `server misconfigured: ${error.message}`, {}, error);
    throw error;
  }
}
