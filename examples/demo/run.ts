/**
 * The demo's main function: trains the champion and the challenger on the synthetic credit-risk
 * data, uploads each version's training baseline, replays applications through the instrumented
 * model server (drift injected part-way), reports outcomes for some of them after a delay, and
 * reads back from the Worker what it counted and what drifted.
 */
import { buildBaseline, uploadBaseline } from "@driftline/sdk";
import { DRIFTED, NO_DRIFT, defaultProbability, drawApplicant, trainingSet } from "../credit-risk/data.ts";
import type { LabelledApplicant } from "../credit-risk/data.ts";
import { CreditRiskModel } from "../credit-risk/model.ts";
import { SeededRandom } from "../credit-risk/random.ts";
import { CreditRiskServer } from "../credit-risk/server.ts";
import { resolveDemoOptions } from "./options.ts";
import type { DemoOptions, ResolvedDemoOptions } from "./options.ts";
import { readCounts, readWorkerView } from "./worker-view.ts";
import type { WorkerView } from "./worker-view.ts";

/** Rows the models are trained on (and the baselines built from). */
export const TRAINING_ROWS = 20_000;
const TRAINING_SEED = 42;
const TRAFFIC_SEED = 2024;
/** The champion, lightly regularized, and a challenger with a heavier L2 penalty. */
const VERSIONS = [
  { version: "v1", l2: 1e-4 },
  { version: "v2", l2: 0.02 },
] as const;
/** One pacing step: applications due by then are scored, then the monitors flush (backpressure). */
const TICK_MS = 200;
/** How often a progress line is printed. */
const PROGRESS_EVERY_MS = 5_000;
const DAY_MS = 24 * 3600 * 1000;
/** Extra time past `minutes` (and the outcome delay) before the run gives up on what is left. */
const DEADLINE_GRACE_MS = 10_000;

/** What a run did, and what the Worker says about it. */
export type DemoResult = {
  model: string;
  versions: string[];
  /** Applications scored (each is one prediction per version). */
  applications: number;
  /** Outcomes reported (each is one actual per version). */
  outcomes: number;
  /** Applications from this index on were drawn from the drifted population. */
  driftFromApplication: number;
  /** Per version, what its monitor recorded, the Worker acknowledged, and lost. */
  sent: { version: string; recorded: number; exported: number; dropped: number }[];
  /** True when the `minutes` deadline stopped the traffic before every application was sent. */
  stoppedByDeadline: boolean;
  /** The Worker's own counts (over the model's life) and the drift of each version over the last hour. */
  worker: WorkerView;
  /** The Worker's counts per version before this run (earlier runs persist in .wrangler/state). */
  countsBefore: Record<string, { predictions: number; actuals: number }>;
};

/** A scheduled outcome report. */
type PendingOutcome = { dueMs: number; id: string; defaulted: boolean };

/** Runs the demo against a Worker that is already up. Resolves once everything was sent and read back. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const o = resolveDemoOptions(options);
  o.log(`Training ${VERSIONS.map((v) => v.version).join(" and ")} on ${TRAINING_ROWS.toLocaleString("en-US")} synthetic loan applications...`);
  const training = trainingSet(TRAINING_ROWS, TRAINING_SEED);
  const models = VERSIONS.map(({ version, l2 }) => CreditRiskModel.train(training, { version, l2, epochs: 150, learningRate: 0.5, threshold: 0.5 }));
  const holdout = trainingSet(5_000, TRAINING_SEED + 1);
  o.log(`  holdout accuracy: ${models.map((m) => `${m.version} ${(100 * m.accuracy(holdout)).toFixed(1)}%`).join(", ")}`);

  for (const model of models) {
    const stored = await uploadBaseline(await buildBaseline(baselineRows(training, model), { prediction: "prediction", score: "score", target: "outcome" }), {
      endpoint: o.endpoint,
      token: o.ingestToken,
      model: o.model,
      version: model.version,
    });
    o.log(`  baseline ${o.model}/${model.version}: ${stored.rows.toLocaleString("en-US")} rows, ${stored.features.length} features, the prediction, its score and the outcome`);
  }

  const countsBefore = Object.fromEntries(await readCounts(o));
  const server = new CreditRiskServer(models, { endpoint: o.endpoint, token: o.ingestToken, modelId: o.model });
  let traffic: { applications: number; outcomes: number; driftFrom: number; stoppedByDeadline: boolean };
  try {
    traffic = await driveTraffic(server, o);
  } finally {
    await server.shutdown();
  }
  const worker = await readWorkerView(o, models.map((m) => m.version));
  return {
    model: o.model,
    versions: models.map((m) => m.version),
    applications: traffic.applications,
    outcomes: traffic.outcomes,
    driftFromApplication: traffic.driftFrom,
    sent: server.stats(),
    stoppedByDeadline: traffic.stoppedByDeadline,
    worker,
    countsBefore,
  };
}

/**
 * The training rows with the model's own prediction and score, and what happened, as
 * buildBaseline reads them: the score as the server sends it (the probability of the predicted
 * label) and the outcome as the outcomes are reported, so score and target drift compare like
 * with like (docs/drift.md, "Target and score drift").
 */
