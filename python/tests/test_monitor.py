import json
import logging
import os
import subprocess
import sys
import unittest

from driftline import Monitor
from driftline.transport import backoff_seconds, parse_retry_after

from .fakes import FakeBool, FakeInt64
from .receiver import Receiver, free_port_closed

FAST = {"initial_backoff_seconds": 0.01, "max_backoff_seconds": 0.05, "schedule_delay_seconds": 0.05}


def monitor(url, **options):
    merged = dict(FAST)
    merged.update(options)
    return Monitor(url, "ingest-token", model="credit", version="v3", env={}, **merged)


class DeliveryTest(unittest.TestCase):
    def test_predictions_and_actuals_arrive_gzipped_as_otlp_in_order(self):
        with Receiver() as r:
            with monitor(r.url) as m:
                for i in range(10):
                    m.record_prediction({"income": 1000.0 * i, "vip": FakeBool(i % 2)}, label="yes", score=0.5, id=FakeInt64(i))
                for i in range(3):
                    m.record_actual(i, "yes")
                self.assertTrue(m.flush(5))
                stats = m.stats()
        self.assertEqual(r.requests[0]["path"], "/v1/logs")
        self.assertEqual(r.requests[0]["headers"]["Content-Encoding"], "gzip")
        self.assertEqual(r.requests[0]["headers"]["Authorization"], "Bearer ingest-token")
        records = r.records()
        self.assertEqual([rec["eventName"] for rec in records], ["ml.prediction"] * 10 + ["ml.actual"] * 3)
        self.assertEqual([rec["attributes"]["ml.prediction.id"]["stringValue"] for rec in records], [str(i) for i in range(10)] + ["0", "1", "2"])
        self.assertEqual(records[3]["attributes"]["ml.feature.vip"], {"boolValue": True})
        self.assertEqual((stats["recorded"], stats["exported_records"], stats["dropped"]), (13, 13, 0))

    def test_protobuf_by_default_and_json_on_request_carry_the_same_records(self):
        received = {}
        for protocol in ("http/protobuf", "http/json"):
            with Receiver() as r:
                with monitor(r.url, protocol=protocol) as m:
                    for i in range(5):
                        m.record_prediction({"x": i + 0.5, "n": -i, "s": "é" * i, "b": i % 2 == 0, "gone": None}, label="yes", score=0.25, latency_seconds=0.01, id=i, segments={"r": "eu"}, time=1_700_000_000 + i)
                    m.record_actual(3, 1.5)
                    self.assertTrue(m.flush(5))
            self.assertEqual(r.requests[0]["headers"]["Content-Type"], "application/" + ("x-protobuf" if protocol == "http/protobuf" else "json"))
            # Times taken when a record was queued differ between the runs: the given ones must not.
            received[protocol] = [{k: v for k, v in rec.items() if k != "observedTimeUnixNano" and (k != "timeUnixNano" or rec["eventName"] == "ml.prediction")} for rec in r.records()]
        self.assertEqual(len(received["http/protobuf"]), 6)
        self.assertEqual(received["http/protobuf"], received["http/json"])
        with Receiver() as r:
            with monitor(r.url) as m:  # no protocol: the default
                m.record_prediction({"x": 1})
                m.flush(5)
        self.assertEqual(r.requests[0]["headers"]["Content-Type"], "application/x-protobuf")

    def test_a_record_that_cannot_be_encoded_costs_only_itself(self):
        # float() of an int past the double range raises: before, the whole batch around it was lost.
        with Receiver() as r, self.assertLogs("driftline", logging.WARNING) as logs:
            with monitor(r.url) as m:
                m.record_prediction({"a": 1}, prediction=1)
                m.record_prediction({"a": 2}, prediction=10 ** 400)
                m.record_prediction({"a": 3}, prediction=3)
                self.assertTrue(m.flush(5))
                stats = m.stats()
        self.assertIn("a record could not be encoded and was left out", logs.output[0])
        self.assertEqual([rec["attributes"]["ml.feature.a"] for rec in r.records()], [{"intValue": "1"}, {"intValue": "3"}])
        self.assertEqual((stats["exported_records"], stats["invalid_records"], stats["dropped"]), (2, 1, 0))

    def test_the_caller_may_reuse_its_features_dict(self):
        with Receiver() as r:
            with monitor(r.url) as m:
                features = {"x": 1}
                m.record_prediction(features)
                features["x"] = 2
                m.record_prediction(features)
                m.flush(5)
        self.assertEqual([rec["attributes"]["ml.feature.x"] for rec in r.records()], [{"intValue": "1"}, {"intValue": "2"}])

    def test_batches_hold_at_most_max_batch_size_records(self):
        with Receiver() as r:
            with monitor(r.url, max_batch_size=4, max_queue_size=100) as m:
                for i in range(10):
                    m.record_prediction({"i": i})
                m.flush(5)
        sizes = [len(req["json"]["resourceLogs"][0]["scopeLogs"][0]["logRecords"]) for req in r.requests]
        self.assertEqual(sum(sizes), 10)
        self.assertLessEqual(max(sizes), 4)

    def test_receiver_partial_success_is_counted_and_logged(self):
        body = json.dumps({"partialSuccess": {"rejectedLogRecords": "2", "errorMessage": "feature \"x\" was first sent as a number"}}).encode()
        with Receiver([(200, {"Content-Type": "application/json"}, body)]) as r:
            with self.assertLogs("driftline", logging.WARNING) as logs:
                with monitor(r.url) as m:
                    for i in range(5):
                        m.record_prediction({"x": i})
                    m.flush(5)
                    stats = m.stats()
        self.assertEqual((stats["exported_records"], stats["rejected_records"]), (3, 2))
        self.assertIn("first sent as a number", logs.output[0])

    def test_a_protobuf_partial_success_is_counted_and_logged(self):
        # ExportLogsServiceResponse { partial_success { rejected_log_records: 2, error_message } }, as the Worker answers a protobuf request.
        message = 'feature "x" was first sent as a number'.encode()
        partial = b"\x08\x02\x12" + bytes((len(message),)) + message
        body = b"\x0a" + bytes((len(partial),)) + partial
        with Receiver([(200, {"Content-Type": "application/x-protobuf"}, body)]) as r:
            with self.assertLogs("driftline", logging.WARNING) as logs:
                with monitor(r.url) as m:
                    for i in range(5):
                        m.record_prediction({"x": i})
                    m.flush(5)
                    stats = m.stats()
        self.assertEqual((stats["exported_records"], stats["rejected_records"]), (3, 2))
        self.assertIn("first sent as a number", logs.output[0])

    def test_atexit_flushes_a_monitor_that_was_never_closed(self):
        with Receiver() as r:
            code = f"import driftline; m = driftline.Monitor({r.url!r}, 't', model='m'); [m.record_prediction({{'i': i}}) for i in range(7)]"
            env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=30)
        self.assertEqual(len(r.records()), 7)


