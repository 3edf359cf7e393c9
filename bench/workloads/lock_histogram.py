"""The examples' lock-heavy histogram filling (examples/histogram.py, "shared lock": every fill
takes one threading.Lock) on 2 threads (argv: EVENTS). Prints BENCH lines: the wall-clock
instant it started, then the wall time of the filling, the CPU time the whole process used
meanwhile (steadier than wall time on a loaded machine) and whether the GIL stayed off."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
import histogram  # noqa: E402


def never_called():
    return 0  # @bp:never_called


def main():
    print("BENCH " + json.dumps({"programStarted": time.time()}), flush=True)
    events = int(sys.argv[1])
    cpu = time.process_time()
    rate, _ = histogram.run("shared lock", 2, events)
    cpu = time.process_time() - cpu
    print("BENCH " + json.dumps({"work": events / rate, "cpu": cpu, "gil": sys._is_gil_enabled()}), flush=True)


main()
