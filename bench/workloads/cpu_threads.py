"""CPU-bound pure-Python work on N threads (argv: THREADS ITERATIONS), each thread doing the
same fixed amount. Prints BENCH lines: the wall-clock instant it started (time.time(),
comparable with the harness's clock), then the wall time of the work alone and whether the
GIL stayed off."""
import json
import sys
import threading
import time


def never_called():
    return 0  # @bp:never_called


def hot(iterations):
    total = 0
    for i in range(iterations):
        total += i * i % 7
        if total < 0:
            total = 0  # @bp:hot_unreached
    return total


def main():
    print("BENCH " + json.dumps({"programStarted": time.time()}), flush=True)
    threads, iterations = int(sys.argv[1]), int(sys.argv[2])
    workers = [threading.Thread(target=hot, args=(iterations,)) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    work = time.perf_counter() - started
    print("BENCH " + json.dumps({"work": work, "gil": sys._is_gil_enabled()}), flush=True)


main()
