"""A strict reader of OTLP logs protobuf for the tests, written apart from the encoder
(driftline/otlp_protobuf.py) so that the two do not share a mistake: it parses the wire format
generically, then maps the messages of opentelemetry-proto's logs, common and resource .proto
files onto their proto3 JSON form (lowerCamelCase names, int64 and fixed64 as decimal strings,
NaN and ±Infinity as strings, fields at their default value left out). A body the encoder
writes wrong (a length that overruns, a wire type that does not match the field, invalid UTF-8,
a field twice where it may be once) raises WireError instead of decoding to something plausible.
"""

import base64
import math
import struct


class WireError(ValueError):
    """The bytes are not a valid encoding of the message."""


VARINT, I64, LEN, I32 = 0, 1, 2, 5

# message name -> field number -> (JSON name, kind, repeated). Kinds: a message name, or one of
# string, bytes, bool, int64, uint32, enum, double, fixed64, fixed32.
SCHEMA = {
    "ExportLogsServiceRequest": {1: ("resourceLogs", "ResourceLogs", True)},
    "ResourceLogs": {1: ("resource", "Resource", False), 2: ("scopeLogs", "ScopeLogs", True), 3: ("schemaUrl", "string", False)},
    "Resource": {1: ("attributes", "KeyValue", True), 2: ("droppedAttributesCount", "uint32", False)},
    "ScopeLogs": {1: ("scope", "InstrumentationScope", False), 2: ("logRecords", "LogRecord", True), 3: ("schemaUrl", "string", False)},
    "InstrumentationScope": {1: ("name", "string", False), 2: ("version", "string", False), 3: ("attributes", "KeyValue", True), 4: ("droppedAttributesCount", "uint32", False)},
    "LogRecord": {
        1: ("timeUnixNano", "fixed64", False),
        11: ("observedTimeUnixNano", "fixed64", False),
        2: ("severityNumber", "enum", False),
        3: ("severityText", "string", False),
        5: ("body", "AnyValue", False),
        6: ("attributes", "KeyValue", True),
        7: ("droppedAttributesCount", "uint32", False),
        8: ("flags", "fixed32", False),
        9: ("traceId", "bytes", False),
        10: ("spanId", "bytes", False),
        12: ("eventName", "string", False),
    },
    "KeyValue": {1: ("key", "string", False), 2: ("value", "AnyValue", False)},
    "AnyValue": {
        1: ("stringValue", "string", False),
        2: ("boolValue", "bool", False),
        3: ("intValue", "int64", False),
        4: ("doubleValue", "double", False),
        5: ("arrayValue", "ArrayValue", False),
        6: ("kvlistValue", "KeyValueList", False),
        7: ("bytesValue", "bytes", False),
    },
    "ArrayValue": {1: ("values", "AnyValue", True)},
    "KeyValueList": {1: ("values", "KeyValue", True)},
}
#: AnyValue is a oneof: a member is kept even at its default value (false, 0, "").
ONEOF = {"AnyValue"}
WIRE_TYPES = {"string": LEN, "bytes": LEN, "bool": VARINT, "int64": VARINT, "uint32": VARINT, "enum": VARINT, "double": I64, "fixed64": I64, "fixed32": I32}


def read_varint(data, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise WireError("varint longer than 10 bytes")


def fields(data):
    """(field number, wire type, raw value) of every field of one message, in order."""
    pos = 0
    out = []
    while pos < len(data):
        tag, pos = read_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise WireError("field number 0")
        if wire == VARINT:
            value, pos = read_varint(data, pos)
        elif wire == I64:
            if pos + 8 > len(data):
                raise WireError("truncated fixed64")
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == I32:
            if pos + 4 > len(data):
                raise WireError("truncated fixed32")
            value, pos = data[pos:pos + 4], pos + 4
        elif wire == LEN:
            length, pos = read_varint(data, pos)
            if pos + length > len(data):
                raise WireError(f"field {number}: {length} bytes overrun the message ({len(data) - pos} left)")
            value, pos = data[pos:pos + length], pos + length
        else:
            raise WireError(f"field {number}: unexpected wire type {wire}")
        out.append((number, wire, value))
    return out


def _scalar(kind, raw):
    if kind == "string":
        try:
            return bytes(raw).decode("utf-8", "strict")
        except UnicodeDecodeError as error:
            raise WireError(f"invalid UTF-8 in a string: {error}") from error
    if kind == "bytes":
        return base64.b64encode(raw).decode("ascii")
    if kind == "bool":
        return raw != 0
    if kind == "int64":
        return str(raw - (1 << 64) if raw >= 1 << 63 else raw)
    if kind in ("uint32", "enum"):
        return raw
    if kind == "double":
        (value,) = struct.unpack("<d", raw)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if kind == "fixed64":
        return str(struct.unpack("<Q", raw)[0])
    if kind == "fixed32":
        return struct.unpack("<I", raw)[0]
    raise AssertionError(kind)


def _is_default(value):
    return value in ("", 0, "0", False)  # 0.0 == 0 and False == 0 too


def decode(data, message="ExportLogsServiceRequest"):
    """The proto3 JSON form (a dict) of ``data`` read as ``message``."""
    schema = SCHEMA[message]
    out = {}
    seen = set()
    for number, wire, raw in fields(bytes(data)):
        if number not in schema:
            raise WireError(f"{message}: unknown field {number}")
        name, kind, repeated = schema[number]
        expected = LEN if kind in SCHEMA else WIRE_TYPES[kind]
        if wire != expected:
            raise WireError(f"{message}.{name}: wire type {wire}, expected {expected}")
        value = decode(raw, kind) if kind in SCHEMA else _scalar(kind, raw)
        if repeated:
            out.setdefault(name, []).append(value)
        else:
            if number in seen:
                raise WireError(f"{message}.{name} appears twice")
            seen.add(number)
            out[name] = value
            if message not in ONEOF and kind not in SCHEMA and _is_default(value):
                del out[name]  # proto3 JSON leaves defaults out
    return out