class RetryTest(unittest.TestCase):
    def test_429_is_retried_after_the_retry_after_delay(self):
        with Receiver([(429, {"Retry-After": "0"}, b"slow down")]) as r:
            with monitor(r.url) as m:
                m.record_prediction({"x": 1})
                m.flush(5)
                stats = m.stats()
        self.assertEqual(len(r.requests), 2)
        self.assertEqual((stats["exported_records"], stats["retries"], stats["dropped"]), (1, 1, 0))

    def test_503_is_retried_with_backoff_until_it_succeeds(self):
        with Receiver([(503, {}, b""), (503, {}, b"")]) as r:
            with monitor(r.url) as m:
                m.record_prediction({"x": 1})
                m.flush(5)
                stats = m.stats()
        self.assertEqual(len(r.requests), 3)
        self.assertEqual((stats["exported_records"], stats["retries"]), (1, 2))

    def test_400_is_not_retried_and_its_message_is_logged(self):
        error = json.dumps({"code": 3, "message": "logRecords[0]: expected an object"}).encode()
        with Receiver([(400, {"Content-Type": "application/json"}, error)]) as r:
            with self.assertLogs("driftline", logging.ERROR) as logs:
                with monitor(r.url) as m:
                    m.record_prediction({"x": 1})
                    m.flush(5)
                    stats = m.stats()
        self.assertEqual(len(r.requests), 1)
        self.assertEqual((stats["failed_records"], stats["export_failures"], stats["retries"]), (1, 1, 0))
        self.assertIn("expected an object", logs.output[0])

    def test_a_protobuf_status_message_is_logged(self):
        # google.rpc.Status { code: 16, message }, as the Worker refuses a protobuf request.
        message = b"unknown ingest token"
        status = b"\x08\x10\x12" + bytes((len(message),)) + message
        with Receiver([(401, {"Content-Type": "application/x-protobuf"}, status)]) as r:
            with self.assertLogs("driftline", logging.ERROR) as logs:
                with monitor(r.url) as m:
                    m.record_prediction({"x": 1})
                    m.flush(5)
        self.assertIn("refused the token (HTTP 401: unknown ingest token)", logs.output[0])

    def test_a_bad_token_is_reported_once_clearly(self):
        refusal = (401, {"Content-Type": "application/json"}, b'{"error":"unknown ingest token"}')
        with Receiver([refusal] * 3) as r:
            with self.assertLogs("driftline", logging.DEBUG) as logs:
                with monitor(r.url) as m:
                    for _ in range(3):
                        m.record_prediction({"x": 1})
                        m.flush(5)
                    stats = m.stats()
        errors = [line for line in logs.output if line.startswith("ERROR")]
        self.assertEqual(len(errors), 1, logs.output)
        self.assertIn("refused the token (HTTP 401: unknown ingest token)", errors[0])
        self.assertIn("DRIFTLINE_TOKEN", errors[0])
        self.assertEqual((len(r.requests), stats["failed_records"]), (3, 3))

    def test_retry_after_is_honoured_up_to_the_cap_and_backoff_doubles_to_it(self):
        self.assertEqual(backoff_seconds(1, 0.5, 30, retry_after_seconds=7), 7)
        self.assertEqual(backoff_seconds(1, 0.5, 30, retry_after_seconds=120), 30)
        steps = [backoff_seconds(n, 0.5, 4, rand=lambda: 0.999999) for n in range(1, 7)]
        self.assertEqual([round(s, 3) for s in steps], [0.5, 1.0, 2.0, 4.0, 4.0, 4.0])
        self.assertEqual(backoff_seconds(3, 0.5, 4, rand=lambda: 0.0), 1.0)

    def test_retry_after_reads_seconds_and_http_dates(self):
        self.assertEqual(parse_retry_after("12"), 12.0)
        self.assertEqual(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0), 10.0)
        self.assertIsNone(parse_retry_after("soon"))


