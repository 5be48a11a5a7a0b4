"""Monitor configuration: arguments, then environment variables, then defaults.

Invalid configuration raises MonitorConfigError here, at construction, naming the argument or
variable and what would be accepted; after construction the monitor never raises.

Precedence (the OpenTelemetry exporters' own rules, with Driftline's variables in front):
endpoint: argument, ``DRIFTLINE_ENDPOINT`` (base URL), ``OTEL_EXPORTER_OTLP_LOGS_ENDPOINT``
(the full signal URL, used as is), ``OTEL_EXPORTER_OTLP_ENDPOINT`` (base URL), else
``http://localhost:4318``. Token: argument, ``DRIFTLINE_TOKEN``, else whatever
``OTEL_EXPORTER_OTLP_LOGS_HEADERS`` / ``OTEL_EXPORTER_OTLP_HEADERS`` carry. Protocol: argument,
``OTEL_EXPORTER_OTLP_LOGS_PROTOCOL``, ``OTEL_EXPORTER_OTLP_PROTOCOL``, else ``http/protobuf``
(docs/python.md says why).
"""

import logging
import os
import re
from urllib.parse import unquote, urlsplit

from .conventions import MAX_NAME_LENGTH

DEFAULT_ENDPOINT = "http://localhost:4318"
#: The OTLP/HTTP encodings the monitor speaks, named as OTEL_EXPORTER_OTLP_PROTOCOL names them.
PROTOCOLS = ("http/protobuf", "http/json")
#: Measured faster end to end than http/json (docs/benchmarks.md, "Python client").
DEFAULT_PROTOCOL = "http/protobuf"
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


class MonitorConfigError(ValueError):
    """Invalid configuration, raised at construction only."""


class Config:
    """Validated settings of one Monitor."""

    __slots__ = (
        "model", "version", "logs_url", "headers", "service_name", "resource_attributes", "max_queue_size",
        "max_batch_size", "schedule_delay_seconds", "export_timeout_seconds", "request_timeout_seconds",
        "initial_backoff_seconds", "max_backoff_seconds", "close_timeout_seconds", "gzip_level",
        "protocol",
    )


def parse_headers(text, source):
    """``OTEL_EXPORTER_OTLP_HEADERS`` syntax: ``key=value,key2=value2``, values URL-encoded (W3C Baggage style)."""
    headers = {}
    for item in text.split(","):
        item = item.strip()
        if item == "":
            continue
        if "=" not in item:
            raise MonitorConfigError(f"{source}: {item!r} is not key=value (expected e.g. Authorization=Bearer%20<token>)")
        key, value = item.split("=", 1)
        headers[unquote(key.strip())] = unquote(value.strip())
    return headers


def _check_name(value, what, required):
    if value is None and not required:
        return None
    if not isinstance(value, str) or value == "":
        raise MonitorConfigError(f"{what} must be a non-empty string, got {value!r}")
    if len(value) > MAX_NAME_LENGTH:
        raise MonitorConfigError(f"{what} is {len(value)} characters long; the limit is {MAX_NAME_LENGTH} (maxNameLength)")
    return value


def base_url(endpoint, source):
    """``endpoint`` checked as an absolute http(s) URL without query or fragment, trailing slashes removed."""
    if not isinstance(endpoint, str):
        raise MonitorConfigError(f"{source} must be a URL string, got {endpoint!r}")
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or parts.netloc == "":
        raise MonitorConfigError(f"{source} must be an absolute http(s) URL such as https://driftline.example.workers.dev, got {endpoint!r}")
    if parts.query or parts.fragment:
        raise MonitorConfigError(f"{source} must not carry a query or fragment: give the base URL, /v1/logs is appended")
    return endpoint.rstrip("/")


def _positive(value, what, integer):
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if not ok or isinstance(value, bool) or not value > 0 or value != value:
        kind = "a positive integer" if integer else "a positive number"
        raise MonitorConfigError(f"{what} must be {kind}, got {value!r}")
    return value


def _resource_attributes(env):
    # OTEL_RESOURCE_ATTRIBUTES: key=value pairs, as in every OpenTelemetry SDK.
    text = env.get("OTEL_RESOURCE_ATTRIBUTES", "")
    return parse_headers(text, "OTEL_RESOURCE_ATTRIBUTES") if text else {}


