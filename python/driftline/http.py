"""Small HTTP helpers for the batch paths (baseline upload, status): one request, the Worker's
JSON answer or a DriftlineError carrying its message. Unlike the Monitor these raise: an upload
is a job a user runs and must hear about."""

import gzip as _gzip
import json
import time
import urllib.error
import urllib.request

from .transport import RETRYABLE_STATUSES, backoff_seconds, parse_retry_after

#: Attempts for a request answered 429/502/503/504 or failing on the network.
ATTEMPTS = 4


class DriftlineError(Exception):
    """The Worker refused a request (``status`` is its HTTP status; 0 for a network failure)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def request(method, url, token, body=None, content_type=None, compress=False, timeout_seconds=60.0):
    """Sends one request (retrying 429/503 and network errors, honouring Retry-After); returns the parsed JSON answer."""
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type
        if compress:
            body = _gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
    for attempt in range(1, ATTEMPTS + 1):
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout_seconds) as response:
                text = response.read().decode("utf-8")
                return json.loads(text) if text else {}
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            message = _message(text) or error.reason
            if error.code not in RETRYABLE_STATUSES or attempt == ATTEMPTS:
                raise DriftlineError(error.code, f"{error.code} {error.reason}: {message}") from None
            wait = backoff_seconds(attempt, 0.5, 10.0, parse_retry_after(error.headers.get("Retry-After")))
        except (urllib.error.URLError, OSError) as error:
            if attempt == ATTEMPTS:
                reason = getattr(error, "reason", error)
                raise DriftlineError(0, f"cannot reach {url}: {reason}") from None
            wait = backoff_seconds(attempt, 0.5, 10.0)
        time.sleep(wait)
    raise AssertionError("unreachable")


def _message(text):
    try:
        parsed = json.loads(text)
    except ValueError:
        return text.strip()
    if isinstance(parsed, dict):
        return str(parsed.get("error") or parsed.get("message") or text)
    return text.strip()
