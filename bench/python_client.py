"""Benchmark of the Python client (driven by bench/python.ts, which starts wrangler dev).

1. Caller's-thread cost of ``record_prediction`` with 20 features (10 floats, 5 ints, 4 strings,
   1 bool) plus label, score, latency and id, beside the bare ``json.dumps`` of the same record
   as a dict, in the same process and run. Calls are timed in chunks of 1,000 (a chunk's time /
   1,000 is one sample); rounds interleave the two (json, monitor; monitor, json; ...). The
   monitor sends to the real Worker meanwhile, so its background thread competes for the GIL
   as it would in a model server (the exporter is idle when a chunk starts). The queue is large enough that no call is dropped (a drop is
   cheaper than a record and would flatter the figure).
2. Sustained throughput: one process records TOTAL predictions as fast as it can, pausing
   whenever the queue is more than half full (a producer that outruns the exporter only fills
   the queue and then drops); the rate is TOTAL / (time until the final flush returned), and
   loss must be zero (monitor.stats() and the Worker's count, checked by bench/python.ts). The
   process's CPU time is reported too: on a shared machine the wall-clock rate says how much CPU
   the process was given, the rate per CPU-second what one core would sustain. The CPU time of
   each of the process's three threads (the producer, the encoding thread, the sending thread) is
   reported apart, so that the figure says where the Python side's time goes.

``python_client.py URL TOKEN cost`` runs the first part; ``... throughput PROTOCOL MODEL`` the
second, with the monitor's ``protocol`` set to PROTOCOL (http/protobuf or http/json), recording as
MODEL. bench/python.ts runs them as separate processes so that it can read the Worker's CPU time
around the second alone. ``BENCH_PYTHON_TOTAL``, ``BENCH_PYTHON_BATCH`` (2048) and
``BENCH_PYTHON_GZIP_LEVEL`` (1) change the sustained run. Prints one JSON object.
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import driftline  # noqa: E402

ENDPOINT, TOKEN, PHASE = sys.argv[1], sys.argv[2], sys.argv[3]
PROTOCOL, MODEL = (sys.argv[4], sys.argv[5]) if PHASE == "throughput" else (None, None)
TOTAL = int(os.environ.get("BENCH_PYTHON_TOTAL", "200000"))
#: The sustained run's batch size and gzip level (the monitor's defaults are 512 and 1).
BATCH = int(os.environ.get("BENCH_PYTHON_BATCH", "2048"))
GZIP_LEVEL = int(os.environ.get("BENCH_PYTHON_GZIP_LEVEL", "1"))
CHUNK = 1000
ROUNDS = 31
WARMUP = 5


def features(i):
    f = {f"num_{k}": i * 0.5 + k for k in range(10)}
    f.update({f"int_{k}": i + k for k in range(5)})
    f.update({f"cat_{k}": ("a", "b", "c")[(i + k) % 3] for k in range(4)})
    f["flag"] = i % 2 == 0
    return f


def caller_cost():
    rows = [features(i) for i in range(CHUNK)]
    monitor = driftline.Monitor(ENDPOINT, TOKEN, model="bench-py-cost", version="v1", max_queue_size=CHUNK * (ROUNDS + WARMUP) * 2 + 10, max_batch_size=512)
    dumps = json.dumps
    record = monitor.record_prediction

    # Wall time is what the caller waits (GIL hand-offs to the exporter thread included); the
    # calling thread's CPU time is the same work without the other processes of a shared machine.
    def run_json():
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        for i, f in enumerate(rows):
            dumps({"features": f, "label": "yes", "score": 0.75, "latency_seconds": 0.004, "id": i})
        return (time.perf_counter_ns() - wall) / CHUNK / 1000, (time.thread_time_ns() - cpu) / CHUNK / 1000

    def run_monitor():
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        for i, f in enumerate(rows):
            record(f, label="yes", score=0.75, latency_seconds=0.004, id=i)
        return (time.perf_counter_ns() - wall) / CHUNK / 1000, (time.thread_time_ns() - cpu) / CHUNK / 1000

    samples = {"json": [], "monitor": [], "jsonCpu": [], "monitorCpu": []}
    ratios = []
    for r in range(WARMUP + ROUNDS):
        order = ("json", "monitor") if r % 2 == 0 else ("monitor", "json")
        got = {}
        for name in order:
            # Untimed: the exporter finishes the previous chunk first, so neither path is timed
            # against the other's background work; during a monitor chunk it wakes at every full
            # batch and competes for the GIL, as it would in a model server.
            monitor.flush(60)
            got[name] = (run_json if name == "json" else run_monitor)()
        if r >= WARMUP:
            for name, (wall, cpu) in got.items():
                samples[name].append(wall)
                samples[name + "Cpu"].append(cpu)
            ratios.append(got["monitor"][0] / got["json"][0])
    monitor.flush(60)
    stats = monitor.stats()
    monitor.close()
    return {
        "monitorMedianMicros": statistics.median(samples["monitor"]),
        "jsonDumpsMedianMicros": statistics.median(samples["json"]),
        "monitorCpuMedianMicros": statistics.median(samples["monitorCpu"]),
        "jsonDumpsCpuMedianMicros": statistics.median(samples["jsonCpu"]),
        "medianRatio": statistics.median(ratios),
        "recorded": stats["recorded"],
        "dropped": stats["dropped"],
    }


def thread_cpu_seconds(thread):
    """CPU time of another thread of this process (Linux and most Unixes), or None."""
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    except (AttributeError, OSError, TypeError):
        return None


def throughput(model, protocol):
    monitor = driftline.Monitor(ENDPOINT, TOKEN, model=model, version="v1", max_queue_size=32768, max_batch_size=BATCH, gzip_level=GZIP_LEVEL, protocol=protocol)
    threads = {"encoder": monitor._exporter._thread, "sender": monitor._exporter._sender}  # internals, read for the breakdown only
    thread_started = {name: thread_cpu_seconds(t) for name, t in threads.items()}
    producer_started = time.thread_time()
    queue = monitor._queue  # the bench peeks at the queue's length to pace itself; users read stats()
    half = 32768 // 2
    rows = [features(i) for i in range(CHUNK)]
    started = time.perf_counter()
    cpu_started = time.process_time()
    for i in range(TOTAL):
        if i % 256 == 0:
            while len(queue) > half:
                time.sleep(0.001)
        monitor.record_prediction(rows[i % CHUNK], label="yes", score=0.75, latency_seconds=0.004, id=i)
    delivered = monitor.flush(120)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # all threads: recording, encoding, gzip, HTTP
    threads_cpu = {name: (None if thread_started[name] is None else thread_cpu_seconds(t) - thread_started[name]) for name, t in threads.items()}
    threads_cpu["producer"] = time.thread_time() - producer_started
    stats = monitor.stats()
    monitor.close()
    return {"protocol": monitor._config.protocol, "batch": BATCH, "gzipLevel": GZIP_LEVEL, "threadsCpuSeconds": threads_cpu, "total": TOTAL, "seconds": elapsed, "predictionsPerSecond": TOTAL / elapsed, "cpuSeconds": cpu, "predictionsPerCpuSecond": TOTAL / cpu, "delivered": delivered, "exported": stats["exported_records"], "dropped": stats["dropped"], "retries": stats["retries"]}


if PHASE == "cost":
    print(json.dumps({"python": sys.version.split()[0], "cost": caller_cost()}))
else:
    print(json.dumps({"python": sys.version.split()[0], "throughput": throughput(MODEL, PROTOCOL)}))
