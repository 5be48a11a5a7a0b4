import { gzipSync } from "node:zlib";
import type { Baseline } from "./build.ts";
import type { VersionDriftSettings } from "@driftline/collector";
import { baselineToJson } from "./wire.ts";

/** Where a baseline goes. The token is an ingest token: a baseline is data written (docs/auth.md). */
export type BaselineTarget = {
  /** The Worker's base URL, e.g. `http://127.0.0.1:8787`. */
  endpoint: string;
  /** An ingest token. */
  token: string;
  model: string;
  version: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** The version's drift settings, stored with the baseline (`uploadBaseline` only; docs/baselines.md). */
  settings?: VersionDriftSettings;
};

/** What the Worker stored, as `GET .../baseline` returns it. */
export type StoredBaseline = {
  model: string;
  version: string;
  rows: number;
  uploadedAt: string;
  source: "upload" | "window";
  features: { name: string; type: "numeric" | "categorical"; count: number }[];
  /** `kind`: what traffic must send, `value` (ml.prediction.value), `label` or `label_with_score`. */
  prediction: { type: "numeric" | "categorical"; kind?: "value" | "label" | "label_with_score"; count: number } | null;
};

/** A non-2xx answer from the Worker; the message carries its `error`. */
export class DriftlineHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "DriftlineHttpError";
    this.status = status;
  }
}

/** The URL of a version's baseline. */
export function baselineUrl(target: Pick<BaselineTarget, "endpoint" | "model" | "version">): string {
  return `${target.endpoint.replace(/\/+$/, "")}/api/models/${encodeURIComponent(target.model)}/versions/${encodeURIComponent(target.version)}/baseline`;
}

/**
 * Uploads a baseline built by `buildBaseline`, replacing the version's previous one. Works
 * before the model has sent any traffic. Resolves with what the Worker stored.
 */
export async function uploadBaseline(baseline: Baseline, target: BaselineTarget): Promise<StoredBaseline> {
  return put(target, JSON.stringify({ ...baselineToJson(baseline), ...(target.settings === undefined ? {} : { settings: target.settings }) }));
}

/**
 * Makes the Worker build the version's baseline from traffic it already holds: its minute
 * buckets in [from, to). Resolves with what the Worker stored.
 */
export async function useReferenceWindow(window: { from: Date; to: Date }, target: BaselineTarget): Promise<StoredBaseline> {
  return put(target, JSON.stringify({ from: window.from.toISOString(), to: window.to.toISOString() }));
}

/** Bodies past this are gzipped: a thousand features' digests pass the Worker's 4 MiB MAX_BODY_BYTES as JSON. */
const GZIP_ABOVE_BYTES = 64 * 1024;

async function put(target: BaselineTarget, json: string): Promise<StoredBaseline> {
  const doFetch = target.fetch ?? fetch;
  const headers: Record<string, string> = { Authorization: `Bearer ${target.token}`, "Content-Type": "application/json" };
  let body: BodyInit = json;
  if (json.length > GZIP_ABOVE_BYTES) {
    body = new Uint8Array(gzipSync(json)) as Uint8Array<ArrayBuffer>;
    headers["Content-Encoding"] = "gzip";
  }
  const response = await doFetch(baselineUrl(target), { method: "PUT", headers, body });
  return answer<StoredBaseline>(response);
}

/** The JSON of a 2xx answer, or a DriftlineHttpError carrying the Worker's message. */
export async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // Not JSON: keep the text.
    }
    throw new DriftlineHttpError(response.status, `${response.status} ${response.statusText}: ${message}`);
  }
  return JSON.parse(text) as T;
}
