import pathlib
import re
import unittest

from driftline import conventions as conv

CONVENTIONS_TS = pathlib.Path(__file__).resolve().parents[2] / "collector" / "src" / "fold" / "conventions.ts"


@unittest.skipUnless(CONVENTIONS_TS.exists(), f"{CONVENTIONS_TS} not found: the package was installed outside the repository")
class ConventionsTest(unittest.TestCase):
    def test_names_match_the_collectors_conventions(self):
        text = CONVENTIONS_TS.read_text()
        names = dict(re.findall(r"^\s+(\w+): \"([^\"]+)\",", text, re.M))
        pairs = {
            "modelId": conv.MODEL_ID, "modelVersion": conv.MODEL_VERSION, "predictionId": conv.PREDICTION_ID,
            "featurePrefix": conv.FEATURE_PREFIX, "predictionValue": conv.PREDICTION_VALUE, "predictionLabel": conv.PREDICTION_LABEL,
            "predictionScore": conv.PREDICTION_SCORE, "predictionLatency": conv.PREDICTION_LATENCY, "segmentPrefix": conv.SEGMENT_PREFIX, "batchId": conv.BATCH_ID,
            "actualValue": conv.ACTUAL_VALUE, "actualLabel": conv.ACTUAL_LABEL, "errorType": conv.ERROR_TYPE,
        }
        for ts_name, python_value in pairs.items():
            self.assertEqual(names.get(ts_name), python_value, ts_name)
        self.assertEqual(names.get("prediction"), conv.EVENT_PREDICTION)
        self.assertEqual(names.get("actual"), conv.EVENT_ACTUAL)
