"""OTLP/HTTP protobuf (``http/protobuf``): ``ml.prediction`` and ``ml.actual`` log records in the
protobuf wire format, written by hand with the standard library (no ``protobuf`` package).

Messages and field numbers are those of opentelemetry-proto's
``collector/logs/v1/logs_service.proto``, ``logs/v1/logs.proto``, ``common/v1/common.proto`` and
``resource/v1/resource.proto``. Fields are written in the order, and with the defaults, that
OpenTelemetry JS's ``ProtobufLogsSerializer`` writes them (field-number order; a LogRecord's
and a Resource's ``dropped_attributes_count`` written as 0), so the same request gives the same
bytes (test/python-protobuf.test.ts compares them).

Cost model: the Worker decodes protobuf ~3.7× faster than OTLP/JSON (docs/benchmarks.md,
Decoding), and here a double costs one ``struct`` pack instead of ``repr``. Each attribute is one
bytes concatenation: the ``KeyValue`` framing up to the value (``attributes`` tag, lengths, key,
``value`` tag, and for a double the whole ``AnyValue`` header, whose length is fixed) is built
once per name and cached; varints below 2048 come from a table. A record's bytes are joined once,
and a request's once more.
"""

import struct

from . import conventions as conv
from .values import INVALID, MISSING, scalar

_pack_double = struct.Struct("<d").pack
_pack_fixed64 = struct.Struct("<Q").pack

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MASK = (1 << 64) - 1

#: Varints below this (one or two bytes) come from a table: lengths and small ints without a loop.
_TABLE_SIZE = 2048
_VARINTS = tuple(bytes((n,)) if n < 0x80 else bytes(((n & 0x7F) | 0x80, n >> 7)) for n in range(_TABLE_SIZE))
#: ``attributes`` tag and length of a LogRecord attribute (a KeyValue) of each length below _TABLE_SIZE.
_ATTRIBUTE_HEADS = tuple(b"\x32" + v for v in _VARINTS)
#: Strings shorter than this many UTF-8 bytes have a one-byte length in both AnyValue and KeyValue.value.
_SHORT_STRING = 126
#: ``KeyValue.value`` (tag, length) and ``AnyValue.string_value`` (tag, length) of a short string of each length.
_SHORT_STRING_HEADS = tuple(bytes((0x12, n + 2, 0x0A, n)) for n in range(_SHORT_STRING))
# The inline paths (features, segments, Driftline's own keys) index _ATTRIBUTE_HEADS with at most
# len(key field) + _SHORT_STRING + 4: a key field there is at most 526 bytes ("ml.segment." and a
# name of 128 characters of up to 4 bytes, with tag and length), well inside the table.

# Tags (field number << 3 | wire type) of the fields written here.
_T_RESOURCE_LOGS = b"\x0a"  # ExportLogsServiceRequest.resource_logs = 1, LEN
_T_RESOURCE = b"\x0a"  # ResourceLogs.resource = 1, LEN
_T_SCOPE_LOGS = b"\x12"  # ResourceLogs.scope_logs = 2, LEN
_T_SCOPE = b"\x0a"  # ScopeLogs.scope = 1, LEN
_T_LOG_RECORD = b"\x12"  # ScopeLogs.log_records = 2, LEN
_T_RESOURCE_ATTRIBUTE = b"\x0a"  # Resource.attributes = 1, LEN
_RESOURCE_DROPPED_0 = b"\x10\x00"  # Resource.dropped_attributes_count = 2, varint 0
_T_TIME = b"\x09"  # LogRecord.time_unix_nano = 1, I64
_SEVERITY_INFO = b"\x10\x09\x1a\x04INFO"  # severity_number = 2 (SEVERITY_NUMBER_INFO = 9), severity_text = 3
_T_ATTRIBUTE = 0x32  # LogRecord.attributes = 6, LEN
_RECORD_DROPPED_0 = b"\x38\x00"  # LogRecord.dropped_attributes_count = 7, varint 0
_T_OBSERVED = b"\x59"  # LogRecord.observed_time_unix_nano = 11, I64
_T_EVENT_NAME = b"\x62"  # LogRecord.event_name = 12, LEN
_T_KEY = b"\x0a"  # KeyValue.key = 1, LEN; also InstrumentationScope.name = 1
_T_VALUE = b"\x12"  # KeyValue.value = 2, LEN; also InstrumentationScope.version = 2
_T_STRING = b"\x0a"  # AnyValue.string_value = 1, LEN
_BOOL_TRUE = b"\x12\x02\x10\x01"  # KeyValue.value: AnyValue.bool_value = 2, varint 1
_BOOL_FALSE = b"\x12\x02\x10\x00"
_T_INT = b"\x18"  # AnyValue.int_value = 3, varint (int64: two's complement, 10 bytes when negative)
_DOUBLE_HEADER = b"\x12\x09\x21"  # KeyValue.value of 9 bytes: AnyValue.double_value = 4, I64


