"""``upload_baseline``: the Worker builds a version's baseline from training data sent as CSV
(docs/baselines.md, "CSV uploads"), with the collector's builder, the same code the Node SDK
runs, so Python needs no sketch implementation of its own.

The data goes in parts of about ``part_bytes`` of CSV text (each part repeats the header row),
which the Worker sketches one by one and merges; a commit then makes the merged sketches the
version's baseline. Memory: one part. A previous upload that stopped half-way is discarded first.
"""

import csv
import io
import math
import os
from urllib.parse import quote, urlencode

from .config import base_url
from .http import DriftlineError, request
from .values import INVALID, MISSING, scalar

#: CSV text per part: well inside the Worker's 16 MiB MAX_DECOMPRESSED_BYTES, and gzipped far below its 4 MiB MAX_BODY_BYTES.
DEFAULT_PART_BYTES = 8 * 1024 * 1024


def upload_baseline(data, model, version, prediction=None, score=None, target=None, exclude=(), categorical=(), endpoint=None, token=None,
                    part_bytes=DEFAULT_PART_BYTES, progress=None, env=None):
    """Uploads training data as the baseline of ``model`` ``version``; returns what the Worker stored.

    ``data``: a CSV file's path, a pandas DataFrame (anything with ``to_csv``), or an iterable of
    row dicts. ``prediction``: the prediction column (numbers: a value; else a label); ``score``:
    a classifier's score column; ``target``: the ground-truth column (kept for target drift, not a feature);
    ``exclude``/``categorical``: column names. ``progress``: called after each part with
    ``{"part", "rows", "bytes", "total_bytes"}``. Endpoint and token default to
    ``DRIFTLINE_ENDPOINT`` and ``DRIFTLINE_TOKEN`` (an ingest token). Raises DriftlineError with
    the Worker's message (a CSV error names its line; a type conflict names its column).
    """
    env = os.environ if env is None else env
    endpoint = base_url(endpoint or env.get("DRIFTLINE_ENDPOINT") or "", "endpoint (or DRIFTLINE_ENDPOINT)")
    token = token or env.get("DRIFTLINE_TOKEN")
    if not token:
        raise ValueError("no token: pass token= or set DRIFTLINE_TOKEN (an ingest token)")
    base = f"{endpoint}/api/models/{quote(model, safe='')}/baselines/{quote(version, safe='')}"
    query = [(k, v) for k, v in (("prediction", prediction), ("score", score), ("target", target)) if v is not None]
    query += [("exclude", name) for name in exclude] + [("categorical", name) for name in categorical]
    suffix = ("?" + urlencode(query)) if query else ""

    request("DELETE", base + "/parts", token)
    notices, warnings = [], []
    sent_rows = 0
    part = 0
    for part_text, rows, done_bytes, total_bytes in _parts(data, part_bytes):
        part += 1
        answer = request("PUT", f"{base}/parts/{part}{suffix}", token, part_text.encode("utf-8"), "text/csv; charset=utf-8", compress=True)
        sent_rows += rows
        for notice in answer.get("notices", []):
            if notice.split(": ", 1)[-1] not in (n.split(": ", 1)[-1] for n in notices):
                notices.append(notice)
        warnings = answer.get("warnings", warnings)
        if progress is not None:
            progress({"part": part, "rows": sent_rows, "bytes": done_bytes, "total_bytes": total_bytes})
    if part == 0:
        raise DriftlineError(400, "the training data is empty: expected a header row and data rows")
    stored = request("PUT", base + "/commit", token)
    stored["notices"] = notices
    stored["warnings"] = warnings
    return stored


def _parts(data, part_bytes):
    """Yields (CSV text with the header, data rows in it, bytes of input read, total bytes or None)."""
    if isinstance(data, (str, os.PathLike)):
        total = os.path.getsize(data)
        with open(data, newline="", encoding="utf-8-sig") as handle:
            yield from _split(csv.reader(handle), part_bytes, lambda: handle.buffer.tell() if hasattr(handle, "buffer") else None, total)
        return
    if hasattr(data, "to_csv"):
        text = data.to_csv()
        yield from _split(csv.reader(io.StringIO(text, newline="")), part_bytes, None, len(text))
        return
    yield from _split(_rows_as_records(data), part_bytes, None, None)


def _split(records, part_bytes, position, total):
    header = None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = 0
    for record in records:
        if header is None:
            header = record
            continue
        if rows == 0:
            writer.writerow(header)
        writer.writerow(record)
        rows += 1
        if buffer.tell() >= part_bytes:
            yield buffer.getvalue(), rows, position() if position else None, total
            buffer.seek(0)
            buffer.truncate()
            rows = 0
    if rows:
        yield buffer.getvalue(), rows, total, total


def _rows_as_records(rows):
    """Row dicts as CSV records: the columns of the first row; values normalised as the Monitor does."""
    names = None
    for row in rows:
        if names is None:
            names = list(row.keys())
            yield [str(name) for name in names]
        yield [_cell(row.get(name)) for name in names]


def _cell(value):
    v = scalar(value)
    if v is MISSING or v is INVALID:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if type(v) is float:
        return "" if not math.isfinite(v) else repr(v)
    return str(v)