function baselineRows(training: readonly LabelledApplicant[], model: CreditRiskModel): Record<string, unknown>[] {
  return training.map(({ applicant, defaulted }) => {
    const answer = model.predict(applicant);
    return { ...applicant, prediction: answer.label, score: answer.label === "default" ? answer.score : 1 - answer.score, outcome: defaulted ? "default" : "repaid" };
  });
}

async function driveTraffic(server: CreditRiskServer, o: ResolvedDemoOptions) {
  const random = new SeededRandom(TRAFFIC_SEED);
  const total = o.applications;
  const driftFrom = Math.floor(total * o.driftAfter);
  const startMs = Date.now();
  // The traffic itself takes `minutes`; the last outcomes come `outcomeDelayMs` later. The grace
  // covers slow flushes; past the deadline the run stops whatever is left, so it always ends.
  const deadlineMs = startMs + o.minutes * 60_000 + o.outcomeDelayMs + DEADLINE_GRACE_MS;
  const pending: PendingOutcome[] = [];
  let sent = 0;
  let outcomes = 0;
  let nextProgressMs = startMs + PROGRESS_EVERY_MS;
  o.log(
    `Scoring ${total.toLocaleString("en-US")} applications at ${o.rate}/s with ${o.day ? "timestamps spread over the past 24 h" : "timestamps of now"}; ` +
      `income and employment drift from application ${driftFrom.toLocaleString("en-US")} on; outcomes for ${Math.round(o.outcomeFraction * 100)}% after ${o.outcomeDelayMs / 1000} s.`,
  );

  const reportDue = (nowMs: number) => {
    // Outcomes are scheduled in send order with one delay, so the due ones are a prefix.
    let due = 0;
    while (due < pending.length && pending[due].dueMs <= nowMs) due++;
    for (const outcome of pending.splice(0, due)) server.recordOutcome(outcome.id, outcome.defaulted);
    outcomes += due;
  };

  while (sent < total || pending.length > 0) {
    const nowMs = Date.now();
    if (nowMs >= deadlineMs) break;
    const dueApplications = Math.min(total, Math.ceil(((nowMs - startMs) / 1000) * o.rate) || 1);
    for (; sent < dueApplications; sent++) {
      const applicant = drawApplicant(random, sent >= driftFrom ? DRIFTED : NO_DRIFT);
      const id = `app-${startMs.toString(36)}-${sent}`;
      // A day of traffic compressed into the run: application i of n happened (n − i)/n of a day before the start.
      const timestampMs = o.day ? startMs - DAY_MS + Math.floor((sent / total) * DAY_MS) : undefined;
      server.score({ id, applicant, timestampMs });
      const defaulted = random.bernoulli(defaultProbability(applicant));
      if (random.uniform() < o.outcomeFraction) pending.push({ dueMs: nowMs + o.outcomeDelayMs, id, defaulted });
    }
    reportDue(nowMs);
    await server.flush();
    if (Date.now() >= nextProgressMs) {
      nextProgressMs += PROGRESS_EVERY_MS;
      o.log(`  ${sent.toLocaleString("en-US")}/${total.toLocaleString("en-US")} applications scored, ${outcomes.toLocaleString("en-US")} outcomes reported${sent > driftFrom ? " (drifting)" : ""}`);
    }
    if (sent < total || pending.length > 0) await sleep(Math.max(0, TICK_MS - (Date.now() - nowMs)));
  }
  const stoppedByDeadline = sent < total || pending.length > 0;
  if (stoppedByDeadline) o.log(`  the ${o.minutes}-minute limit stopped the run: ${sent} of ${total} applications sent, ${pending.length} outcomes not reported`);
  await server.flush();
  return { applications: sent, outcomes, driftFrom, stoppedByDeadline };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