class FailureTest(unittest.TestCase):
    def test_an_unreachable_endpoint_never_raises_and_every_record_is_accounted_for(self):
        m = monitor(free_port_closed(), export_timeout_seconds=0.2)
        for i in range(50):
            m.record_prediction({"x": i}, id=i)
        m.record_actual(1, 2.0)
        self.assertTrue(m.flush(10))
        stats = m.stats()
        m.close(0.1)
        self.assertEqual(stats["recorded"], 51)
        self.assertEqual(stats["exported_records"], 0)
        self.assertEqual(stats["failed_records"], 51)

    def test_the_queue_is_bounded_and_drops_are_counted(self):
        # A receiver that never answers in time: long backoff keeps the first batch in flight.
        m = monitor(free_port_closed(), max_queue_size=10, max_batch_size=5, initial_backoff_seconds=30, max_backoff_seconds=30, export_timeout_seconds=60)
        with self.assertLogs("driftline", logging.WARNING) as logs:
            for i in range(100):
                m.record_prediction({"x": i})
            stats = m.stats()
            self.assertFalse(m.close(0.2))
        after = m.stats()
        self.assertGreaterEqual(stats["dropped_queue_full"], 100 - 10 - 5)
        self.assertEqual(stats["recorded"] + stats["dropped_queue_full"], 100)
        self.assertEqual(after["dropped"], 100)
        self.assertEqual(after["queued"], 0)
        self.assertEqual(sum("queue is full" in line for line in logs.output), 1)

    def test_no_method_raises_into_the_host(self):
        class Hostile:
            def keys(self):
                raise RuntimeError("boom")

        with Receiver() as r:
            m = monitor(r.url)
            m.record_prediction(None)
            m.record_prediction([1, 2])
            m.record_prediction(Hostile())
            m.record_prediction({"ok": 1}, prediction=object(), label=[1], score="x", latency_seconds="slow", id=object(), segments=5, time=object(), error=42)
            m.record_actual(None, None)
            m.record_actual(object(), object(), label=object())
            m.flush(5)
            stats = m.stats()
            m.close()
            m.close()
            m.record_prediction({"late": 1})
            self.assertTrue(m.flush(1) in (True, False))
            after = m.stats()
        self.assertEqual(stats["invalid_records"], 5)
        self.assertEqual(stats["exported_records"], 1)
        self.assertGreaterEqual(stats["invalid_values"], 6)
        self.assertEqual(after["dropped_after_close"], 1)

    def test_invalid_configuration_raises_at_construction(self):
        from driftline import MonitorConfigError

        with self.assertRaises(MonitorConfigError):
            Monitor("not a url", "t", model="m", env={})
        with self.assertRaises(MonitorConfigError):
            Monitor("http://x", "t", model="", env={})
