"""OTLP/HTTP JSON text for ``ml.prediction`` and ``ml.actual`` log events (docs/semantic-conventions.md).

The text is written directly, not built as dicts for ``json.dumps``: a prediction with 20 features
would otherwise allocate some 60 dicts and lists only to serialise them. Strings go through the
C string escaper (``json.encoder.encode_basestring_ascii``), numbers through ``repr``, and the
``{"key":"ml.feature.age","value":`` prefix of each name is built once and cached.

Encoding runs on the monitor's background thread; the recording call only queues the raw values.
Values are normalised by values.py; what cannot be carried is left out and counted in a Tally.
"""

import json.encoder

from . import conventions as conv
from .values import INVALID, MISSING, scalar

_esc = json.encoder.encode_basestring_ascii  # the C escaper: '"text"', ASCII-only output

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
#: Past this many distinct names the key caches stop growing (a caller with unbounded names pays the concatenation).
_MAX_CACHED_KEYS = 4096


class Tally:
    """Counts of what the encoder left out."""

    __slots__ = ("invalid_records", "invalid_values")

    def __init__(self):
        self.invalid_records = 0
        self.invalid_values = 0


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


def key_prefix(key):
    """``{"key":"<key>","value":`` for one attribute."""
    return '{"key":' + _esc(key) + ',"value":'


def attribute(key, v):
    """One OTLP/JSON KeyValue."""
    return key_prefix(key) + value_json(v) + "}"


class _KeyCache:
    """Attribute-key prefixes per name for one namespace (``ml.feature.``, ``ml.segment.``)."""

    __slots__ = ("prefix", "keys")

    def __init__(self, prefix):
        self.prefix = prefix
        self.keys = {}

    def get(self, name):
        """The cached prefix for ``name``, or None when the name is not one the receiver accepts."""
        cached = self.keys.get(name)
        if cached is not None:
            return cached
        if type(name) is not str:
            name = str(name)  # pandas columns may be ints
        if name == "" or len(name) > conv.MAX_NAME_LENGTH or "\x00" in name:
            return None
        cached = key_prefix(self.prefix + name)
        if len(self.keys) < _MAX_CACHED_KEYS:
            self.keys[name] = cached
        return cached


_features = _KeyCache(conv.FEATURE_PREFIX)
_segments = _KeyCache(conv.SEGMENT_PREFIX)
_K_VALUE = key_prefix(conv.PREDICTION_VALUE)
_K_LABEL = key_prefix(conv.PREDICTION_LABEL)
_K_SCORE = key_prefix(conv.PREDICTION_SCORE)
_K_LATENCY = key_prefix(conv.PREDICTION_LATENCY)
_K_ID = key_prefix(conv.PREDICTION_ID)
_K_ERROR = key_prefix(conv.ERROR_TYPE)
_K_ACTUAL_VALUE = key_prefix(conv.ACTUAL_VALUE)
_K_ACTUAL_LABEL = key_prefix(conv.ACTUAL_LABEL)


def identity_json(model, version):
    """The ``ml.model.id`` (and ``ml.model.version``) attributes every record carries, joined."""
    parts = [attribute(conv.MODEL_ID, model)]
    if version is not None:
        parts.append(attribute(conv.MODEL_VERSION, version))
    return ",".join(parts)


def _record(event, time_unix_nano, observed_unix_nano, attributes):
    return (
        '{"timeUnixNano":"' + str(time_unix_nano) + '","observedTimeUnixNano":"' + str(observed_unix_nano)
        + '","severityNumber":9,"severityText":"INFO","eventName":"' + event
        + '","attributes":[' + ",".join(attributes) + "]}"
    )


def _mapping_attributes(out, mapping, cache, tally):
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


def error_type(error):
    """``error.type`` of a failed prediction: an exception's class name, a string, or ``_OTHER``."""
    if error is None or error is False:
        return None
    if isinstance(error, BaseException):
        return type(error).__name__ or conv.OTHER_ERROR
    if isinstance(error, type) and issubclass(error, BaseException):
        return error.__name__
    if isinstance(error, str):
        return error or conv.OTHER_ERROR
    return conv.OTHER_ERROR


