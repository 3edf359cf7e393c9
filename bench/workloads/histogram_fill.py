"""examples/histogram.py's per-thread filling, timed: usage histogram_fill.py EVENTS THREADS.

Prints a BENCH line: the filling's wall time (work), the process's CPU time over it (cpu) and
whether the GIL was on.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
import histogram  # noqa: E402

events, threads = int(sys.argv[1]), int(sys.argv[2])
cpu = time.process_time()
rate, _ = histogram.run("per-thread", threads, events)
cpu = time.process_time() - cpu
print("BENCH " + json.dumps({"work": events / rate, "cpu": cpu, "gil": sys._is_gil_enabled()}), flush=True)
