"""``python -m driftline``: the Node CLI's ``baseline upload``, ``backfill`` and ``status`` for Python users
(sdk/src/cli; docs/python.md). Exit codes as there: 0 ok, 1 a runtime failure (one line on
stderr with the Worker's or the file's message), 2 a usage error (argparse's own exit code)."""

import argparse
import os
import sys
import time
from urllib.parse import quote

from .backfill import BackfillError, backfill_csv, describe
from .baseline import upload_baseline
from .config import MonitorConfigError, base_url
from .http import DriftlineError, request

OK, FAILURE, USAGE = 0, 1, 2
#: The backfill finished but the Worker refused some records (the summary says why), as in the Node CLI.
REFUSED = 6
WINDOWS = ("5m", "1h", "1d", "7d")


def _parser():
    parser = argparse.ArgumentParser(prog="python -m driftline", description="Driftline from Python: upload baselines, show status.",
                                     epilog="Environment: DRIFTLINE_ENDPOINT (Worker URL), DRIFTLINE_TOKEN (ingest token, for uploads), DRIFTLINE_READ_TOKEN (read token, for status). Exit codes: 0 ok, 1 failure, 2 usage error.")
    commands = parser.add_subparsers(dest="command", required=True)
    baseline = commands.add_parser("baseline", help="baseline commands").add_subparsers(dest="baseline_command", required=True)
    upload = baseline.add_parser("upload", help="upload a training CSV; the Worker builds the baseline",
                                 description="Sends the CSV in parts; the Worker sketches each (a t-digest per numeric column, category counts per other column; True/False are booleans; an unnamed first column, pandas' index, is skipped) and merges them.")
    upload.add_argument("--model", required=True, help="model id (ml.model.id)")
    upload.add_argument("--version", required=True, help="model version (ml.model.version)")
    upload.add_argument("--csv", required=True, help="training data")
    upload.add_argument("--prediction", help="column holding the model's prediction (numbers: a value; else a label)")
    upload.add_argument("--score", help="column holding a classifier's score for its label")
    upload.add_argument("--target", help="ground-truth column: left out of the features, kept for target drift")
    upload.add_argument("--exclude", action="append", default=[], help="column to leave out (repeatable)")
    upload.add_argument("--categorical", action="append", default=[], help="column read as categories even if numeric (repeatable)")
    _common(upload, "ingest token; default $DRIFTLINE_TOKEN")
    backfill = commands.add_parser("backfill", help="send a historical CSV of predictions (and actuals) with their own timestamps",
                                   description="Streams the CSV as OTLP ml.prediction events with each row's timestamp (docs/backfill.md); every column not named is a feature. Exit codes: 0 all accepted, 6 some refused, 1 failure, 2 usage.")
    backfill.add_argument("--csv", required=True, help="the file")
    backfill.add_argument("--model", required=True, help="model id (ml.model.id)")
    backfill.add_argument("--version", required=True, help="model version (ml.model.version)")
    backfill.add_argument("--time-column", required=True, help="ISO 8601 time (UTC unless zoned) or epoch s/ms")
    backfill.add_argument("--id-column", help="ml.prediction.id, what actuals join on")
    backfill.add_argument("--actual-column", help="ground truth: an ml.actual per row (needs --id-column)")
    backfill.add_argument("--batch-column", help="ml.batch.id: the scoring batch a row belongs to")
    backfill.add_argument("--prediction-column", help="the model's output (numbers: a value; else a label)")
    backfill.add_argument("--score-column", help="a classifier's score for its label")
    backfill.add_argument("--exclude", action="append", default=[], help="column to leave out (repeatable)")
    backfill.add_argument("--batch-size", type=int, default=1000, help="log records per request (default 1000)")
    backfill.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    _common(backfill, "ingest token; default $DRIFTLINE_TOKEN")
    status = commands.add_parser("status", help="models, versions, prediction counts and drift status")
    status.add_argument("--window", default="1h", choices=WINDOWS, help="drift window (default 1h)")
    _common(status, "read token; default $DRIFTLINE_READ_TOKEN")
    return parser


def _common(parser, token_help):
    parser.add_argument("--endpoint", help="Worker URL; default $DRIFTLINE_ENDPOINT")
    parser.add_argument("--token", help=token_help)


