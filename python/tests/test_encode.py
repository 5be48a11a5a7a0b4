import json
import struct
import unittest

from driftline import encode
from driftline.encode import Tally

from . import otlp_wire
from .fakes import FakeBool, FakeFloat32, FakeInt64, FakeNA


def decode_body(codec, body):
    """A request body as its proto3 JSON dict: parsed as JSON, or read by the independent protobuf reader."""
    return json.loads(body) if codec is encode.JSON else otlp_wire.decode(body)


def records_of(codec, records):
    """``records`` (pieces of ``codec``) sent in one request and read back."""
    body = codec.request(codec.resource({"service.name": "svc"}), codec.scope("driftline", "0.1.0"), records)
    return decode_body(codec, body)["resourceLogs"][0]["scopeLogs"][0]["logRecords"]


class Cases:
    """Each case runs once per wire format (the subclasses below set ``codec``)."""

    codec = None

    def prediction(self, features, prediction=None, label=None, score=None, latency_seconds=None, id=None, segments=None, when=None, error=None, tally=None):
        tally = tally if tally is not None else Tally()
        identity = self.codec.identity("credit", "v3")
        piece = encode.encode_prediction(self.codec, identity, 1_700_000_000_000_000_000, features, prediction, label, score, latency_seconds, id, segments, when, error, tally)
        (record,) = records_of(self.codec, [piece])
        return record, {kv["key"]: kv["value"] for kv in record["attributes"]}

    def actual(self, prediction_id, actual, tally):
        piece = encode.encode_actual(self.codec, self.codec.identity("credit", "v3"), 1, prediction_id, actual, tally)
        if piece is None:
            return None
        (record,) = records_of(self.codec, [piece])
        return record


