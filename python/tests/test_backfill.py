import datetime
import os
import tempfile
import unittest

from driftline.backfill import BackfillError, backfill_csv, time_ms_of
from tests.receiver import Receiver


def _csv(text):
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def _attrs(record):
    return {a["key"]: a["value"] for a in record["attributes"]}


class BackfillTest(unittest.TestCase):
    def test_reads_iso_times_as_utc_unless_zoned_and_epoch_numbers_by_magnitude(self):
        ms = datetime.datetime(2026, 11, 2, 13, 5, tzinfo=datetime.timezone.utc).timestamp() * 1000
        for cell in ("2026-11-02 13:05:00", "2026-11-02T13:05:00Z", "2026-11-02T14:05:00+01:00", str(int(ms / 1000)), str(int(ms)), f"{int(ms)}000000"):
            self.assertEqual(time_ms_of(cell), ms, cell)
        self.assertIsNone(time_ms_of("yesterday"))

    def test_sends_predictions_and_actuals_with_their_timestamps_and_counts_refusals(self):
        path = _csv("ts,id,amount,zip,pred,y,job\n1700000000,a,1.5,02139,yes,no,j1\n1700000060,b,2,n/a,no,,j1\n")
        script = [(200, {"Content-Type": "application/json"}, b'{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"1 \\u00d7 too old"}}')]
        with Receiver(script) as receiver:
            summary = backfill_csv(path, "m", "v1", "ts", receiver.url, "token", id_column="id", actual_column="y", batch_column="job", prediction_column="pred", batch_size=2, concurrency=1)
        self.assertEqual(summary, {"rows": 2, "predictions": 2, "actuals": 1, "requests": 2, "accepted": 2, "rejected": 1, "reasons": [{"message": "1 × too old", "requests": 1}]})
        records = [r for request in receiver.requests for r in request["json"]["resourceLogs"][0]["scopeLogs"][0]["logRecords"]]
        self.assertEqual([r["eventName"] for r in records], ["ml.prediction", "ml.actual", "ml.prediction"])
        self.assertEqual(records[0]["timeUnixNano"], "1700000000000000000")
        self.assertEqual(_attrs(records[0]), {"ml.prediction.id": {"stringValue": "a"}, "ml.batch.id": {"stringValue": "j1"}, "ml.feature.amount": {"doubleValue": 1.5},
                                              "ml.feature.zip": {"stringValue": "02139"}, "ml.prediction.label": {"stringValue": "yes"}})
        self.assertEqual(_attrs(records[1]), {"ml.prediction.id": {"stringValue": "a"}, "ml.batch.id": {"stringValue": "j1"}, "ml.actual.label": {"stringValue": "no"}})

    def test_names_the_missing_column(self):
        path = _csv("time,x\n1700000000,1\n")
        with self.assertRaisesRegex(BackfillError, r'--time-column "ts" is not a column of the CSV \(columns: time, x\)'):
            backfill_csv(path, "m", "v1", "ts", "http://127.0.0.1:9", "token")


if __name__ == "__main__":
    unittest.main()
