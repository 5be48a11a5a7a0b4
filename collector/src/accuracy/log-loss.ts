/**
 * scikit-learn's clip for log loss (its `eps` for float64 before 1.5): a score of exactly 0 or 1
 * that is wrong costs −ln(1e-15) ≈ 34.5 instead of infinity.
 */
export const LOG_LOSS_EPSILON = 1e-15;

/**
 * The log loss of one joined pair from the score of the predicted label (docs/accuracy.md):
 * the score is read as the probability that the predicted label is right, so the loss is
 * −ln(score) when it was and −ln(1 − score) when it was not. For a binary classifier whose
 * score is the probability of its predicted label this is exactly the usual binary log loss;
 * for more classes it is the log loss of that "is it right" forecast.
 */
export function pairLogLoss(score: number, correct: boolean): number {
  const p = correct ? score : 1 - score;
  return -Math.log(Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p)));
}