def time_nanos(when, fallback_ns, tally):
    """Epoch nanoseconds of ``when`` (a datetime, or epoch seconds), else ``fallback_ns``."""
    if when is None:
        return fallback_ns
    try:
        if hasattr(when, "timestamp"):
            seconds = when.timestamp()
        else:
            seconds = scalar(when)
            if type(seconds) not in (int, float):
                raise TypeError
        ns = int(seconds * 1_000_000_000)
        if ns <= 0:
            raise ValueError
        return ns
    except Exception:
        tally.invalid_values += 1
        return fallback_ns


def encode_prediction(identity, observed_ns, features, prediction, label, score, latency_seconds, prediction_id, segments, when, error, tally):
    """One ``ml.prediction`` log record as OTLP/JSON text."""
    attributes = [identity]
    _mapping_attributes(attributes, features, _features, tally)
    if prediction is not None:
        v = scalar(prediction)
        if type(v) is str or type(v) is bool:
            # A class, as the Node SDK sends it: the conventions carry labels as strings.
            attributes.append(_K_LABEL + value_json(v if type(v) is str else ("true" if v else "false")) + "}")
        elif type(v) is int or type(v) is float:
            attributes.append(_K_VALUE + value_json(float(v)) + "}")
        elif v is INVALID:
            tally.invalid_values += 1
    if label is not None:
        v = scalar(label)
        if type(v) is str or type(v) is bool:
            attributes.append(_K_LABEL + value_json(v if type(v) is str else ("true" if v else "false")) + "}")
        elif type(v) is int:
            attributes.append(_K_LABEL + value_json(str(v)) + "}")  # class ids: 0, 1, 2
        elif v is not MISSING:
            tally.invalid_values += 1
    if score is not None:
        v = scalar(score)
        if (type(v) is float or type(v) is int) and type(v) is not bool:
            attributes.append(_K_SCORE + value_json(float(v)) + "}")
        elif v is not MISSING:
            tally.invalid_values += 1
    if latency_seconds is not None:
        v = scalar(latency_seconds)
        if (type(v) is float or type(v) is int) and v >= 0 and v != float("inf"):
            attributes.append(_K_LATENCY + value_json(float(v)) + "}")
        elif v is not MISSING:
            tally.invalid_values += 1
    if prediction_id is not None:
        v = _id_text(prediction_id)
        if v is None:
            tally.invalid_values += 1
        else:
            attributes.append(_K_ID + value_json(v) + "}")
    if segments is not None:
        if hasattr(segments, "items"):
            _mapping_attributes(attributes, segments, _segments, tally)
        else:
            tally.invalid_values += 1
    kind = error_type(error)
    if kind is not None:
        attributes.append(_K_ERROR + value_json(kind) + "}")
    return _record(conv.EVENT_PREDICTION, time_nanos(when, observed_ns, tally), observed_ns, attributes)


def _id_text(raw):
    v = scalar(raw)
    if type(v) is str:
        return v if v != "" else None
    if type(v) is int:
        return str(v)
    return None


def encode_actual(identity, observed_ns, prediction_id, actual, tally):
    """One ``ml.actual`` log record as OTLP/JSON text, or None (counted) when it could never be joined."""
    id_text = _id_text(prediction_id)
    v = scalar(actual)
    if id_text is None or v is MISSING or v is INVALID:
        tally.invalid_records += 1
        return None
    if type(v) is bool:
        value = _K_ACTUAL_LABEL + value_json("true" if v else "false") + "}"
    elif type(v) is str:
        value = _K_ACTUAL_LABEL + value_json(v) + "}"
    else:
        value = _K_ACTUAL_VALUE + value_json(float(v)) + "}"
    return _record(conv.EVENT_ACTUAL, observed_ns, observed_ns, [identity, _K_ID + value_json(id_text) + "}", value])


def encode_request(resource_json, scope_json, records):
    """An ExportLogsServiceRequest holding ``records`` (OTLP/JSON texts), as UTF-8 bytes."""
    return (
        '{"resourceLogs":[{"resource":{"attributes":[' + resource_json + ']},"scopeLogs":[{"scope":' + scope_json
        + ',"logRecords":[' + ",".join(records) + "]}]}]}"
    ).encode("ascii")
