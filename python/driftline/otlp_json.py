"""OTLP/HTTP JSON (``http/json``): ``ml.prediction`` and ``ml.actual`` log records as proto3 JSON text.

The text is written directly, not built as dicts for ``json.dumps``: a prediction with 20 features
would otherwise allocate some 60 dicts and lists only to serialise them. Strings go through the
C string escaper (``json.encoder.encode_basestring_ascii``), numbers through ``repr``, and the
``{"key":"ml.feature.age","value":`` prefix of each name is built once and cached (a name's
"key piece"). What goes into a record, and what is left out, is decided by encode.py.
"""

import json.encoder

from .values import INVALID, MISSING, scalar

_esc = json.encoder.encode_basestring_ascii  # the C escaper: '"text"', ASCII-only output

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def value_json(v):
    """The OTLP/JSON AnyValue of a normalised scalar (bool, int, float or str)."""
    t = type(v)
    if t is str:
        return '{"stringValue":' + _esc(v) + "}"
    if t is float:
        if v - v == 0.0:  # finite (NaN and ±inf fail this)
            return '{"doubleValue":' + repr(v) + "}"
        # proto3 JSON spells the special doubles as strings; the collector counts them as missing.
        return '{"doubleValue":"NaN"}' if v != v else ('{"doubleValue":"Infinity"}' if v > 0 else '{"doubleValue":"-Infinity"}')
    if t is bool:
        return '{"boolValue":true}' if v else '{"boolValue":false}'
    if _INT64_MIN <= v <= _INT64_MAX:
        # int64 is a string in proto3 JSON.
        return '{"intValue":"' + str(v) + '"}'
    return '{"doubleValue":' + repr(float(v)) + "}"


class JsonCodec:
    """The ``http/json`` wire format. Pieces are ``str``; a request is ASCII bytes."""

    protocol = "http/json"
    content_type = "application/json"

    @staticmethod
    def key(name):
        """``{"key":"<name>","value":`` for one attribute: the key piece."""
        return '{"key":' + _esc(name) + ',"value":'

    @staticmethod
    def string(key, v):
        """A string attribute."""
        return key + '{"stringValue":' + _esc(v) + "}}"

    @staticmethod
    def double(key, v):
        """A double attribute (NaN and ±inf included)."""
        return key + value_json(v) + "}"

    @staticmethod
    def value(key, v):
        """An attribute of any normalised scalar (bool, int, float or str)."""
        return key + value_json(v) + "}"

    @staticmethod
    def join(attributes):
        """Attribute pieces as one piece, to stand in a record's attribute list."""
        return ",".join(attributes)

    @staticmethod
    def mapping_attributes(out, mapping, cache, tally):
        """Appends one attribute per usable entry of ``mapping`` (features or segments) to ``out``."""
        # The hot loop of the exporter (20 features × every prediction): the common types are
        # written inline, one concatenation each, without a call per value.
        append = out.append
        keys = cache.keys
        for name, v in mapping.items():
            prefix = keys.get(name)
            if prefix is None:
                prefix = cache.get(name)
                if prefix is None:
                    tally.invalid_values += 1
                    continue
            t = type(v)
            if t is float:
                if v - v == 0.0:
                    append(prefix + '{"doubleValue":' + repr(v) + "}}")
                    continue
            elif t is str:
                append(prefix + '{"stringValue":' + _esc(v) + "}}")
                continue
            elif t is int:
                if _INT64_MIN <= v <= _INT64_MAX:
                    append(prefix + '{"intValue":"' + str(v) + '"}}')
                    continue
            elif t is bool:
                append(prefix + ('{"boolValue":true}}' if v else '{"boolValue":false}}'))
                continue
            else:
                v = scalar(v)
                if v is MISSING:
                    continue
                if v is INVALID:
                    tally.invalid_values += 1
                    continue
            append(prefix + value_json(v) + "}")

    @staticmethod
    def record(event, time_unix_nano, observed_unix_nano, attributes):
        """One LogRecord."""
        return (
            '{"timeUnixNano":"' + str(time_unix_nano) + '","observedTimeUnixNano":"' + str(observed_unix_nano)
            + '","severityNumber":9,"severityText":"INFO","eventName":"' + event
            + '","attributes":[' + ",".join(attributes) + "]}"
        )

    @staticmethod
    def resource(attributes):
        """The Resource piece of a request: ``attributes`` are attribute pieces."""
        return '{"attributes":[' + ",".join(attributes) + "]}"

    @staticmethod
    def scope(name, version):
        """The InstrumentationScope piece of a request."""
        return '{"name":' + _esc(name) + ',"version":' + _esc(version) + "}"

    @staticmethod
    def request(resource, scope, records):
        """An ExportLogsServiceRequest holding ``records``, as bytes."""
        return (
            '{"resourceLogs":[{"resource":' + resource + ',"scopeLogs":[{"scope":' + scope
            + ',"logRecords":[' + ",".join(records) + "]}]}]}"
        ).encode("ascii")
