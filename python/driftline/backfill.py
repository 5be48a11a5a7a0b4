"""``python -m driftline backfill``: the Node CLI's ``driftline backfill`` (sdk/src/backfill;
docs/backfill.md) with the standard library only. Streams a historical CSV to the Worker as
OTLP/JSON ``ml.prediction`` (and ``ml.actual``) log records with each row's own timestamp.

The file is read twice: the first pass learns each column's type with the baseline upload's rule
(numeric when every non-empty cell is a number, boolean when every one is True/False in any case,
else categorical) and counts the rows for the progress figure; the second sends requests of
``batch_size`` records, ``concurrency`` at a time. Memory: one row plus the requests in flight."""

import csv
import datetime
import json
import math
import re
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from . import conventions as conv
from .http import request

#: A cell that reads as a finite decimal number (the collector's rule, collector/src/baseline/column.ts).
_DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_BOOLEANS = {"true": True, "false": False}
#: Distinct refusal reasons kept for the summary.
MAX_REASONS = 20


class BackfillError(ValueError):
    """A CSV that cannot be backfilled as asked; the message names the column or the row."""


def _numeric(cell):
    return bool(_DECIMAL.match(cell)) and math.isfinite(float(cell))


def time_ms_of(cell):
    """Epoch milliseconds of an ISO 8601 time (UTC unless zoned) or of epoch s/ms/µs/ns (by magnitude); None otherwise."""
    text = cell.strip()
    if not text:
        return None
    if _numeric(text):
        n = abs(float(text))
        scale = 1000 if n < 1e11 else 1 if n < 1e14 else 1e-3 if n < 1e17 else 1e-6
        return float(text) * scale
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp() * 1000


