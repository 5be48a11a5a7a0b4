"""The background half of a Monitor: a bounded queue, two daemon threads, batches sent as
gzipped OTLP/HTTP protobuf (or JSON, ``protocol="http/json"``), with retries.

Cost model: the recording call appends one tuple of the caller's raw values to a deque (a
shallow copy of the features dict, so the caller may reuse its dict) and returns; it never
encodes, compresses or waits on the network. The encoding thread wakes when a batch is full or
``schedule_delay_seconds`` has passed, encodes the queued records (encode.py) and compresses
them ``max_batch_size`` at a time; the sending thread POSTs each body. The two overlap: the next
batch is encoded while the receiver works on the previous one (measured in docs/benchmarks.md,
bench:python), and at most one encoded body waits for the sender, so the hand-off adds one
batch of memory, not a second queue.

Bounds: the queue holds at most ``max_queue_size`` records; past it new records are dropped
and counted (``dropped_queue_full``), so a receiver that is away costs bounded memory. One
batch is retried for at most ``export_timeout_seconds``; then it is dropped and counted.
"""

import gzip
import logging
import os
import queue
import threading
import time
import weakref
from collections import deque

from . import encode
from .stats import logger
from .transport import Transport, backoff_seconds

#: Marks a queued prediction (the tuple's first item); actuals use _ACTUAL.
PREDICTION = 0
ACTUAL = 1
SCOPE_NAME = "driftline"
SCOPE_VERSION = "0.1.0"
#: How often a thread blocked on the hand-off looks whether the exporter was stopped.
_POLL_SECONDS = 0.1


