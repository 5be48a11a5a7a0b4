import json
import unittest

from driftline import encode
from driftline.encode import Tally

from .fakes import FakeBool, FakeInt64, FakeNA

IDENTITY = encode.identity_json("credit", "v3")


def prediction(features, prediction=None, label=None, score=None, latency_seconds=None, id=None, segments=None, when=None, error=None, tally=None):
    tally = tally if tally is not None else Tally()
    text = encode.encode_prediction(IDENTITY, 1_700_000_000_000_000_000, features, prediction, label, score, latency_seconds, id, segments, when, error, tally)
    record = json.loads(text)
    return record, {kv["key"]: kv["value"] for kv in record["attributes"]}


class PredictionEncodingTest(unittest.TestCase):
    def test_a_prediction_is_an_ml_prediction_event_with_the_model_identity(self):
        record, attrs = prediction({"income": 52000.5})
        self.assertEqual(record["eventName"], "ml.prediction")
        self.assertEqual(record["severityNumber"], 9)
        self.assertEqual(attrs["ml.model.id"], {"stringValue": "credit"})
        self.assertEqual(attrs["ml.model.version"], {"stringValue": "v3"})
        self.assertEqual(record["timeUnixNano"], "1700000000000000000")

    def test_features_keep_their_type_ints_as_int64_strings(self):
        _, attrs = prediction({"income": 52000.5, "age": 41, "plan": "pro", "vip": True, "n": FakeInt64(3), "flag": FakeBool(False)})
        self.assertEqual(attrs["ml.feature.income"], {"doubleValue": 52000.5})
        self.assertEqual(attrs["ml.feature.age"], {"intValue": "41"})
        self.assertEqual(attrs["ml.feature.plan"], {"stringValue": "pro"})
        self.assertEqual(attrs["ml.feature.vip"], {"boolValue": True})
        self.assertEqual(attrs["ml.feature.n"], {"intValue": "3"})
        self.assertEqual(attrs["ml.feature.flag"], {"boolValue": False})

    def test_nan_is_sent_as_proto3_json_nan_and_none_or_na_left_out(self):
        tally = Tally()
        _, attrs = prediction({"a": float("nan"), "b": None, "c": FakeNA(), "d": float("-inf")}, tally=tally)
        self.assertEqual(attrs["ml.feature.a"], {"doubleValue": "NaN"})
        self.assertEqual(attrs["ml.feature.d"], {"doubleValue": "-Infinity"})
        self.assertNotIn("ml.feature.b", attrs)
        self.assertNotIn("ml.feature.c", attrs)
        self.assertEqual(tally.invalid_values, 0)

    def test_non_ascii_and_quotes_survive_the_json(self):
        _, attrs = prediction({'city "name"': "Zürich\n"})
        self.assertEqual(attrs['ml.feature.city "name"'], {"stringValue": "Zürich\n"})

    def test_integers_past_int64_become_doubles(self):
        _, attrs = prediction({"big": 1 << 70})
        self.assertEqual(attrs["ml.feature.big"], {"doubleValue": float(1 << 70)})

    def test_numeric_prediction_is_a_value_and_a_class_is_a_label(self):
        _, attrs = prediction({}, prediction=0.25)
        self.assertEqual(attrs["ml.prediction.value"], {"doubleValue": 0.25})
        _, attrs = prediction({}, prediction="approve")
        self.assertEqual(attrs["ml.prediction.label"], {"stringValue": "approve"})
        _, attrs = prediction({}, prediction=FakeBool(True))
        self.assertEqual(attrs["ml.prediction.label"], {"stringValue": "true"})

    def test_label_with_score_latency_id_segments_and_error(self):
        _, attrs = prediction({}, label="fraud", score=0.91, latency_seconds=0.012, id=FakeInt64(17), segments={"region": "eu"}, error=ValueError("x"))
        self.assertEqual(attrs["ml.prediction.label"], {"stringValue": "fraud"})
        self.assertEqual(attrs["ml.prediction.score"], {"doubleValue": 0.91})
        self.assertEqual(attrs["ml.prediction.latency"], {"doubleValue": 0.012})
        self.assertEqual(attrs["ml.prediction.id"], {"stringValue": "17"})
        self.assertEqual(attrs["ml.segment.region"], {"stringValue": "eu"})
        self.assertEqual(attrs["error.type"], {"stringValue": "ValueError"})

    def test_bad_values_are_left_out_and_counted(self):
        tally = Tally()
        _, attrs = prediction({"ok": 1, "list": [1, 2], "x" * 129: 1}, score="high", latency_seconds=-1, id=1.5, tally=tally)
        self.assertEqual(set(k for k in attrs if k.startswith("ml.feature.")), {"ml.feature.ok"})
        self.assertNotIn("ml.prediction.score", attrs)
        self.assertNotIn("ml.prediction.latency", attrs)
        self.assertNotIn("ml.prediction.id", attrs)
        self.assertEqual(tally.invalid_values, 5)

    def test_time_accepts_epoch_seconds_and_datetimes(self):
        import datetime

        record, _ = prediction({}, when=1_600_000_000.5)
        self.assertEqual(record["timeUnixNano"], "1600000000500000000")
        record, _ = prediction({}, when=datetime.datetime(2020, 9, 13, 12, 26, 40, tzinfo=datetime.timezone.utc))
        self.assertEqual(record["timeUnixNano"], "1600000000000000000")
        tally = Tally()
        record, _ = prediction({}, when="yesterday", tally=tally)
        self.assertEqual(record["timeUnixNano"], "1700000000000000000")
        self.assertEqual(tally.invalid_values, 1)