def varint(n):
    """The base-128 varint of a non-negative integer below 2^64."""
    if n < _TABLE_SIZE:
        return _VARINTS[n]
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def utf8(text):
    """UTF-8 bytes of ``text``; a lone surrogate (valid in a Python str, not in UTF-8, which
    protobuf strings must be) becomes U+FFFD, as JavaScript's TextEncoder does."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def _field(tag, payload):
    """A length-delimited field."""
    return tag + varint(len(payload)) + payload


def _attribute(kv_key, any_value):
    """One LogRecord attribute: a KeyValue of ``kv_key`` (the key field) and an AnyValue's bytes."""
    kv = kv_key + _field(_T_VALUE, any_value)
    return bytes((_T_ATTRIBUTE,)) + varint(len(kv)) + kv


def _any_value(v):
    """The AnyValue message of a normalised scalar (bool, int, float or str)."""
    t = type(v)
    if t is str:
        return _field(_T_STRING, utf8(v))
    if t is float:
        return b"\x21" + _pack_double(v)
    if t is bool:
        return b"\x10\x01" if v else b"\x10\x00"
    if _INT64_MIN <= v <= _INT64_MAX:
        return _T_INT + varint(v & _UINT64_MASK)
    return b"\x21" + _pack_double(float(v))


class ProtobufCodec:
    """The ``http/protobuf`` wire format. Pieces are ``bytes``; a name's key piece is the tuple
    that ``key`` describes."""

    protocol = "http/protobuf"
    content_type = "application/x-protobuf"

    @staticmethod
    def key(name):
        """The key piece of an attribute named ``name``: (key field, double attribute head, true
        attribute, false attribute, int attribute heads by the int's varint length)."""
        kv_key = _field(_T_KEY, utf8(name))
        n = len(kv_key)
        head = bytes((_T_ATTRIBUTE,))
        return (
            kv_key,
            head + varint(n + 11) + kv_key + _DOUBLE_HEADER,
            head + varint(n + 4) + kv_key + _BOOL_TRUE,
            head + varint(n + 4) + kv_key + _BOOL_FALSE,
            tuple(head + varint(n + 3 + size) + kv_key + bytes((0x12, 1 + size)) + _T_INT for size in range(11)),
        )

    @staticmethod
    def string(key, v):
        """A string attribute."""
        s = utf8(v)
        n = len(s)
        if n < _SHORT_STRING:
            kv_key = key[0]
            return _ATTRIBUTE_HEADS[len(kv_key) + n + 4] + kv_key + _SHORT_STRING_HEADS[n] + s
        return _attribute(key[0], _field(_T_STRING, s))

    @staticmethod
    def double(key, v):
        """A double attribute (NaN and ±inf are plain IEEE 754 doubles here)."""
        return key[1] + _pack_double(v)

    @staticmethod
    def value(key, v):
        """An attribute of any normalised scalar (bool, int, float or str)."""
        return _attribute(key[0], _any_value(v))

    @staticmethod
    def join(attributes):
        """Attribute pieces as one piece, to stand in a record's attribute list."""
        return b"".join(attributes)

    @staticmethod
    def mapping_attributes(out, mapping, cache, tally):
        """Appends one attribute per usable entry of ``mapping`` (features or segments) to ``out``."""
        # The hot loop (20 features × every prediction): the common types inline, each one
        # concatenation of cached framing and the value's bytes.
        append = out.append
        keys = cache.keys
        varints = _VARINTS
        heads = _ATTRIBUTE_HEADS
        short_strings = _SHORT_STRING_HEADS
        for name, v in mapping.items():
            key = keys.get(name)
            if key is None:
                key = cache.get(name)
                if key is None:
                    tally.invalid_values += 1
                    continue
            t = type(v)
            if t is float:
                append(key[1] + _pack_double(v))
                continue
            if t is str:
                try:
                    s = v.encode()
                except UnicodeEncodeError:
                    s = utf8(v)
                n = len(s)
                if n < _SHORT_STRING:
                    kv_key = key[0]
                    append(heads[len(kv_key) + n + 4] + kv_key + short_strings[n] + s)
                else:
                    append(_attribute(key[0], _field(_T_STRING, s)))
                continue
            if t is int:
                if 0 <= v < _TABLE_SIZE:
                    b = varints[v]
                    append(key[4][len(b)] + b)
                    continue
                if _INT64_MIN <= v <= _INT64_MAX:
                    b = varint(v & _UINT64_MASK)
                    append(key[4][len(b)] + b)
                    continue
            elif t is bool:
                append(key[2] if v else key[3])
                continue
            else:
                v = scalar(v)
                if v is MISSING:
                    continue
                if v is INVALID:
                    tally.invalid_values += 1
                    continue
            append(_attribute(key[0], _any_value(v)))

    @staticmethod
    def record(event, time_unix_nano, observed_unix_nano, attributes):
        """One LogRecord, framed as a ScopeLogs ``log_records`` field."""
        event_name = _EVENT_NAMES.get(event)
        if event_name is None:
            event_name = _field(_T_EVENT_NAME, utf8(event))
        attributes.append(_RECORD_DROPPED_0 + _T_OBSERVED + _pack_fixed64(observed_unix_nano) + event_name)
        body = b"".join(attributes)
        return _T_LOG_RECORD + varint(len(body) + 9 + len(_SEVERITY_INFO)) + _T_TIME + _pack_fixed64(time_unix_nano) + _SEVERITY_INFO + body

    @staticmethod
    def resource(attributes):
        """The Resource piece of a request (as ResourceLogs' ``resource`` field): ``attributes``
        are attribute pieces, re-tagged as ``Resource.attributes``."""
        # A LogRecord attribute's tag is 6, a Resource's 1; the rest of the field is the same.
        body = b"".join(_T_RESOURCE_ATTRIBUTE + a[1:] for a in attributes) + _RESOURCE_DROPPED_0
        return _field(_T_RESOURCE, body)

    @staticmethod
    def scope(name, version):
        """The InstrumentationScope piece of a request (as ScopeLogs' ``scope`` field)."""
        return _field(_T_SCOPE, _field(_T_KEY, utf8(name)) + _field(_T_VALUE, utf8(version)))

    @staticmethod
    def request(resource, scope, records):
        """An ExportLogsServiceRequest holding ``records``, as bytes (one copy of the records)."""
        scope_logs_length = len(scope) + sum(map(len, records))
        scope_logs_head = _T_SCOPE_LOGS + varint(scope_logs_length)
        resource_logs_length = len(resource) + len(scope_logs_head) + scope_logs_length
        parts = [_T_RESOURCE_LOGS, varint(resource_logs_length), resource, scope_logs_head, scope]
        parts += records
        return b"".join(parts)


