"""Monitor: one call per prediction, reported to Driftline as OTLP ``ml.prediction`` events.

Failure model (as the Node SDK's ModelMonitor): invalid configuration raises MonitorConfigError
at construction. After that no method raises into the model server: bad values are left out
and counted, records lost to a full queue or a failed export are counted (``stats()``), and
each kind of problem is logged once through the ``driftline`` logger.
"""

import atexit
import logging
import time as _time

from . import config as _config
from .exporter import ACTUAL, PREDICTION, Exporter
from .stats import Counters, LogOnce

_time_ns = _time.time_ns


class Monitor:
    """Records a model's predictions and actuals for Driftline.

    ``Monitor(endpoint, token, model, version)``; endpoint and token may come from
    ``DRIFTLINE_ENDPOINT`` / ``DRIFTLINE_TOKEN`` or the ``OTEL_EXPORTER_OTLP_*`` variables.
    Records go as OTLP/HTTP protobuf; ``protocol="http/json"`` (or ``OTEL_EXPORTER_OTLP_PROTOCOL``)
    sends OTLP/JSON instead.
    Use it as a context manager, or call ``close()``; an ``atexit`` hook flushes what is left
    (for at most ``close_timeout_seconds``) if neither happened.
    """

    def __init__(self, endpoint=None, token=None, model=None, version=None, **options):
        env = options.pop("env", None)
        self._config = _config.resolve(endpoint, token, model, version, env, **options)
        self.model = self._config.model
        self.version = self._config.version
        self._counters = Counters()
        self._log_once = LogOnce()
        self._exporter = Exporter(self._config, self._counters, self._log_once)
        self._queue = self._exporter.queue
        self._max_queue = self._config.max_queue_size
        self._batch = self._config.max_batch_size
        self._closed = False
        atexit.register(self.close)

    @property
    def endpoint(self):
        """The logs URL records are POSTed to."""
        return self._config.logs_url

    def record_prediction(self, features, prediction=None, label=None, score=None, latency_seconds=None, id=None, segments=None, time=None, error=None):
        """Records one prediction; never raises.

        ``features``: a mapping of name to value (numbers are numeric features, strings and
        booleans categorical; numpy scalars are unwrapped; None, NaN and pandas.NA are missing).
        ``prediction``: a number (``ml.prediction.value``) or a class (``ml.prediction.label``).
        ``label``/``score``: a classifier's class and its score. ``latency_seconds``: how long the
        prediction took. ``id``: the association id ``record_actual`` joins on. ``segments``: a
        mapping such as ``{"region": "eu"}``. ``time``: a datetime or epoch seconds (now when
        absent). ``error``: an exception (its class name is ``error.type``) or a string.
        """
        try:
            if self._closed:
                self._refuse_after_close()
                return
            if type(features) is dict:
                features = features.copy()
            elif hasattr(features, "keys"):
                try:
                    features = dict(features)  # a Mapping, a pandas Series
                except Exception as error:
                    self._invalid_record("features could not be read as a mapping (%s: %s)", type(error).__name__, error)
                    return
            else:
                self._invalid_record("features must be a mapping of feature names to values, got %s", type(features).__name__)
                return
            if segments is not None and type(segments) is dict:
                segments = segments.copy()
            q = self._queue
            if len(q) >= self._max_queue:
                self._drop_queue_full()
                return
            q.append((PREDICTION, _time_ns(), features, prediction, label, score, latency_seconds, id, segments, time, error))
            counters = self._counters
            with counters.lock:
                counters.recorded += 1
            if len(q) >= self._batch:
                wake = self._exporter.wake
                if not wake.is_set():
                    wake.set()
        except Exception:
            self._internal_error("record_prediction")

    def record_actual(self, id, actual=None, *, label=None):
        """Records the ground truth for prediction ``id``: a number (``ml.actual.value``), or a class
        (a string or bool, or ``label=`` for class ids given as ints) as ``ml.actual.label``. Never raises."""
        try:
            if self._closed:
                self._refuse_after_close()
                return
            if label is not None:
                actual = label if isinstance(label, (str, bool)) else str(int(label.__index__()) if hasattr(label, "__index__") else label)
            q = self._queue
            if len(q) >= self._max_queue:
                self._drop_queue_full()
                return
            q.append((ACTUAL, _time_ns(), id, actual))
            counters = self._counters
            with counters.lock:
                counters.recorded += 1
            if len(q) >= self._batch and not self._exporter.wake.is_set():
                self._exporter.wake.set()
        except Exception:
            self._internal_error("record_actual")

    def flush(self, timeout=None):
        """Sends everything recorded so far; returns True once delivered (or given up and counted),
        False if ``timeout`` seconds passed first. Never raises."""
        try:
            return self._exporter.flush(self._config.close_timeout_seconds if timeout is None else timeout)
        except Exception:
            self._internal_error("flush")
            return False

    def close(self, timeout=None):
        """Flushes for at most ``timeout`` seconds (default ``close_timeout_seconds``), then stops
        the thread; what is still queued is dropped and counted. Idempotent; never raises."""
        if self._closed:
            return True
        self._closed = True
        try:
            atexit.unregister(self.close)
        except Exception:
            pass
        try:
            return self._exporter.stop(self._config.close_timeout_seconds if timeout is None else timeout)
        except Exception:
            self._internal_error("close")
            return False

    def stats(self):
        """What the monitor recorded, left out, delivered and lost so far (a new dict each call)."""
        return self._counters.snapshot(sum(1 for item in list(self._queue) if type(item) is tuple))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __repr__(self):
        return f"Monitor(model={self.model!r}, version={self.version!r}, endpoint={self.endpoint!r})"

    def _drop_queue_full(self):
        counters = self._counters
        with counters.lock:
            counters.dropped_queue_full += 1
        self._log_once("queue-full", logging.WARNING, "driftline: the queue is full (max_queue_size=%d): the receiver is slow or away; new records are dropped and counted in monitor.stats()['dropped_queue_full']", self._max_queue)

    def _refuse_after_close(self):
        counters = self._counters
        with counters.lock:
            counters.dropped_after_close += 1
        self._log_once("after-close", logging.WARNING, "driftline: Monitor(%s) was closed; further records are dropped and counted in monitor.stats()['dropped_after_close']", self.model)

    def _invalid_record(self, message, *args):
        counters = self._counters
        with counters.lock:
            counters.invalid_records_at_call += 1
        self._log_once("invalid-record", logging.WARNING, "driftline: record left out: " + message, *args)

    def _internal_error(self, where):
        try:
            counters = self._counters
            with counters.lock:
                counters.internal_errors += 1
            self._log_once("internal-" + where, logging.ERROR, "driftline: %s failed inside the monitor; the record was dropped", where, exc_info=True)
        except Exception:
            pass
