/**
 * The example model server: a champion model answers each loan application and a challenger
 * scores the same application in shadow, both instrumented with `@driftline/sdk`. Outcomes
 * (did the borrower default?) come back later through `recordOutcome`, as `recordActual`.
 *
 * It is an in-process service rather than an HTTP one: what it shows is the instrumentation,
 * and a loopback HTTP hop would only slow the demo's traffic down.
 */
import { ModelMonitor } from "@driftline/sdk";
import type { Applicant } from "./data.ts";
import type { CreditRiskModel, Score } from "./model.ts";
import { SeededRandom } from "./random.ts";

/** Where the monitors send. */
export type MonitorTarget = {
  /** The Worker's base URL. */
  endpoint: string;
  /** An ingest token. */
  token: string;
  /** `ml.model.id`. */
  modelId: string;
};

/** One application to score. */
export type Application = {
  /** The association id the outcome will carry. */
  id: string;
  applicant: Applicant;
  /** When the application was scored, in epoch milliseconds (the demo's `--day` spreads these over the past day). */
  timestampMs?: number;
};

/**
 * The time a real service spends around the model (feature lookups, the network), in ms: a
 * log-normal draw, seeded, so latency panels show a realistic shape. The model's own time is
 * measured and added on top. Stated here because it is simulated.
 */
function servingOverheadMs(random: SeededRandom): number {
  return 6 * Math.exp(random.normal(0, 0.5));
}

/** A champion and its shadow challenger, each reporting to Driftline under its own version. */
export class CreditRiskServer {
  readonly #models: readonly CreditRiskModel[];
  readonly #monitors: readonly ModelMonitor[];
  readonly #random: SeededRandom;

  /** `models[0]` is the champion whose answer is returned; the rest score in shadow. */
  constructor(models: readonly CreditRiskModel[], target: MonitorTarget, seed = 7) {
    if (models.length === 0) throw new Error("CreditRiskServer needs at least one model");
    this.#models = models;
    this.#random = new SeededRandom(seed);
    this.#monitors = models.map(
      (model) =>
        new ModelMonitor({
          modelId: target.modelId,
          modelVersion: model.version,
          endpoint: target.endpoint,
          token: target.token,
          serviceName: "credit-risk-server",
          // The demo replays traffic faster than a service would see it; the default 2048 would
          // drop events between flushes, and the demo flushes after every tick anyway.
          maxQueueSize: 100_000,
          maxExportBatchSize: 2_000,
        }),
    );
  }

  /** Scores an application with every model, records each prediction, and returns the champion's answer. */
  score(application: Application): Score {
    const overheadMs = servingOverheadMs(this.#random);
    let championAnswer: Score | undefined;
    for (const [i, model] of this.#models.entries()) {
      const started = performance.now();
      const answer = model.predict(application.applicant);
      const latencyMs = performance.now() - started + overheadMs;
      this.#monitors[i].recordPrediction({
        features: application.applicant,
        // `ml.prediction.score` is the probability of the predicted label (docs/accuracy.md);
        // the model's score is P(default) whichever label it gives.
        prediction: { label: answer.label, score: answer.label === "default" ? answer.score : 1 - answer.score },
        latencyMs,
        id: application.id,
        segments: { home_ownership: application.applicant.home_ownership },
        timestamp: application.timestampMs,
      });
      championAnswer ??= answer;
    }
    return championAnswer as Score;
  }

  /** Reports what happened to application `id` to every model's monitor. */
  recordOutcome(id: string, defaulted: boolean): void {
    for (const monitor of this.#monitors) monitor.recordActual(id, defaulted ? "default" : "repaid");
  }

  /** Sends what the monitors have queued; resolves when the Worker has answered. */
  async flush(): Promise<void> {
    await Promise.all(this.#monitors.map((monitor) => monitor.flush()));
  }

  /** Flushes and stops the monitors. */
  async shutdown(): Promise<void> {
    await Promise.all(this.#monitors.map((monitor) => monitor.shutdown()));
  }

  /** Per model version: what its monitor recorded, sent and lost. */
  stats(): { version: string; recorded: number; exported: number; dropped: number }[] {
    return this.#models.map((model, i) => {
      const stats = this.#monitors[i].stats();
      return { version: model.version, recorded: stats.recorded, exported: stats.exportedRecords, dropped: stats.dropped };
    });
  }
}