class PredictionCases(Cases):
    def test_a_prediction_is_an_ml_prediction_event_with_the_model_identity(self):
        record, attrs = self.prediction({"income": 52000.5})
        self.assertEqual(record["eventName"], "ml.prediction")
        self.assertEqual(record["severityNumber"], 9)
        self.assertEqual(attrs["ml.model.id"], {"stringValue": "credit"})
        self.assertEqual(attrs["ml.model.version"], {"stringValue": "v3"})
        self.assertEqual(record["timeUnixNano"], "1700000000000000000")

    def test_features_keep_their_type_ints_as_int64_strings(self):
        _, attrs = self.prediction({"income": 52000.5, "age": 41, "plan": "pro", "vip": True, "n": FakeInt64(3), "flag": FakeBool(False)})
        self.assertEqual(attrs["ml.feature.income"], {"doubleValue": 52000.5})
        self.assertEqual(attrs["ml.feature.age"], {"intValue": "41"})
        self.assertEqual(attrs["ml.feature.plan"], {"stringValue": "pro"})
        self.assertEqual(attrs["ml.feature.vip"], {"boolValue": True})
        self.assertEqual(attrs["ml.feature.n"], {"intValue": "3"})
        self.assertEqual(attrs["ml.feature.flag"], {"boolValue": False})

    def test_nan_is_sent_as_proto3_json_nan_and_none_or_na_left_out(self):
        tally = Tally()
        _, attrs = self.prediction({"a": float("nan"), "b": None, "c": FakeNA(), "d": float("-inf")}, tally=tally)
        self.assertEqual(attrs["ml.feature.a"], {"doubleValue": "NaN"})
        self.assertEqual(attrs["ml.feature.d"], {"doubleValue": "-Infinity"})
        self.assertNotIn("ml.feature.b", attrs)
        self.assertNotIn("ml.feature.c", attrs)
        self.assertEqual(tally.invalid_values, 0)

    def test_non_ascii_and_quotes_survive_the_json(self):
        _, attrs = self.prediction({'city "name"': "Zürich\n"})
        self.assertEqual(attrs['ml.feature.city "name"'], {"stringValue": "Zürich\n"})

    def test_integers_past_int64_become_doubles(self):
        _, attrs = self.prediction({"big": 1 << 70})
        self.assertEqual(attrs["ml.feature.big"], {"doubleValue": float(1 << 70)})

    def test_numeric_prediction_is_a_value_and_a_class_is_a_label(self):
        _, attrs = self.prediction({}, prediction=0.25)
        self.assertEqual(attrs["ml.prediction.value"], {"doubleValue": 0.25})
        _, attrs = self.prediction({}, prediction="approve")
        self.assertEqual(attrs["ml.prediction.label"], {"stringValue": "approve"})
        _, attrs = self.prediction({}, prediction=FakeBool(True))
        self.assertEqual(attrs["ml.prediction.label"], {"stringValue": "true"})

    def test_label_with_score_latency_id_segments_and_error(self):
        _, attrs = self.prediction({}, label="fraud", score=0.91, latency_seconds=0.012, id=FakeInt64(17), segments={"region": "eu"}, error=ValueError("x"))
        self.assertEqual(attrs["ml.prediction.label"], {"stringValue": "fraud"})
        self.assertEqual(attrs["ml.prediction.score"], {"doubleValue": 0.91})
        self.assertEqual(attrs["ml.prediction.latency"], {"doubleValue": 0.012})
        self.assertEqual(attrs["ml.prediction.id"], {"stringValue": "17"})
        self.assertEqual(attrs["ml.segment.region"], {"stringValue": "eu"})
        self.assertEqual(attrs["error.type"], {"stringValue": "ValueError"})

    def test_bad_values_are_left_out_and_counted(self):
        tally = Tally()
        _, attrs = self.prediction({"ok": 1, "list": [1, 2], "x" * 129: 1}, score="high", latency_seconds=-1, id=1.5, tally=tally)
        self.assertEqual(set(k for k in attrs if k.startswith("ml.feature.")), {"ml.feature.ok"})
        self.assertNotIn("ml.prediction.score", attrs)
        self.assertNotIn("ml.prediction.latency", attrs)
        self.assertNotIn("ml.prediction.id", attrs)
        self.assertEqual(tally.invalid_values, 5)

    def test_time_accepts_epoch_seconds_and_datetimes(self):
        import datetime

        record, _ = self.prediction({}, when=1_600_000_000.5)
        self.assertEqual(record["timeUnixNano"], "1600000000500000000")
        record, _ = self.prediction({}, when=datetime.datetime(2020, 9, 13, 12, 26, 40, tzinfo=datetime.timezone.utc))
        self.assertEqual(record["timeUnixNano"], "1600000000000000000")
        tally = Tally()
        record, _ = self.prediction({}, when="yesterday", tally=tally)
        self.assertEqual(record["timeUnixNano"], "1700000000000000000")
        self.assertEqual(tally.invalid_values, 1)


class ActualCases(Cases):
    def test_actual_numbers_are_values_and_classes_are_labels(self):
        tally = Tally()
        value = self.actual("req-1", 12.5, tally)
        label = self.actual(7, FakeBool(True), tally)
        self.assertEqual(value["eventName"], "ml.actual")
        attrs = {kv["key"]: kv["value"] for kv in value["attributes"]}
        self.assertEqual(attrs["ml.actual.value"], {"doubleValue": 12.5})
        self.assertEqual(attrs["ml.prediction.id"], {"stringValue": "req-1"})
        attrs = {kv["key"]: kv["value"] for kv in label["attributes"]}
        self.assertEqual(attrs["ml.actual.label"], {"stringValue": "true"})
        self.assertEqual(attrs["ml.prediction.id"], {"stringValue": "7"})

    def test_an_actual_nobody_can_join_is_an_invalid_record(self):
        tally = Tally()
        self.assertIsNone(self.actual(None, 1.0, tally))
        self.assertIsNone(self.actual("", 1.0, tally))
        self.assertIsNone(self.actual("id", [1], tally))
        self.assertEqual(tally.invalid_records, 3)