class ActualEncodingTest(unittest.TestCase):
    def test_actual_numbers_are_values_and_classes_are_labels(self):
        tally = Tally()
        value = json.loads(encode.encode_actual(IDENTITY, 1, "req-1", 12.5, tally))
        label = json.loads(encode.encode_actual(IDENTITY, 1, 7, FakeBool(True), tally))
        self.assertEqual(value["eventName"], "ml.actual")
        attrs = {kv["key"]: kv["value"] for kv in value["attributes"]}
        self.assertEqual(attrs["ml.actual.value"], {"doubleValue": 12.5})
        self.assertEqual(attrs["ml.prediction.id"], {"stringValue": "req-1"})
        attrs = {kv["key"]: kv["value"] for kv in label["attributes"]}
        self.assertEqual(attrs["ml.actual.label"], {"stringValue": "true"})
        self.assertEqual(attrs["ml.prediction.id"], {"stringValue": "7"})

    def test_an_actual_nobody_can_join_is_an_invalid_record(self):
        tally = Tally()
        self.assertIsNone(encode.encode_actual(IDENTITY, 1, None, 1.0, tally))
        self.assertIsNone(encode.encode_actual(IDENTITY, 1, "", 1.0, tally))
        self.assertIsNone(encode.encode_actual(IDENTITY, 1, "id", [1], tally))
        self.assertEqual(tally.invalid_records, 3)


class RequestEncodingTest(unittest.TestCase):
    def test_request_is_an_export_logs_service_request(self):
        tally = Tally()
        records = [encode.encode_actual(IDENTITY, 1, "a", 1.0, tally)]
        body = json.loads(encode.encode_request(encode.attribute("service.name", "svc"), '{"name":"driftline"}', records))
        scope_logs = body["resourceLogs"][0]["scopeLogs"][0]
        self.assertEqual(body["resourceLogs"][0]["resource"]["attributes"], [{"key": "service.name", "value": {"stringValue": "svc"}}])
        self.assertEqual(scope_logs["scope"], {"name": "driftline"})
        self.assertEqual(len(scope_logs["logRecords"]), 1)