def resolve(endpoint, token, model, version, env=None, *, headers=None, service_name=None, resource_attributes=None,
            max_queue_size=2048, max_batch_size=512, schedule_delay_seconds=1.0, export_timeout_seconds=30.0,
            request_timeout_seconds=10.0, initial_backoff_seconds=0.5, max_backoff_seconds=30.0,
            close_timeout_seconds=5.0, gzip_level=1, protocol=None):
    """Validates the arguments, reads the environment and applies the defaults."""
    env = os.environ if env is None else env
    c = Config()
    c.model = _check_name(model, "model", True)
    c.version = _check_name(version, "version", False)

    if endpoint is not None:
        c.logs_url = base_url(endpoint, "endpoint") + "/v1/logs"
    elif env.get("DRIFTLINE_ENDPOINT"):
        c.logs_url = base_url(env["DRIFTLINE_ENDPOINT"], "DRIFTLINE_ENDPOINT") + "/v1/logs"
    elif env.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"):
        c.logs_url = base_url(env["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"], "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
    elif env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        c.logs_url = base_url(env["OTEL_EXPORTER_OTLP_ENDPOINT"], "OTEL_EXPORTER_OTLP_ENDPOINT") + "/v1/logs"
    else:
        c.logs_url = DEFAULT_ENDPOINT + "/v1/logs"

    merged = {}
    for variable in ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS"):
        if env.get(variable):
            merged.update(parse_headers(env[variable], variable))
    if headers is not None:
        if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise MonitorConfigError("headers must be a dict of header names to string values")
        merged.update(headers)
    source = "token"
    if token is None and env.get("DRIFTLINE_TOKEN"):
        token, source = env["DRIFTLINE_TOKEN"], "DRIFTLINE_TOKEN"
    if token is not None:
        if not isinstance(token, str) or not _TOKEN.match(token):
            raise MonitorConfigError(f"{source} must be a non-empty string of printable ASCII without spaces (the ingest token the Worker printed)")
        merged = {k: v for k, v in merged.items() if k.lower() != "authorization"}
        merged["Authorization"] = "Bearer " + token
    c.headers = merged

    c.service_name = service_name or env.get("OTEL_SERVICE_NAME") or "model-server"
    attributes = dict(resource_attributes or {})
    attributes.update(_resource_attributes(env))
    c.resource_attributes = attributes

    c.max_queue_size = _positive(max_queue_size, "max_queue_size", True)
    c.max_batch_size = _positive(max_batch_size, "max_batch_size", True)
    if c.max_batch_size > c.max_queue_size:
        raise MonitorConfigError(f"max_batch_size ({max_batch_size}) must not exceed max_queue_size ({max_queue_size})")
    c.schedule_delay_seconds = _positive(schedule_delay_seconds, "schedule_delay_seconds", False)
    c.export_timeout_seconds = _positive(export_timeout_seconds, "export_timeout_seconds", False)
    c.request_timeout_seconds = _positive(request_timeout_seconds, "request_timeout_seconds", False)
    c.initial_backoff_seconds = _positive(initial_backoff_seconds, "initial_backoff_seconds", False)
    c.max_backoff_seconds = _positive(max_backoff_seconds, "max_backoff_seconds", False)
    c.close_timeout_seconds = _positive(close_timeout_seconds, "close_timeout_seconds", False)
    if not isinstance(gzip_level, int) or not 0 <= gzip_level <= 9:
        raise MonitorConfigError(f"gzip_level must be an integer 0 (no compression) to 9, got {gzip_level!r}")
    c.gzip_level = gzip_level
    c.protocol = _protocol(protocol, env)
    return c


def _protocol(protocol, env):
    """The wire format: the argument, the logs signal's variable, the general one, else protobuf.

    An unsupported value of the argument or of ``OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`` (both aimed at
    this exporter) raises. ``OTEL_EXPORTER_OTLP_PROTOCOL`` is shared by every OTLP exporter of the
    process: ``grpc`` there is meant for the others, so it is passed over with a warning instead
    of stopping the model server at start (docs/python.md).
    """
    source = "protocol"
    if protocol is None:
        logs = env.get("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "").strip().lower()
        shared = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "").strip().lower()
        if logs:
            protocol, source = logs, "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"
        elif shared in PROTOCOLS:
            return shared
        else:
            if shared:
                logging.getLogger("driftline").warning(
                    "OTEL_EXPORTER_OTLP_PROTOCOL=%s is not an OTLP/HTTP encoding this monitor speaks; sending %s "
                    "(set OTEL_EXPORTER_OTLP_LOGS_PROTOCOL or protocol= to choose)", shared, DEFAULT_PROTOCOL)
            return DEFAULT_PROTOCOL
    if protocol not in PROTOCOLS:
        hint = " (the Worker takes OTLP over HTTP only, not gRPC)" if protocol == "grpc" else ""
        raise MonitorConfigError(f"{source} must be one of {', '.join(PROTOCOLS)}, got {protocol!r}{hint}; set protocol= or OTEL_EXPORTER_OTLP_LOGS_PROTOCOL to choose the monitor's own")
    return protocol