class RequestCases(Cases):
    def test_request_is_an_export_logs_service_request(self):
        codec = self.codec
        tally = Tally()
        identity = codec.identity("credit", "v3")
        records = [encode.encode_actual(codec, identity, 1, "a", 1.0, tally), encode.encode_prediction(codec, identity, 2, {"x": 1.5}, None, None, None, None, None, None, None, None, tally)]
        body = decode_body(codec, codec.request(codec.resource({"service.name": "svc", "n": 3}), codec.scope("driftline", "0.1.0"), records))
        resource_logs = body["resourceLogs"]
        self.assertEqual(len(resource_logs), 1)
        self.assertEqual(resource_logs[0]["resource"]["attributes"], [{"key": "service.name", "value": {"stringValue": "svc"}}, {"key": "n", "value": {"intValue": "3"}}])
        scope_logs = resource_logs[0]["scopeLogs"]
        self.assertEqual(len(scope_logs), 1)
        self.assertEqual(scope_logs[0]["scope"], {"name": "driftline", "version": "0.1.0"})
        self.assertEqual([r["eventName"] for r in scope_logs[0]["logRecords"]], ["ml.actual", "ml.prediction"])
        self.assertEqual(scope_logs[0]["logRecords"][1]["attributes"][2], {"key": "ml.feature.x", "value": {"doubleValue": 1.5}})

    def test_resource_attributes_of_any_length_and_kind(self):
        # OTEL_RESOURCE_ATTRIBUTES and resource_attributes= are the user's: no name-length limit applies.
        codec = self.codec
        attributes = {"k" * 3000: "v" * 3000, "flag": True, "ratio": 0.5}
        body = decode_body(codec, codec.request(codec.resource(attributes), codec.scope("driftline", "0.1.0"), []))
        got = {kv["key"]: kv["value"] for kv in body["resourceLogs"][0]["resource"]["attributes"]}
        self.assertEqual(got, {"k" * 3000: {"stringValue": "v" * 3000}, "flag": {"boolValue": True}, "ratio": {"doubleValue": 0.5}})

    def test_a_large_batch_frames_every_record(self):
        # Past 2^14 bytes the lengths of the ScopeLogs and ResourceLogs take three-byte varints.
        codec = self.codec
        identity = codec.identity("credit", "v3")
        pieces = [encode.encode_prediction(codec, identity, 1 + i, {"i": i, "s": "v" * (i % 300)}, None, None, None, None, str(i), None, None, None, Tally()) for i in range(2000)]
        records = records_of(codec, pieces)
        self.assertEqual(len(records), 2000)
        self.assertEqual([r["timeUnixNano"] for r in records], [str(1 + i) for i in range(2000)])
        self.assertEqual(records[1999]["attributes"][3], {"key": "ml.feature.s", "value": {"stringValue": "v" * (1999 % 300)}})


