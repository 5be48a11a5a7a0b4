"""The ``ml.*`` names Driftline folds (docs/semantic-conventions.md).

Kept in step with collector/src/fold/conventions.ts, which the Node SDK imports; a unit test
(tests/test_conventions.py) reads that file and fails when the two disagree.
"""

MODEL_ID = "ml.model.id"
MODEL_VERSION = "ml.model.version"
PREDICTION_ID = "ml.prediction.id"
FEATURE_PREFIX = "ml.feature."
PREDICTION_VALUE = "ml.prediction.value"
PREDICTION_LABEL = "ml.prediction.label"
PREDICTION_SCORE = "ml.prediction.score"
PREDICTION_LATENCY = "ml.prediction.latency"
SEGMENT_PREFIX = "ml.segment."
BATCH_ID = "ml.batch.id"
ACTUAL_VALUE = "ml.actual.value"
ACTUAL_LABEL = "ml.actual.label"
ERROR_TYPE = "error.type"

EVENT_PREDICTION = "ml.prediction"
EVENT_ACTUAL = "ml.actual"

#: The semantic conventions' fallback value of ``error.type``.
OTHER_ERROR = "_OTHER"
#: Longest model id, version, feature or segment name the receiver accepts (docs/limits.md).
MAX_NAME_LENGTH = 128