def _types(path):
    """Each column's type, the header and the number of data rows."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise BackfillError(f"{path} is empty: a header row is needed")
        numeric = [True] * len(header)
        boolean = [True] * len(header)
        rows = 0
        for row in reader:
            if not row:
                continue
            rows += 1
            for i, cell in enumerate(row[: len(header)]):
                if cell == "":
                    continue
                if numeric[i] and not _numeric(cell):
                    numeric[i] = False
                if boolean[i] and cell.lower() not in _BOOLEANS:
                    boolean[i] = False
    types = ["numeric" if n else "boolean" if b else "categorical" for n, b in zip(numeric, boolean)]
    return header, types, rows


def _value(cell, kind):
    if kind == "numeric":
        return {"doubleValue": float(cell)}
    if kind == "boolean":
        return {"boolValue": _BOOLEANS[cell.lower()]}
    return {"stringValue": cell}


def _outcome(cell, kind, value_key, label_key):
    if kind == "numeric":
        return {"key": value_key, "value": {"doubleValue": float(cell)}}
    return {"key": label_key, "value": {"stringValue": cell.lower() if kind == "boolean" else cell}}


class _Plan:
    """Which column plays which part; every other column is a feature."""

    def __init__(self, header, types, time_column, id_column=None, actual_column=None, batch_column=None, prediction_column=None, score_column=None, exclude=()):
        def index(name, flag):
            if name is None:
                return -1
            if name not in header:
                raise BackfillError(f"{flag} {json.dumps(name)} is not a column of the CSV (columns: {', '.join(header)})")
            return header.index(name)

        self.types = types
        self.time = index(time_column, "--time-column")
        self.id = index(id_column, "--id-column")
        self.actual = index(actual_column, "--actual-column")
        self.batch = index(batch_column, "--batch-column")
        self.prediction = index(prediction_column, "--prediction-column")
        self.score = index(score_column, "--score-column")
        for name in exclude:
            index(name, "--exclude")
        if self.actual >= 0 and self.id < 0:
            raise BackfillError("--actual-column needs --id-column: an actual joins its prediction by ml.prediction.id")
        roles = {self.time, self.id, self.actual, self.batch, self.prediction, self.score}
        self.features = [(i, conv.FEATURE_PREFIX + name) for i, name in enumerate(header) if i not in roles and name not in exclude and not (i == 0 and name == "")]

    def records(self, row, line):
        cell = lambda i: (row[i] if 0 <= i < len(row) and row[i] != "" else None)  # noqa: E731
        time_ms = time_ms_of(row[self.time] if self.time < len(row) else "")
        if time_ms is None:
            raise BackfillError(f"row {line} (the header is row 1): time {json.dumps(row[self.time] if self.time < len(row) else '')} is neither an ISO 8601 time nor epoch seconds or milliseconds")
        nanos = str(round(time_ms * 1000) * 1000)
        shared = []
        if cell(self.id) is not None:
            shared.append({"key": conv.PREDICTION_ID, "value": {"stringValue": cell(self.id)}})
        if cell(self.batch) is not None:
            shared.append({"key": conv.BATCH_ID, "value": {"stringValue": cell(self.batch)}})
        attributes = list(shared)
        for i, key in self.features:
            if cell(i) is not None:
                attributes.append({"key": key, "value": _value(cell(i), self.types[i])})
        if cell(self.prediction) is not None:
            attributes.append(_outcome(cell(self.prediction), self.types[self.prediction], conv.PREDICTION_VALUE, conv.PREDICTION_LABEL))
        if cell(self.score) is not None:
            attributes.append({"key": conv.PREDICTION_SCORE, "value": {"doubleValue": float(cell(self.score))}})
        out = [{"timeUnixNano": nanos, "eventName": conv.EVENT_PREDICTION, "attributes": attributes}]
        if cell(self.actual) is not None and cell(self.id) is not None:
            out.append({"timeUnixNano": nanos, "eventName": conv.EVENT_ACTUAL, "attributes": shared + [_outcome(cell(self.actual), self.types[self.actual], conv.ACTUAL_VALUE, conv.ACTUAL_LABEL)]})
        return out


def _body(model, version, records):
    resource = {"attributes": [{"key": conv.MODEL_ID, "value": {"stringValue": model}}, {"key": conv.MODEL_VERSION, "value": {"stringValue": version}}]}
    return json.dumps({"resourceLogs": [{"resource": resource, "scopeLogs": [{"scope": {"name": "driftline-backfill"}, "logRecords": records}]}]}).encode("utf-8")


def backfill_csv(path, model, version, time_column, endpoint, token, id_column=None, actual_column=None, batch_column=None,
                 prediction_column=None, score_column=None, exclude=(), batch_size=1000, concurrency=4, progress=None):
    """Sends the file; returns the summary dict (rows, predictions, actuals, requests, accepted, rejected, reasons)."""
    header, types, total_rows = _types(path)
    plan = _Plan(header, types, time_column, id_column, actual_column, batch_column, prediction_column, score_column, exclude)
    summary = {"rows": 0, "predictions": 0, "actuals": 0, "requests": 0, "accepted": 0, "rejected": 0, "reasons": []}

    def send(records):
        answer = request("POST", f"{endpoint}/v1/logs", token, _body(model, version, records), "application/json", compress=True)
        partial = answer.get("partialSuccess") or {}
        return len(records), int(partial.get("rejectedLogRecords") or 0), partial.get("errorMessage") or ""

    def settle(done):
        for future in done:
            sent, rejected, message = future.result()
            summary["accepted"] += sent - rejected
            summary["rejected"] += rejected
            if message:
                known = next((r for r in summary["reasons"] if r["message"] == message), None)
                if known is not None:
                    known["requests"] += 1
                elif len(summary["reasons"]) < MAX_REASONS:
                    summary["reasons"].append({"message": message, "requests": 1})

    pending, in_flight = [], set()
    with ThreadPoolExecutor(max_workers=concurrency) as pool, open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader)
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            summary["rows"] += 1
            for record in plan.records(row, line):
                summary["actuals" if record["eventName"] == conv.EVENT_ACTUAL else "predictions"] += 1
                pending.append(record)
            if len(pending) >= batch_size:
                summary["requests"] += 1
                in_flight.add(pool.submit(send, pending))
                pending = []
                if len(in_flight) >= concurrency:
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    settle(done)
                if progress:
                    progress(summary["rows"], total_rows, summary["accepted"] + summary["rejected"])
        if pending:
            summary["requests"] += 1
            in_flight.add(pool.submit(send, pending))
        done, _ = wait(in_flight)
        settle(done)
    if progress:
        progress(summary["rows"], total_rows, summary["accepted"] + summary["rejected"])
    return summary


def describe(summary, model, version):
    """The summary as the Node CLI prints it: a line of counts, then a line per refusal reason."""
    lines = [f"backfill of model {model} version {version}: {summary['rows']} rows, {summary['predictions']} predictions and {summary['actuals']} actuals "
             f"in {summary['requests']} requests; {summary['accepted']} records accepted, {summary['rejected']} refused"]
    for reason in summary["reasons"]:
        lines.append(f"refused ({reason['requests']} request{'' if reason['requests'] == 1 else 's'}): {reason['message']}")
    return "\n".join(lines) + "\n"