class ValueKindCases(Cases):
    """Every value kind the conventions carry, at the edges of its encoding."""

    def test_int64_bounds_negative_and_multi_byte_ints_stay_ints(self):
        values = {"zero": 0, "small": 127, "two_bytes": 128, "big": 1 << 40, "max": (1 << 63) - 1, "min": -(1 << 63), "neg": -1, "np": FakeInt64(-300)}
        _, attrs = self.prediction(values)
        for name, v in values.items():
            expected = int(v.item()) if isinstance(v, FakeInt64) else v
            self.assertEqual(attrs["ml.feature." + name], {"intValue": str(expected)}, name)

    def test_doubles_keep_every_bit_and_integral_doubles_stay_doubles(self):
        values = {"a": 0.1, "b": -2.5e-308, "c": 1e308, "integral": 2.0, "zero": 0.0, "neg_zero": -0.0, "f32": FakeFloat32(0.5)}
        _, attrs = self.prediction(values)
        for name, v in values.items():
            got = attrs["ml.feature." + name]["doubleValue"]
            self.assertEqual(struct.pack("<d", got), struct.pack("<d", float(v)), name)

    def test_booleans_including_false_are_sent(self):
        _, attrs = self.prediction({"t": True, "f": False, "nf": FakeBool(False)})
        self.assertEqual(attrs["ml.feature.t"], {"boolValue": True})
        self.assertEqual(attrs["ml.feature.f"], {"boolValue": False})
        self.assertEqual(attrs["ml.feature.nf"], {"boolValue": False})

    def test_strings_of_every_length_and_script_survive(self):
        values = {"empty": "", "ascii": "pro", "unicode": "Zürich 東京 🚀", "long": "x" * 127, "longer": "y" * 128, "huge": "z" * 20_000, "quote": 'a "b" \\ c\n'}
        _, attrs = self.prediction(values)
        for name, v in values.items():
            self.assertEqual(attrs["ml.feature." + name], {"stringValue": v}, name)

    def test_long_and_non_ascii_feature_names_are_keys(self):
        names = ["é" * 128, "n" * 128, "名前"]
        _, attrs = self.prediction({name: 1.5 for name in names})
        for name in names:
            self.assertEqual(attrs["ml.feature." + name], {"doubleValue": 1.5})

    def test_times_are_exact_nanoseconds(self):
        record, _ = self.prediction({}, when=1_600_000_000.5)
        self.assertEqual((record["timeUnixNano"], record["observedTimeUnixNano"]), ("1600000000500000000", "1700000000000000000"))
        self.assertEqual((record["severityNumber"], record["severityText"]), (9, "INFO"))
        self.assertNotIn("droppedAttributesCount", record)  # 0: nothing was dropped

    def test_a_time_past_int64_nanoseconds_is_invalid_and_now_is_used(self):
        tally = Tally()
        record, _ = self.prediction({}, when=1e13, tally=tally)  # the year 318857
        self.assertEqual(record["timeUnixNano"], "1700000000000000000")
        self.assertEqual(tally.invalid_values, 1)


class JsonPredictionTest(PredictionCases, unittest.TestCase):
    codec = encode.JSON


class ProtobufPredictionTest(PredictionCases, unittest.TestCase):
    codec = encode.PROTOBUF


class JsonActualTest(ActualCases, unittest.TestCase):
    codec = encode.JSON


class ProtobufActualTest(ActualCases, unittest.TestCase):
    codec = encode.PROTOBUF


class JsonRequestTest(RequestCases, unittest.TestCase):
    codec = encode.JSON


class ProtobufRequestTest(RequestCases, unittest.TestCase):
    codec = encode.PROTOBUF


class JsonValueKindTest(ValueKindCases, unittest.TestCase):
    codec = encode.JSON


class ProtobufValueKindTest(ValueKindCases, unittest.TestCase):
    codec = encode.PROTOBUF


class ProtobufOnlyTest(unittest.TestCase):
    def test_a_lone_surrogate_becomes_the_replacement_character_not_invalid_utf8(self):
        # A Python str may hold one; protobuf strings must be UTF-8 and the Worker refuses a body
        # that is not (the whole batch would be lost). JavaScript's TextEncoder does the same.
        codec = encode.PROTOBUF
        piece = encode.encode_prediction(codec, codec.identity("m", None), 1, {"city\udc80": "a\ud800b"}, None, None, None, None, None, None, None, None, Tally())
        (record,) = records_of(codec, [piece])
        self.assertEqual(record["attributes"][1], {"key": "ml.feature.city\ufffd", "value": {"stringValue": "a\ufffdb"}})

    def test_varints_match_the_wire_format(self):
        from driftline.otlp_protobuf import varint

        for n in (0, 1, 127, 128, 300, 16383, 16384, 2**32, 2**63, 2**64 - 1):
            self.assertEqual(otlp_wire.read_varint(varint(n), 0), (n, len(varint(n))), n)
        self.assertEqual(varint(300), b"\xac\x02")
        self.assertEqual(len(varint(2**64 - 1)), 10)
