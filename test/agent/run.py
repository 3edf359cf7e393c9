"""The agent tier: the agent's unit tests (test_*.py here), run with unittest's own runner. For
``npm test`` it appends the counts as one JSON line to $FTPY_TEST_COUNTS, and for ``npm run
test:repeat`` the name of each test that failed to $FTPY_TEST_FAILURES."""

import json
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(unittest.defaultTestLoader.discover(here, top_level_dir=here))
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped) + len(result.expectedFailures)
if os.environ.get("FTPY_TEST_COUNTS"):
    with open(os.environ["FTPY_TEST_COUNTS"], "a") as counts:
        counts.write(json.dumps({"passed": result.testsRun - failed - skipped, "failed": failed, "skipped": skipped}) + "\n")
if os.environ.get("FTPY_TEST_FAILURES"):
    with open(os.environ["FTPY_TEST_FAILURES"], "a") as failures:
        failures.writelines(f"agent {test.id()}\n" for test, _ in (*result.failures, *result.errors))
sys.exit(0 if result.wasSuccessful() else 1)
