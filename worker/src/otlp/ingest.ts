import { foldRequest } from "@driftline/collector";
import type { LogsData, MetricsData, ModelBatch, Signal, TracesData } from "@driftline/collector";
import type { Env } from "../env.ts";
import { limitsFromEnv } from "../config.ts";
import { OverloadError } from "../http/http-error.ts";
import { admitModel, modelStore } from "../http/stores.ts";

/** What the route reports back to the client: records rejected one by one, and why. */
export type IngestOutcome = { rejected: number; message: string };

/**
 * Folds one decoded OTLP request into per-model sketch deltas, then commits them with one awaited
 * RPC per model, in parallel. Resolves only after every ModelStore committed; throws when one
 * could not, and the route then answers 503 so the client retries. A retry after a partial
 * failure may count the committed models' share twice: OTLP's delivery is at-least-once.
 */
export async function ingestRequest(env: Env, tenant: string, signal: Signal, data: LogsData | MetricsData | TracesData): Promise<IngestOutcome> {
  const limits = limitsFromEnv(env);
  const folded = foldRequest(signal, data, limits, Date.now());
  let rejected = folded.rejected;
  const messages = folded.message === "" ? [] : [folded.message];

  const admitted: ModelBatch[] = [];
  for (const batch of folded.batches) {
    if (await admitModel(env, tenant, batch.modelId, limits)) admitted.push(batch);
    else {
      rejected += batch.records;
      messages.push(`${batch.records} × model ${JSON.stringify(batch.modelId)} refused: the tenant has maxModelsPerTenant (${limits.maxModelsPerTenant}) models`);
    }
  }
  const sentAtMs = Date.now();
  const receipts = await Promise.all(admitted.map((batch) => modelStore(env, tenant, batch.modelId).ingest(batch, undefined, sentAtMs)));
  const overloaded = receipts.find((r) => r.overloadedAfterMs !== undefined);
  if (overloaded !== undefined) {
    // Not acknowledged, so retried: the other models' share of this request may be counted twice
    // (OTLP delivery is at least once), never lost.
    throw new OverloadError("MAX_STORE_QUEUE_MS", `overloaded: ${overloaded.message}; not acknowledged, retry after the Retry-After seconds`);
  }
  for (const receipt of receipts) {
    rejected += receipt.rejected;
    if (receipt.message !== "") messages.push(receipt.message);
  }
  return { rejected, message: messages.join("; ") };
}
