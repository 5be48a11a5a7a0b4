import type { ModelAccumulator } from "../fold/batch.ts";
import { JoinEvent } from "../fold/series.ts";
import { SeriesKind } from "../series/kinds.ts";
import type { JoinedPair } from "./join-record.ts";
import { pairLogLoss } from "./log-loss.ts";

/**
 * Folds joined pairs into accuracy series (docs/accuracy.md), through the same accumulator as
 * ingest, so they become ordinary minute deltas: the pair's figures go to the **prediction's**
 * minute, version and segments (accuracy over time is accuracy of the predictions made then);
 * the join itself (a `joined` count and the actual's delay) goes to `joinMinute`, when it happened.
 * A classification pair (label and label) feeds the confusion counts, and its score the per-label
 * score digests and the log loss; a regression pair (value and value) the error digests. A pair
 * of a label and a value is joined and counted but has no figure to add.
 */
export function foldPairs(acc: ModelAccumulator, pairs: readonly JoinedPair[], joinMinute: number): void {
  for (const { prediction, actual } of pairs) {
    const version = prediction.version;
    acc.addCount(SeriesKind.joinEvents, version, JoinEvent.joined, "", joinMinute, 1);
    // A clock that puts the actual before its prediction is a skew, not a negative delay.
    acc.addNumber(SeriesKind.actualDelay, version, "", "", joinMinute, Math.max(0, (actual.timeMs - prediction.timeMs) / 1000));
    for (let s = -1; s < prediction.segments.length; s++) {
      const group = acc.group(version, s < 0 ? "" : prediction.segments[s], prediction.minute);
      if (prediction.label !== null && actual.label !== null) {
        group.category(SeriesKind.confusion, actual.label, prediction.label);
        if (prediction.score !== null) {
          const correct = prediction.label === actual.label;
          group.number(correct ? SeriesKind.scoreHit : SeriesKind.scoreMiss, prediction.label, prediction.score);
          group.number(SeriesKind.logLoss, "", pairLogLoss(prediction.score, correct));
        }
      } else if (prediction.value !== null && actual.value !== null) {
        const error = prediction.value - actual.value;
        group.number(SeriesKind.predictionError, "", error);
        group.number(SeriesKind.absoluteError, "", Math.abs(error));
        if (actual.value !== 0) group.number(SeriesKind.absolutePercentageError, "", Math.abs(error) / Math.abs(actual.value));
      }
    }
  }
}