class Exporter:
    """Owns the queue, the two threads and the transport."""

    def __init__(self, config, counters, log_once):
        self.config = config
        self.queue = deque()
        self.wake = threading.Event()
        self._counters = counters
        self._log_once = log_once
        self._abandon = threading.Event()
        self._stopped = False
        codec = encode.CODECS[config.protocol]
        self._codec = codec
        self._transport = Transport(config.logs_url, config.headers, config.request_timeout_seconds, codec.content_type)
        self._identity = codec.identity(config.model, config.version)
        resource = {"service.name": config.service_name, "telemetry.sdk.name": SCOPE_NAME, "telemetry.sdk.language": "python", "telemetry.sdk.version": SCOPE_VERSION}
        resource.update(config.resource_attributes)
        self._resource = codec.resource(resource)
        self._scope = codec.scope(SCOPE_NAME, SCOPE_VERSION)
        self._thread = None
        self._sender = None
        self._start()
        if hasattr(os, "register_at_fork"):
            this = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: this() is not None and this()._after_fork())

    def _start(self):
        # Encoded bodies (and flush markers, in order) from the encoding thread to the sender.
        self._bodies = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="driftline-exporter", daemon=True)
        self._sender = threading.Thread(target=self._send_loop, name="driftline-sender", daemon=True)
        self._thread.start()
        self._sender.start()

    def _after_fork(self):
        # A pre-forking server (gunicorn) copies the queue into each worker: those records are the
        # parent's to send. The child starts empty, with its own connection and threads.
        self.queue.clear()
        self.wake = threading.Event()
        self._transport._connection = None
        self._start()

    def flush(self, timeout_seconds):
        """Waits until everything queued before this call is delivered or given up; False on timeout."""
        if self._thread is None or not self._thread.is_alive():
            return not self.queue
        done = threading.Event()
        self.queue.append(done)
        self.wake.set()
        return done.wait(timeout_seconds)

    def stop(self, timeout_seconds):
        """Flushes for at most ``timeout_seconds``, then abandons retries and counts what is left."""
        delivered = self.flush(timeout_seconds)
        self._stopped = True
        self._abandon.set()
        self.wake.set()
        for thread in (self._thread, self._sender):
            if thread is not None:
                thread.join(1.0)
        left = sum(1 for item in self.queue if type(item) is tuple)
        self.queue.clear()
        while True:
            try:
                item = self._bodies.get_nowait()
            except queue.Empty:
                break
            if type(item) is tuple:
                left += item[1]
        if left:
            self._counters.dropped_at_close += left
            self._log_once("close", logging.WARNING, "driftline: %d records were still queued when the monitor closed (close_timeout_seconds=%s) and were dropped", left, self.config.close_timeout_seconds)
        elif not delivered:
            # Everything had been taken into a request that the endpoint had not answered yet: those
            # records may be lost too, and the host should hear of it as of queued ones.
            self._log_once("close", logging.WARNING, "driftline: a request was still unanswered when the monitor closed (close_timeout_seconds=%s); its records may not have been delivered", self.config.close_timeout_seconds)
        self._transport.close()
        return delivered and not left

    def _run(self):
        while not self._stopped:
            self.wake.wait(self.config.schedule_delay_seconds)
            self.wake.clear()
            try:
                self._drain()
            except Exception:  # never let the thread die: count it, log once, keep serving
                self._counters.export_failures += 1
                self._log_once("internal", logging.ERROR, "driftline: unexpected error in the export thread", exc_info=True)

    def _drain(self):
        q = self.queue
        size = self.config.max_batch_size
        counters = self._counters
        codec = self._codec
        identity = self._identity
        encode_prediction = encode.encode_prediction
        while q and not self._stopped:
            batch = []
            done = None
            while q and len(batch) < size:
                item = q.popleft()
                if type(item) is not tuple:
                    done = item
                    break
                try:
                    if item[0] is PREDICTION:
                        record = encode_prediction(codec, identity, *item[1:], counters)
                    else:
                        record = encode.encode_actual(codec, identity, item[1], item[2], item[3], counters)
                except Exception:
                    # A value whose conversion fails (an int too large for a float, say) costs its
                    # own record, never the batch around it.
                    counters.invalid_records += 1
                    self._log_once("encode", logging.WARNING, "driftline: a record could not be encoded and was left out (see monitor.stats()['invalid_records'])", exc_info=True)
                    continue
                if record is not None:
                    batch.append(record)
            if batch:
                body = codec.request(self._resource, self._scope, batch)
                if self.config.gzip_level > 0:
                    body = gzip.compress(body, compresslevel=self.config.gzip_level, mtime=0)
                self._hand_off((body, len(batch)))
            if done is not None:
                # Set by the sender once every body before it is delivered or given up.
                self._hand_off(done)

    def _hand_off(self, item):
        """Gives the sender an encoded body or a flush marker; waits while it holds one already."""
        while not self._stopped:
            try:
                self._bodies.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue
        if type(item) is tuple:
            self._counters.dropped_at_close += item[1]

    def _send_loop(self):
        while not self._stopped:
            try:
                item = self._bodies.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
            if type(item) is not tuple:
                item.set()
                continue
            try:
                self._export(*item)
            except Exception:  # never let the thread die: count it, log once, keep serving
                self._counters.export_failures += 1
                self._counters.failed_records += item[1]
                self._log_once("internal", logging.ERROR, "driftline: unexpected error in the sending thread", exc_info=True)

    def _export(self, body, count):
        config = self.config
        counters = self._counters
        encoding = "gzip" if config.gzip_level > 0 else None
        deadline = time.monotonic() + config.export_timeout_seconds
        attempt = 0
        while True:
            try:
                answer = self._transport.post(body, encoding)
                problem = None
            except OSError as error:
                answer = None
                problem = str(error)
            if answer is not None and answer.ok:
                counters.exported_records += count - answer.rejected
                if answer.rejected or answer.message:
                    counters.rejected_records += answer.rejected
                    self._log_once("partial", logging.WARNING, "driftline: the receiver rejected %d of %d records: %s (see monitor.stats()['rejected_records'])", answer.rejected, count, answer.message)
                return
            if answer is not None and not answer.retryable:
                self._give_up(count, _refusal(answer, self._transport.url))
                return
            attempt += 1
            wait = backoff_seconds(attempt, config.initial_backoff_seconds, config.max_backoff_seconds, None if answer is None else answer.retry_after_seconds)
            if self._abandon.is_set() or time.monotonic() + wait > deadline:
                what = problem if answer is None else f"HTTP {answer.status} {answer.message}"
                self._give_up(count, ("unreachable", f"driftline: could not deliver to {self._transport.url} within export_timeout_seconds={config.export_timeout_seconds} ({what}); records are dropped and counted in monitor.stats()['failed_records']"))
                return
            counters.retries += 1
            if attempt == 1:
                what = problem if answer is None else f"HTTP {answer.status}"
                logger.debug("driftline: retrying a batch of %d in %.2fs (%s)", count, wait, what)
            self._abandon.wait(wait)

    def _give_up(self, count, refusal):
        kind, message = refusal
        self._counters.failed_records += count
        self._counters.export_failures += 1
        self._log_once(kind, logging.ERROR, "%s", message)


def _refusal(answer, url):
    """The log kind and message for a non-retryable answer."""
    status = answer.status
    if status in (401, 403):
        return ("auth", f"driftline: {url} refused the token (HTTP {status}: {answer.message}). Set DRIFTLINE_TOKEN (or token=) to an ingest token the Worker accepts; records are dropped and counted in monitor.stats()['failed_records']")
    if status == 404:
        return ("status-404", f"driftline: {url} answered 404: is the endpoint the Worker's base URL (without /v1/logs)? Records are dropped and counted")
    return (f"status-{status}", f"driftline: {url} refused a batch with HTTP {status} ({answer.message}); it is not retried, records are dropped and counted in monitor.stats()['failed_records']")