def main(argv=None, env=None, stdout=None, stderr=None):
    """Runs one command; returns its exit code."""
    env = os.environ if env is None else env
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:
        return USAGE if exit.code not in (0, None) else OK
    try:
        endpoint = args.endpoint or env.get("DRIFTLINE_ENDPOINT")
        if not endpoint:
            return _usage(parser, stderr, "no endpoint: pass --endpoint <url> or set DRIFTLINE_ENDPOINT")
        try:
            endpoint = base_url(endpoint, "endpoint")
        except MonitorConfigError as error:
            return _usage(parser, stderr, str(error))
        if args.command in ("baseline", "backfill"):
            token = args.token or env.get("DRIFTLINE_TOKEN")
            if not token:
                return _usage(parser, stderr, "no token: pass --token <token> or set DRIFTLINE_TOKEN")
            if args.command == "backfill":
                return _backfill(args, endpoint, token, stdout, stderr)
            return _upload(args, endpoint, token, stdout, stderr)
        token = args.token or env.get("DRIFTLINE_READ_TOKEN")
        if not token:
            return _usage(parser, stderr, "no token: pass --token <token> or set DRIFTLINE_READ_TOKEN")
        return _status(args, endpoint, token, stdout)
    except (DriftlineError, OSError, ValueError, UnicodeDecodeError) as error:
        stderr.write(f"driftline: {' '.join(str(error).split())}\n")
        return FAILURE


def _usage(parser, stderr, message):
    stderr.write(f"driftline: {message}\nRun \"python -m driftline --help\" for usage.\n")
    return USAGE


def _upload(args, endpoint, token, stdout, stderr):
    def progress(p):
        if stderr.isatty() if hasattr(stderr, "isatty") else False:
            stderr.write(f"\rpart {p['part']}: {p['rows']:,} rows sent")
    stored = upload_baseline(args.csv, args.model, args.version, prediction=args.prediction, score=args.score, target=args.target,
                             exclude=args.exclude, categorical=args.categorical, endpoint=endpoint, token=token, progress=progress)
    for notice in stored.get("notices", []):
        stderr.write(f"notice: {notice}\n")
    for warning in stored.get("warnings", []):
        stderr.write(f"warning: {warning}\n")
    features = ", ".join(f"{f['name']} ({f['type']})" for f in stored["features"])
    prediction = stored.get("prediction")
    predicted = "" if prediction is None else f", prediction ({prediction.get('kind', prediction['type'])})"
    stdout.write(f"baseline stored for model {stored['model']} version {stored['version']}: {stored['rows']} rows in {len(stored.get('parts', []))} parts, {len(stored['features'])} features: {features}{predicted}\n")
    return OK


def _backfill(args, endpoint, token, stdout, stderr):
    tty = stderr.isatty() if hasattr(stderr, "isatty") else False

    last = [0.0]

    def progress(rows, total, sent):
        # A terminal gets the line redrawn in place; piped stderr a line every 5 s, and the last.
        now = time.monotonic()
        if rows < total and now - last[0] < (0.1 if tty else 5.0):
            return
        last[0] = now
        percent = 100 if total == 0 else round(100 * rows / total)
        stderr.write(f"{chr(13) if tty else ''}{percent:3d}% {rows:,}/{total:,} rows  {sent:,} records sent{'' if tty else chr(10)}")

    try:
        summary = backfill_csv(args.csv, args.model, args.version, args.time_column, endpoint, token, id_column=args.id_column,
                               actual_column=args.actual_column, batch_column=args.batch_column, prediction_column=args.prediction_column,
                               score_column=args.score_column, exclude=args.exclude, batch_size=max(1, args.batch_size),
                               concurrency=max(1, args.concurrency), progress=progress)
    except BackfillError as error:
        stderr.write(f"driftline: {error}\n")
        return FAILURE
    if tty:
        stderr.write("\n")
    stdout.write(describe(summary, args.model, args.version))
    return REFUSED if summary["rejected"] > 0 else OK


def _status(args, endpoint, token, stdout):
    models = request("GET", f"{endpoint}/api/models", token)["models"]
    rows = []
    for entry in models:
        model = entry["model"]
        detail = request("GET", f"{endpoint}/api/models/{quote(model, safe='')}", token)
        if not detail["versions"]:
            rows.append([model, "-", "0", "0", "no traffic", ""])
        for v in detail["versions"]:
            status, drifted = "no baseline", ""
            try:
                drift = request("GET", f"{endpoint}/api/models/{quote(model, safe='')}/drift?version={quote(v['version'], safe='')}&window={args.window}", token)
                status = drift["status"]
                drifted = " ".join(f"{f['name']}:{f['status']}" for f in drift["features"] if f["status"] in ("warn", "alert"))
                if drift.get("problems"):
                    drifted = (drifted + " " if drifted else "") + "; ".join(drift["problems"])
            except DriftlineError as error:
                if error.status != 404:
                    raise
            rows.append([model, v["version"], str(v["predictions"]), str(v["errors"]), status, drifted])
    if not rows:
        stdout.write("no models yet: send predictions to /v1/logs or upload a baseline\n")
        return OK
    stdout.write(_table(["MODEL", "VERSION", "PREDICTIONS", "ERRORS", f"DRIFT ({args.window})", "DRIFTED FEATURES"], rows))
    return OK


def _table(header, rows):
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)]) + "\n"
