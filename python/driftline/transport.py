"""One OTLP/HTTP POST, and what its answer means (the OTLP/HTTP specification, "Failures").

- 2xx: delivered. The body (protobuf or JSON, as the request was) may carry a partial success:
  the count of rejected log records and a message.
- 429, 502, 503, 504 and network errors: retryable. ``Retry-After`` (seconds or an HTTP date)
  is honoured; otherwise the wait doubles from ``initial_backoff_seconds`` up to
  ``max_backoff_seconds``, with jitter so that many servers do not retry in step.
- Anything else (400 data the receiver cannot parse, 401/403 a wrong token, 413 too large, 415):
  not retried; the batch is dropped and counted.

The connection is kept alive between requests (one ``http.client`` connection per monitor,
used only by its background thread) and reopened after any error.
"""

import email.utils
import http.client
import json
import random
import time
from urllib.parse import urlsplit

from .otlp_protobuf import read_partial_success, read_status_message

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
#: How much of an error body is kept for a log message.
_MESSAGE_CHARS = 300


class Answer:
    """What one POST came back with."""

    __slots__ = ("status", "retry_after_seconds", "message", "rejected")

    def __init__(self, status, retry_after_seconds=None, message="", rejected=0):
        self.status = status
        self.retry_after_seconds = retry_after_seconds
        self.message = message
        self.rejected = rejected

    @property
    def ok(self):
        return 200 <= self.status < 300

    @property
    def retryable(self):
        return self.status in RETRYABLE_STATUSES


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_seconds(attempt, initial_seconds, max_seconds, retry_after_seconds=None, rand=random.random):
    """The wait before retry number ``attempt`` (1-based): Retry-After when given, else capped exponential with jitter."""
    if retry_after_seconds is not None:
        return min(retry_after_seconds, max_seconds)
    base = min(max_seconds, initial_seconds * (2 ** (attempt - 1)))
    # Jitter in [0.5, 1.0) of the step: spreads retries of many clients, never exceeds the cap.
    return base * (0.5 + rand() / 2)


def _error_message(body, content_type):
    if "protobuf" in content_type:
        # google.rpc.Status, as an OTLP receiver answers a protobuf request.
        try:
            return read_status_message(body).strip()[:_MESSAGE_CHARS]
        except ValueError:
            return ""
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            parsed = json.loads(text)
            if isinstance(parsed, dict):
                text = str(parsed.get("message") or parsed.get("error") or text)
        except ValueError:
            pass
    return text.strip()[:_MESSAGE_CHARS]


class Transport:
    """POSTs request bodies to one URL over a kept-alive connection."""

    def __init__(self, url, headers, timeout_seconds, content_type="application/x-protobuf"):
        parts = urlsplit(url)
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = (parts.path or "/")
        self._headers = dict(headers)
        self._content_type = content_type
        self._timeout = timeout_seconds
        self._connection = None

    def post(self, body, content_encoding=None):
        """POSTs ``body`` (bytes, already encoded as ``content_encoding``); returns an Answer. Raises OSError on network failure."""
        headers = dict(self._headers)
        headers["Content-Type"] = self._content_type
        if content_encoding is not None:
            headers["Content-Encoding"] = content_encoding
        try:
            connection = self._connect()
            connection.request("POST", self._path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise OSError(f"{type(error).__name__}: {error}") from error
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        status = response.status
        content_type = response.getheader("Content-Type", "")
        if 200 <= status < 300:
            return _success(status, payload, content_type)
        return Answer(status, parse_retry_after(response.getheader("Retry-After")), _error_message(payload, content_type) or response.reason)

    def close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except OSError:
                pass
            self._connection = None

    def _connect(self):
        if self._connection is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._connection = cls(self._host, self._port, timeout=self._timeout)
        return self._connection


def _success(status, payload, content_type):
    rejected = 0
    message = ""
    if payload and "protobuf" in content_type:
        try:
            rejected, message = read_partial_success(payload)
            message = message[:_MESSAGE_CHARS]
        except ValueError:
            pass
    elif payload and "json" in content_type:
        try:
            partial = json.loads(payload).get("partialSuccess") or {}
            rejected = int(partial.get("rejectedLogRecords") or 0)
            message = str(partial.get("errorMessage") or "")[:_MESSAGE_CHARS]
        except (ValueError, AttributeError, TypeError):
            pass
    return Answer(status, None, message, rejected)