def _fields(data):
    """(field number, value) of each field of one message: an int for a varint, bytes otherwise.
    Raises ValueError on a malformed message."""
    pos, end = 0, len(data)
    while pos < end:
        tag, pos = _read_varint(data, pos)
        wire = tag & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, pos = data[pos:pos + size], pos + size
        else:
            raise ValueError(f"wire type {wire}")
        if pos > end:
            raise ValueError("truncated message")
        yield tag >> 3, value


def _read_varint(data, pos):
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def read_partial_success(body):
    """(rejected log records, error message) of an ExportLogsServiceResponse; (0, "") when absent.
    Raises ValueError on a malformed body."""
    rejected, message = 0, ""
    for number, value in _fields(body):
        if number == 1 and type(value) is bytes:  # partial_success
            for inner, v in _fields(value):
                if inner == 1 and type(v) is int:  # rejected_log_records, int64
                    rejected = v - (1 << 64) if v >= 1 << 63 else v
                elif inner == 2 and type(v) is bytes:  # error_message
                    message = v.decode("utf-8", "replace")
    return rejected, message


def read_status_message(body):
    """The ``message`` (field 2) of a google.rpc.Status, or "" when it has none. Raises ValueError on a malformed body."""
    message = ""
    for number, value in _fields(body):
        if number == 2 and type(value) is bytes:
            message = value.decode("utf-8", "replace")
    return message


#: ``event_name`` fields of the two events, built once.
_EVENT_NAMES = {event: _field(_T_EVENT_NAME, utf8(event)) for event in (conv.EVENT_PREDICTION, conv.EVENT_ACTUAL)}
