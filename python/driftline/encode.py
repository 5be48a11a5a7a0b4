"""``ml.prediction`` and ``ml.actual`` log events (docs/semantic-conventions.md), in either OTLP wire format.

This module decides what a record carries: which attributes, of which type, and what is left out
and counted. How each piece is written is the codec's business: ``PROTOBUF``
(otlp_protobuf.py, ``http/protobuf``) or ``JSON`` (otlp_json.py, ``http/json``). A codec has
the same small surface in both modules: ``key(name)`` (a name's cached key piece), ``string``,
``double`` and ``value`` (one attribute), ``join`` (attributes into one piece),
``mapping_attributes`` (the features loop), ``record``, ``resource``, ``scope`` and ``request``.

Encoding runs on the monitor's background thread; the recording call only queues the raw values.
Values are normalised by values.py; what cannot be carried is left out and counted in a Tally.
"""

from . import conventions as conv
from .otlp_json import JsonCodec
from .otlp_protobuf import ProtobufCodec
from .values import INVALID, MISSING, scalar

#: Past this many distinct names the key caches stop growing (a caller with unbounded names pays the framing).
_MAX_CACHED_KEYS = 4096
#: Epoch nanoseconds must fit an int64 (the year 2262): receivers read the fixed64 as one.
_MAX_TIME_NS = (1 << 63) - 1


class Tally:
    """Counts of what the encoder left out."""

    __slots__ = ("invalid_records", "invalid_values")

    def __init__(self):
        self.invalid_records = 0
        self.invalid_values = 0


class KeyCache:
    """A codec's key pieces per name for one namespace (``ml.feature.``, ``ml.segment.``)."""

    __slots__ = ("prefix", "make", "keys")

    def __init__(self, prefix, make):
        self.prefix = prefix
        self.make = make
        self.keys = {}

    def get(self, name):
        """The cached key piece for ``name``, or None when the name is not one the receiver accepts."""
        cached = self.keys.get(name)
        if cached is not None:
            return cached
        if type(name) is not str:
            name = str(name)  # pandas columns may be ints
        if name == "" or len(name) > conv.MAX_NAME_LENGTH or "\x00" in name:
            return None
        cached = self.make(self.prefix + name)
        if len(self.keys) < _MAX_CACHED_KEYS:
            self.keys[name] = cached
        return cached


class Codec:
    """One wire format with its caches: the codec's functions plus the key pieces Driftline uses."""

    def __init__(self, wire):
        self.wire = wire
        self.protocol = wire.protocol
        self.content_type = wire.content_type
        self.mapping_attributes = wire.mapping_attributes
        self.string = wire.string
        self.double = wire.double
        self.value = wire.value
        self.record = wire.record
        self.request = wire.request
        self.features = KeyCache(conv.FEATURE_PREFIX, wire.key)
        self.segments = KeyCache(conv.SEGMENT_PREFIX, wire.key)
        key = wire.key
        self.k_value = key(conv.PREDICTION_VALUE)
        self.k_label = key(conv.PREDICTION_LABEL)
        self.k_score = key(conv.PREDICTION_SCORE)
        self.k_latency = key(conv.PREDICTION_LATENCY)
        self.k_id = key(conv.PREDICTION_ID)
        self.k_error = key(conv.ERROR_TYPE)
        self.k_actual_value = key(conv.ACTUAL_VALUE)
        self.k_actual_label = key(conv.ACTUAL_LABEL)

    def attribute(self, name, v):
        """One attribute of a normalised scalar."""
        return self.wire.value(self.wire.key(name), v)

    def identity(self, model, version):
        """The ``ml.model.id`` (and ``ml.model.version``) attributes every record carries, as one piece."""
        parts = [self.attribute(conv.MODEL_ID, model)]
        if version is not None:
            parts.append(self.attribute(conv.MODEL_VERSION, version))
        return self.wire.join(parts)

    def resource(self, attributes):
        """The Resource piece of a request from a dict of name to scalar."""
        return self.wire.resource([self.attribute(k, v) for k, v in attributes.items()])

    def scope(self, name, version):
        """The InstrumentationScope piece of a request."""
        return self.wire.scope(name, version)


