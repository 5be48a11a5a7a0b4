"""The same deterministic predictions and actuals for test/python-protobuf.test.ts, in every value
kind the client sends: floats (NaN among them), ints (negative, multi-byte, past int64), strings
(non-ASCII, empty), booleans, missing values, labels, scores, latencies, ids, segments and errors.
No double is integral, so that OpenTelemetry JS (which sees only a JavaScript number) types every
value as Python does.

``python_records.py encode``: prints ``{"json": <base64>, "protobuf": <base64>}``, one request of
the records in each wire format (uncompressed).
``python_records.py send URL TOKEN MODEL PROTOCOL BASE_SECONDS``: uploads a baseline for MODEL,
records the events through a Monitor (times from BASE_SECONDS on) with ``protocol=PROTOCOL`` and
prints ``monitor.stats()`` after a flush.
"""

import base64
import json
import sys

from driftline import Monitor, encode, upload_baseline
from driftline.encode import Tally

COUNT = 600
PLANS = ("basic", "pro", "Zürich 東京 🚀", "")


def features(i):
    return {
        "income": (i * 137.5) % 90_000 + 1000.25,
        "age": 18 + i % 60,
        "delta": -(1 << 40) if i % 97 == 0 else -(i % 50) - 1,
        "plan": PLANS[i % len(PLANS)],
        "vip": i % 3 == 0,
        "ratio": float("nan") if i % 11 == 0 else (i % 7) / 8 + 0.0625,
        "maybe": None if i % 5 == 0 else 0.5 + i % 4,
        "big": 1 << 70 if i % 13 == 0 else 300 * i,
    }


def prediction(i):
    """Keyword arguments of ``record_prediction`` for prediction ``i`` (``time`` left out)."""
    return {
        "label": "approve" if i % 3 else "decline",
        "score": 0.5 + (i % 50) / 100 + 0.001,
        "latency_seconds": 0.001 * (1 + i % 9) + 0.0005,
        "id": f"req-{i}",
        "segments": {"region": ("eu", "us")[i % 2]},
        "error": ValueError("bad input") if i % 17 == 0 else None,
    }


def actual(i):
    """The actual of prediction ``i``, or None (every other prediction has one)."""
    return None if i % 2 else ("approve" if i % 4 == 0 else "decline")


def encode_both():
    observed_ns = 1_750_000_000_000_000_000
    out = {}
    for codec in (encode.PROTOBUF, encode.JSON):
        identity = codec.identity("py-wire", "v1")
        tally = Tally()
        records = []
        for i in range(COUNT):
            p = prediction(i)
            records.append(encode.encode_prediction(codec, identity, observed_ns + i, features(i), None, p["label"], p["score"], p["latency_seconds"], p["id"], p["segments"], None, p["error"], tally))
            if actual(i) is not None:
                records.append(encode.encode_actual(codec, identity, observed_ns + i, p["id"], actual(i), tally))
        resource = codec.resource({"service.name": "python-wire-test", "telemetry.sdk.language": "python"})
        body = codec.request(resource, codec.scope("driftline", "0.1.0"), records)
        out["protobuf" if codec is encode.PROTOBUF else "json"] = base64.b64encode(body).decode("ascii")
    return out


def baseline_rows():
    """Training rows for the model's baseline, so that the Worker computes drift (which reads every
    value's category or position) for each feature and the prediction."""
    return [
        {"income": 1000.25 + 150 * j, "age": 20 + j % 50, "delta": -(j % 40), "plan": PLANS[j % 2], "vip": ("true", "false")[j % 2], "ratio": (j % 5) / 5, "maybe": j % 3 + 0.5, "big": 100 * j, "label": ("approve", "decline")[j % 3 == 0]}
        for j in range(300)
    ]


def send(url, token, model, protocol, base_seconds):
    upload_baseline(baseline_rows(), model, "v1", prediction="label", categorical=("plan", "vip"), endpoint=url, token=token)
    # One request: no wake-up before flush() (the batch is larger than COUNT), so both wire formats
    # reach the Worker as the same batch and build the same sketches.
    with Monitor(url, token, model=model, version="v1", protocol=protocol, max_batch_size=4096, max_queue_size=4096, schedule_delay_seconds=60) as monitor:
        for i in range(COUNT):
            monitor.record_prediction(features(i), time=base_seconds + i * 0.05, **prediction(i))
        for i in range(COUNT):
            if actual(i) is not None:
                monitor.record_actual(f"req-{i}", actual(i))
        delivered = monitor.flush(30)
        return dict(monitor.stats(), delivered=delivered)


if __name__ == "__main__":
    if sys.argv[1] == "encode":
        print(json.dumps(encode_both()))
    else:
        url, token, model, protocol, base = sys.argv[2:7]
        print(json.dumps(send(url, token, model, protocol, float(base))))
