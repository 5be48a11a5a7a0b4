import unittest

from driftline.config import MonitorConfigError, parse_headers, resolve


class ConfigTest(unittest.TestCase):
    def test_arguments_win_over_the_environment(self):
        c = resolve("https://a.example/", "tok", "m", "v1", {"DRIFTLINE_ENDPOINT": "http://b.example", "DRIFTLINE_TOKEN": "other"})
        self.assertEqual(c.logs_url, "https://a.example/v1/logs")
        self.assertEqual(c.headers["Authorization"], "Bearer tok")

    def test_driftline_variables_come_before_the_otel_ones(self):
        env = {"DRIFTLINE_ENDPOINT": "http://b.example", "DRIFTLINE_TOKEN": "t1", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c.example", "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20t2"}
        c = resolve(None, None, "m", None, env)
        self.assertEqual(c.logs_url, "http://b.example/v1/logs")
        self.assertEqual(c.headers, {"Authorization": "Bearer t1"})

    def test_otel_variables_as_the_otlp_exporters_read_them(self):
        c = resolve(None, None, "m", None, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c.example:4318/", "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20t2,x-team=ml"})
        self.assertEqual(c.logs_url, "http://c.example:4318/v1/logs")
        self.assertEqual(c.headers, {"Authorization": "Bearer t2", "x-team": "ml"})
        c = resolve(None, None, "m", None, {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://d.example/custom/logs"})
        self.assertEqual(c.logs_url, "http://d.example/custom/logs")

    def test_default_endpoint_is_the_otlp_http_default(self):
        self.assertEqual(resolve(None, None, "m", None, {}).logs_url, "http://localhost:4318/v1/logs")

    def test_invalid_configuration_raises_naming_what_was_wrong(self):
        cases = [
            ((None, None, None, None, {}), "model"),
            ((None, None, "x" * 129, None, {}), "128"),
            (("ftp://x", None, "m", None, {}), "http(s)"),
            (("http://x?a=1", None, "m", None, {}), "query"),
            ((None, "has space", "m", None, {}), "token"),
            ((None, None, "m", None, {"DRIFTLINE_ENDPOINT": "nope"}), "DRIFTLINE_ENDPOINT"),
            ((None, None, "m", None, {"OTEL_EXPORTER_OTLP_HEADERS": "novalue"}), "OTEL_EXPORTER_OTLP_HEADERS"),
        ]
        for args, needle in cases:
            with self.assertRaises(MonitorConfigError) as caught:
                resolve(*args)
            self.assertIn(needle, str(caught.exception))
        with self.assertRaisesRegex(MonitorConfigError, "max_batch_size"):
            resolve(None, None, "m", None, {}, max_queue_size=10, max_batch_size=20)

    def test_protocol_is_protobuf_unless_the_argument_or_an_otel_variable_says_json(self):
        self.assertEqual(resolve(None, None, "m", None, {}).protocol, "http/protobuf")
        self.assertEqual(resolve(None, None, "m", None, {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}).protocol, "http/json")
        env = {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/protobuf"}
        self.assertEqual(resolve(None, None, "m", None, env).protocol, "http/protobuf")  # the signal's own variable first
        self.assertEqual(resolve(None, None, "m", None, env, protocol="http/json").protocol, "http/json")

    def test_an_unsupported_protocol_for_this_exporter_raises_naming_its_source(self):
        with self.assertRaisesRegex(MonitorConfigError, "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL .*'grpc'.*not gRPC"):
            resolve(None, None, "m", None, {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "grpc"})
        with self.assertRaisesRegex(MonitorConfigError, "^protocol must be one of http/protobuf, http/json"):
            resolve(None, None, "m", None, {}, protocol="json")

    def test_grpc_in_the_variable_every_otlp_exporter_shares_is_passed_over_with_a_warning(self):
        # A service whose trace exporter speaks gRPC must still start: that setting is not ours.
        with self.assertLogs("driftline", "WARNING") as logged:
            self.assertEqual(resolve(None, None, "m", None, {"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}).protocol, "http/protobuf")
        self.assertIn("OTEL_EXPORTER_OTLP_PROTOCOL=grpc", logged.output[0])

    def test_header_values_are_url_decoded(self):
        self.assertEqual(parse_headers("a=b%3Dc, d = e ", "X"), {"a": "b=c", "d": "e"})
