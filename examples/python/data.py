"""Seeded synthetic loan applications and whether they defaulted (standard library only).

The outcome is drawn from a known logistic law of the features, so a model trained on the rows
has something real to learn, and tests can draw ground truth for live traffic the same way.
"""

import math
import random

EMPLOYMENT = ("salaried", "self_employed", "contract", "unemployed")
EMPLOYMENT_WEIGHTS = (0.62, 0.16, 0.14, 0.08)
FEATURES = ("income", "age", "debt_to_income", "late_payments", "employment", "has_mortgage")


def applicant(rng):
    """One application: what the model sees (numbers, a category and a boolean)."""
    return {
        "income": round(math.exp(rng.gauss(10.9, 0.45)), 2),
        "age": rng.randint(21, 70),
        "debt_to_income": round(min(1.5, max(0.0, rng.gauss(0.32, 0.14))), 4),
        "late_payments": min(8, int(rng.expovariate(1.4))),
        "employment": rng.choices(EMPLOYMENT, EMPLOYMENT_WEIGHTS)[0],
        "has_mortgage": rng.random() < 0.4,
    }


def default_probability(row):
    """The true law the outcome is drawn from."""
    z = (-1.2 - 1.1 * (math.log(row["income"]) - 10.9) + 3.2 * (row["debt_to_income"] - 0.32) + 0.55 * row["late_payments"]
         + {"salaried": -0.3, "self_employed": 0.1, "contract": 0.4, "unemployed": 1.2}[row["employment"]] - 0.2 * row["has_mortgage"])
    return 1 / (1 + math.exp(-z))


def outcome(row, rng):
    """"default" or "repaid", drawn from the true law."""
    return "default" if rng.random() < default_probability(row) else "repaid"


def training_set(seed, size):
    """``size`` rows with their outcomes, the same for the same seed."""
    rng = random.Random(seed)
    rows = [applicant(rng) for _ in range(size)]
    return rows, [outcome(row, rng) for row in rows]
