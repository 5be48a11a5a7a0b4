"""The monitor's counters: what it recorded, left out, delivered and lost.

Each counter has one writer side. Counters the recording call writes (several request threads
may record at once) are guarded by a lock: ``x += 1`` is three bytecodes, and an unguarded race
would lose counts. Counters the background thread writes have that single writer and need none.
"""

import logging
import threading

logger = logging.getLogger("driftline")


class Counters:
    """Mutable counters; ``snapshot()`` is what ``Monitor.stats()`` returns."""

    def __init__(self):
        self.lock = threading.Lock()
        # Written by recording calls, under `lock`.
        self.recorded = 0
        self.invalid_records_at_call = 0
        self.dropped_queue_full = 0
        self.dropped_after_close = 0
        self.internal_errors = 0
        # Written by the background thread only.
        self.invalid_records = 0  # found while encoding (an actual nobody can join)
        self.invalid_values = 0
        self.exported_records = 0
        self.rejected_records = 0
        self.failed_records = 0
        self.export_failures = 0
        self.retries = 0
        self.dropped_at_close = 0

    def snapshot(self, queued):
        """A plain dict copy, so the host cannot change the counters."""
        with self.lock:
            at_call = (self.recorded, self.invalid_records_at_call, self.dropped_queue_full, self.dropped_after_close, self.internal_errors)
        recorded, invalid_at_call, queue_full, after_close, internal = at_call
        return {
            # Events accepted by record_prediction / record_actual (minus those found unusable later).
            "recorded": recorded - self.invalid_records,
            "invalid_records": invalid_at_call + self.invalid_records,
            "invalid_values": self.invalid_values,
            "exported_records": self.exported_records,
            "rejected_records": self.rejected_records,
            "dropped": queue_full + after_close + self.failed_records + self.dropped_at_close,
            "dropped_queue_full": queue_full,
            "dropped_after_close": after_close,
            "dropped_at_close": self.dropped_at_close,
            "failed_records": self.failed_records,
            "export_failures": self.export_failures,
            "retries": self.retries,
            "internal_errors": internal,
            "queued": queued,
        }


class LogOnce:
    """Logs the first occurrence of each kind of problem at its level, the rest at DEBUG: a model
    server that lost its receiver gets one clear line, not one per batch."""

    def __init__(self):
        self._seen = set()
        self._lock = threading.Lock()

    def __call__(self, kind, level, message, *args, exc_info=False):
        with self._lock:
            first = kind not in self._seen
            self._seen.add(kind)
        try:
            logger.log(level if first else logging.DEBUG, message, *args, exc_info=exc_info)
        except Exception:  # a broken logging handler must not break the monitor
            pass
