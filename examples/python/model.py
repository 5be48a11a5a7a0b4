"""A small logistic-regression model, trained by gradient descent in plain Python.

Features are standardised (numbers) or one-hot encoded (the category, the boolean); the model
answers the label "default" or "repaid" with the probability of that label as its score.
"""

import math

from data import EMPLOYMENT


def _vector(row):
    return [
        math.log(row["income"]), row["age"] / 10, row["debt_to_income"], float(row["late_payments"]),
        1.0 if row["has_mortgage"] else 0.0, *[1.0 if row["employment"] == e else 0.0 for e in EMPLOYMENT],
    ]


class Model:
    """``Model.train(rows, labels)`` then ``model.predict(row) -> (label, score)``."""

    def __init__(self, weights, bias, means, scales):
        self.weights, self.bias, self.means, self.scales = weights, bias, means, scales

    @classmethod
    def train(cls, rows, labels, epochs=60, rate=0.5):
        xs = [_vector(row) for row in rows]
        n, d = len(xs), len(xs[0])
        means = [sum(x[j] for x in xs) / n for j in range(d)]
        scales = [max(1e-9, math.sqrt(sum((x[j] - means[j]) ** 2 for x in xs) / n)) for j in range(d)]
        xs = [[(x[j] - means[j]) / scales[j] for j in range(d)] for x in xs]
        ys = [1.0 if label == "default" else 0.0 for label in labels]
        weights, bias = [0.0] * d, 0.0
        for _ in range(epochs):
            grad, grad_bias = [0.0] * d, 0.0
            for x, y in zip(xs, ys):
                error = 1 / (1 + math.exp(-(bias + sum(w * v for w, v in zip(weights, x))))) - y
                grad_bias += error
                for j in range(d):
                    grad[j] += error * x[j]
            bias -= rate * grad_bias / n
            weights = [w - rate * g / n for w, g in zip(weights, grad)]
        return cls(weights, bias, means, scales)

    def probability(self, row):
        x = _vector(row)
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.means, self.scales))
        return 1 / (1 + math.exp(-z))

    def predict(self, row):
        p = self.probability(row)
        return ("default", p) if p >= 0.5 else ("repaid", 1 - p)