PROTOBUF = Codec(ProtobufCodec)
JSON = Codec(JsonCodec)
#: The codec of each ``protocol`` value (the names OTEL_EXPORTER_OTLP_PROTOCOL uses).
CODECS = {PROTOBUF.protocol: PROTOBUF, JSON.protocol: JSON}


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
        if ns <= 0 or ns > _MAX_TIME_NS:
            raise ValueError
        return ns
    except Exception:
        tally.invalid_values += 1
        return fallback_ns


def _class_text(v):
    """A class as the conventions carry it: booleans as "true"/"false"."""
    return v if type(v) is str else ("true" if v else "false")


def encode_prediction(codec, identity, observed_ns, features, prediction, label, score, latency_seconds, prediction_id, segments, when, error, tally):
    """One ``ml.prediction`` log record as a piece of ``codec``'s format."""
    attributes = [identity]
    codec.mapping_attributes(attributes, features, codec.features, tally)
    if prediction is not None:
        v = scalar(prediction)
        if type(v) is str or type(v) is bool:
            # A class, as the Node SDK sends it: the conventions carry labels as strings.
            attributes.append(codec.string(codec.k_label, _class_text(v)))
        elif type(v) is int or type(v) is float:
            attributes.append(codec.double(codec.k_value, float(v)))
        elif v is INVALID:
            tally.invalid_values += 1
    if label is not None:
        v = scalar(label)
        if type(v) is str or type(v) is bool:
            attributes.append(codec.string(codec.k_label, _class_text(v)))
        elif type(v) is int:
            attributes.append(codec.string(codec.k_label, str(v)))  # class ids: 0, 1, 2
        elif v is not MISSING:
            tally.invalid_values += 1
    if score is not None:
        v = scalar(score)
        if (type(v) is float or type(v) is int) and type(v) is not bool:
            attributes.append(codec.double(codec.k_score, float(v)))
        elif v is not MISSING:
            tally.invalid_values += 1
    if latency_seconds is not None:
        v = scalar(latency_seconds)
        if (type(v) is float or type(v) is int) and v >= 0 and v != float("inf"):
            attributes.append(codec.double(codec.k_latency, float(v)))
        elif v is not MISSING:
            tally.invalid_values += 1
    if prediction_id is not None:
        v = _id_text(prediction_id)
        if v is None:
            tally.invalid_values += 1
        else:
            attributes.append(codec.string(codec.k_id, v))
    if segments is not None:
        if hasattr(segments, "items"):
            codec.mapping_attributes(attributes, segments, codec.segments, tally)
        else:
            tally.invalid_values += 1
    kind = error_type(error)
    if kind is not None:
        attributes.append(codec.string(codec.k_error, kind))
    return codec.record(conv.EVENT_PREDICTION, time_nanos(when, observed_ns, tally), observed_ns, attributes)


def _id_text(raw):
    v = scalar(raw)
    if type(v) is str:
        return v if v != "" else None
    if type(v) is int:
        return str(v)
    return None


def encode_actual(codec, identity, observed_ns, prediction_id, actual, tally):
    """One ``ml.actual`` log record as a piece of ``codec``'s format, or None (counted) when it could never be joined."""
    id_text = _id_text(prediction_id)
    v = scalar(actual)
    if id_text is None or v is MISSING or v is INVALID:
        tally.invalid_records += 1
        return None
    if type(v) is bool or type(v) is str:
        value = codec.string(codec.k_actual_label, _class_text(v))
    else:
        value = codec.double(codec.k_actual_value, float(v))
    return codec.record(conv.EVENT_ACTUAL, observed_ns, observed_ns, [identity, codec.string(codec.k_id, id_text), value])
