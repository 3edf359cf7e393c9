"""CPU-bound work in THREADS threads, UNITS units each; prints the wall and CPU time of the work alone.

Usage: python debugger_workload.py THREADS UNITS
"""
import sys
import threading
import time


def hot(n):
    total = 0
    for i in range(n):
        total += i * i % 7
        if total < 0:
            print("never")  # @bp:unreached
    return total


def never_called():
    return 0  # @bp:never


def work(units):
    for _ in range(units):
        hot(20_000)


def main():
    threads, units = int(sys.argv[1]), int(sys.argv[2])
    workers = [threading.Thread(target=work, args=(units,)) for _ in range(threads)]
    start, cpu_start = time.perf_counter(), time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"elapsed {time.perf_counter() - start:.6f} cpu {time.process_time() - cpu_start:.6f}")


main()
