"""THREADS threads are alive when one of them hits a breakpoint: half run Python (short
sleeps in a loop), half are blocked in C on an event. Prints the wall-clock instant just
before the breakpoint (time.time(), comparable with the harness's clock), then whether
the GIL stayed off."""
import json
import sys
import threading
import time

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 64
release = threading.Event()
everyone_started = threading.Barrier(THREADS + 1)


def looping():
    everyone_started.wait()
    while not release.is_set():
        time.sleep(0.005)


def blocked():
    everyone_started.wait()
    release.wait()


def hit():
    print("BENCH " + json.dumps({"beforeBreakpoint": time.time()}), flush=True)
    release.set()  # @bp:hit


def program_started():
    print("BENCH " + json.dumps({"programStarted": time.time()}), flush=True)


program_started()
threads = [threading.Thread(target=looping if i % 2 else blocked, name=f"parked-{i}") for i in range(THREADS)]
for thread in threads:
    thread.start()
everyone_started.wait()
time.sleep(0.2)  # every thread is in its loop or its wait
hit()
for thread in threads:
    thread.join()
print("BENCH " + json.dumps({"gil": sys._is_gil_enabled()}), flush=True)
