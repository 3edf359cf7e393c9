"""CPU-bound pure-Python work on N threads (argv: THREADS CALLS), each thread doing the same
fixed amount: CALLS calls of a hot function (so that per-call costs of a debugger count too). Prints BENCH lines: the wall-clock instant it started (time.time(),
comparable with the harness's clock), then the wall time of the work alone, the CPU time
its threads used (less sensitive than wall time to other processes on a busy machine) and
whether the GIL stayed off."""
import json
import sys
import threading
import time

ITERATIONS_PER_CALL = 20_000


def never_called():
    return 0  # @bp:never_called


def hot(iterations):
    total = 0
    for i in range(iterations):
        total += i * i % 7
        if total < 0:
            total = 0  # @bp:hot_unreached
    return total


def call_hot(calls, cpu_times):
    started = time.thread_time()
    for _ in range(calls):
        hot(ITERATIONS_PER_CALL)
    cpu_times.append(time.thread_time() - started)


def main():
    print("BENCH " + json.dumps({"programStarted": time.time()}), flush=True)
    threads, calls = int(sys.argv[1]), int(sys.argv[2])
    cpu_times = []
    workers = [threading.Thread(target=call_hot, args=(calls, cpu_times)) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    work = time.perf_counter() - started
    print("BENCH " + json.dumps({"work": work, "cpu": sum(cpu_times), "gil": sys._is_gil_enabled()}), flush=True)


main()
