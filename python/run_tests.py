"""Runs the package's unit tests (unittest discovery under tests/) for `npm test`.

Prints unittest's usual report, one line per skipped test with its reason, and writes
``{"passed": N, "failed": N, "skipped": N}`` to the file named by ``--json`` so that
scripts/test.mjs can add the counts to its closing line. Exit status 0 only when nothing failed.
"""

import argparse
import json
import pathlib
import sys
import unittest

HERE = pathlib.Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="write the counts here")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    suite = unittest.defaultTestLoader.discover(str(HERE / "tests"), top_level_dir=str(HERE))
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    for test, reason in result.skipped:
        print(f"skipped {test.id()}: {reason}")
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped) + len(result.expectedFailures)
    counts = {"passed": result.testsRun - failed - skipped, "failed": failed, "skipped": skipped}
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(counts))
    print(f"python: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
