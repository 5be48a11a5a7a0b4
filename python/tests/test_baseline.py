import csv
import gzip
import io
import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from driftline import DriftlineError, upload_baseline
from driftline.cli import main


class FakeWorker:
    """Records the baseline requests and answers as the Worker's CSV routes do (shapes only)."""

    def __init__(self, refuse_part=None):
        self.calls = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_DELETE(self):
                outer.calls.append(("DELETE", self.path, None))
                self._answer(200, {"discardedParts": 0})

            def do_PUT(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                text = gzip.decompress(raw).decode() if self.headers.get("Content-Encoding") == "gzip" else raw.decode()
                outer.calls.append(("PUT", self.path, text))
                if refuse_part is not None and f"/parts/{refuse_part}" in self.path:
                    return self._answer(400, {"error": f'baseline part {refuse_part} refused: column "age" is numeric in part 1 but categorical in part {refuse_part}'})
                if self.path.split("?")[0].endswith("/commit"):
                    return self._answer(200, {"model": "m", "version": "v1", "rows": 0, "features": [{"name": "age", "type": "numeric", "count": 1}], "prediction": None, "parts": [1, 2, 3]})
                self._answer(200, {"notices": ["baseline part 1: column 1 has no name; read as the index pandas writes"], "warnings": []})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def write_csv(text):
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="")
    handle.write(text)
    handle.close()
    return handle.name


class UploadBaselineTest(unittest.TestCase):
    def test_sends_parts_each_with_the_header_then_commits(self):
        worker = FakeWorker()
        self.addCleanup(worker.close)
        rows = "".join(f'{i},{i * 2},"note, with comma\nand a line break",True\n' for i in range(30))
        path = write_csv(",age,note,vip\n" + rows)
        progress = []
        stored = upload_baseline(path, "m", "v1", prediction="age", exclude=["note"], endpoint=worker.url, token="t", part_bytes=400, progress=progress.append, env={})
        methods = [(method, path.split("?")[0]) for method, path, _ in worker.calls]
        self.assertEqual(methods[0], ("DELETE", "/api/models/m/baselines/v1/parts"))
        self.assertEqual(methods[-1], ("PUT", "/api/models/m/baselines/v1/commit"))
        parts = [call for call in worker.calls if "/parts/" in call[1]]
        self.assertGreaterEqual(len(parts), 3)
        self.assertIn("prediction=age", parts[0][1])
        self.assertIn("exclude=note", parts[0][1])
        received = []
        for _, _, text in parts:
            records = list(csv.reader(io.StringIO(text, newline="")))
            self.assertEqual(records[0], ["", "age", "note", "vip"])
            received.extend(records[1:])
        # Every record arrives once, its quoted comma and line break intact.
        self.assertEqual(len(received), 30)
        self.assertEqual(received[7], ["7", "14", "note, with comma\nand a line break", "True"])
        self.assertEqual(progress[-1]["rows"], 30)
        self.assertEqual(stored["notices"], ["baseline part 1: column 1 has no name; read as the index pandas writes"])
        os.unlink(path)

    def test_rows_in_memory_are_written_as_csv_with_normalised_values(self):
        worker = FakeWorker()
        self.addCleanup(worker.close)
        upload_baseline([{"x": 1.5, "flag": True, "gone": None}, {"x": float("nan"), "flag": False, "gone": "a"}], "m", "v1", endpoint=worker.url, token="t", env={})
        text = [call[2] for call in worker.calls if "/parts/1" in call[1]][0]
        self.assertEqual(text, "x,flag,gone\n1.5,true,\n,false,a\n")

    def test_a_refused_part_raises_with_the_workers_message(self):
        worker = FakeWorker(refuse_part=2)
        self.addCleanup(worker.close)
        path = write_csv("age\n" + "1\n" * 200)
        with self.assertRaises(DriftlineError) as caught:
            upload_baseline(path, "m", "v1", endpoint=worker.url, token="t", part_bytes=100, env={})
        self.assertEqual(caught.exception.status, 400)
        self.assertIn('column "age" is numeric in part 1', str(caught.exception))
        self.assertFalse(any(call[1].endswith("/commit") for call in worker.calls))
        os.unlink(path)


class CliTest(unittest.TestCase):
    def run_cli(self, argv, env):
        out, err = io.StringIO(), io.StringIO()
        code = main(argv, env=env, stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def test_usage_errors_exit_2_naming_the_problem(self):
        code, _, err = self.run_cli(["status"], {})
        self.assertEqual(code, 2)
        self.assertIn("no endpoint: pass --endpoint <url> or set DRIFTLINE_ENDPOINT", err)
        code, _, err = self.run_cli(["status"], {"DRIFTLINE_ENDPOINT": "http://x"})
        self.assertEqual(code, 2)
        self.assertIn("DRIFTLINE_READ_TOKEN", err)

    def test_a_failure_exits_1_with_one_line(self):
        worker = FakeWorker(refuse_part=1)
        self.addCleanup(worker.close)
        path = write_csv("age\n1\n")
        code, _, err = self.run_cli(["baseline", "upload", "--model", "m", "--version", "v1", "--csv", path], {"DRIFTLINE_ENDPOINT": worker.url, "DRIFTLINE_TOKEN": "t"})
        self.assertEqual(code, 1)
        self.assertEqual(err.count("\n"), 1)
        self.assertTrue(err.startswith("driftline: 400 "))
        os.unlink(path)

    def test_upload_prints_what_was_stored(self):
        worker = FakeWorker()
        self.addCleanup(worker.close)
        path = write_csv(",age\n0,1\n")
        code, out, err = self.run_cli(["baseline", "upload", "--model", "m", "--version", "v1", "--csv", path], {"DRIFTLINE_ENDPOINT": worker.url, "DRIFTLINE_TOKEN": "t"})
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "baseline stored for model m version v1: 0 rows in 3 parts, 1 features: age (numeric)\n")
        self.assertIn("notice: baseline part 1: column 1 has no name", err)
        os.unlink(path)
