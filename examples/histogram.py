"""Fill a histogram of generated events from many threads.

The workload that motivates free-threaded Python: every thread generates events (here a
two-body decay, reduced to its invariant mass) and fills a histogram. With the GIL the
threads take turns; with the GIL off they run in parallel. Two ways to share the work:

  shared lock  one histogram; every fill takes a lock (simple, contended)
  per-thread   each thread fills its own histogram; they are merged at the end

Run it:  ftpy run examples/histogram.py [--threads N] [--events E] [--strategy shared|per-thread]
It prints events/s for 1 and N threads and the speedup of each strategy (of both by default).
Why the shared lock does not scale:  ftpy profile -- examples/histogram.py --strategy shared
"""

import argparse
import math
import os
import random
import sys
import threading
import time

BINS = 60
LOW, HIGH = 0.0, 240.0
MUON_MASS = 0.1057


def invariant_mass(rng):
    """Invariant mass of two muons with random momenta (GeV)."""
    px1, py1, pz1 = rng.gauss(0, 40), rng.gauss(0, 40), rng.gauss(0, 40)
    px2, py2, pz2 = rng.gauss(0, 40), rng.gauss(0, 40), rng.gauss(0, 40)
    e1 = math.sqrt(px1 * px1 + py1 * py1 + pz1 * pz1 + MUON_MASS * MUON_MASS)
    e2 = math.sqrt(px2 * px2 + py2 * py2 + pz2 * pz2 + MUON_MASS * MUON_MASS)
    px, py, pz = px1 + px2, py1 + py2, pz1 + pz2
    return math.sqrt(max((e1 + e2) ** 2 - (px * px + py * py + pz * pz), 0.0))


def bin_of(value):
    index = int((value - LOW) / (HIGH - LOW) * BINS)
    return min(max(index, 0), BINS - 1)


def fill_shared(histogram, lock, events, seed):
    rng = random.Random(seed)
    for _ in range(events):
        index = bin_of(invariant_mass(rng))
        with lock:
            histogram[index] += 1


def fill_own(results, slot, events, seed):
    rng = random.Random(seed)
    histogram = [0] * BINS
    for _ in range(events):
        histogram[bin_of(invariant_mass(rng))] += 1
    results[slot] = histogram


def run(strategy, threads, events):
    """Fills a histogram with `events` events split over `threads` threads; returns
    (events per second, histogram)."""
    share = [events // threads + (1 if i < events % threads else 0) for i in range(threads)]
    if strategy == "shared lock":
        histogram, lock = [0] * BINS, threading.Lock()
        workers = [threading.Thread(target=fill_shared, args=(histogram, lock, n, i)) for i, n in enumerate(share)]
    else:
        results = [None] * threads
        workers = [threading.Thread(target=fill_own, args=(results, i, n, i)) for i, n in enumerate(share)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if strategy != "shared lock":
        histogram = [sum(column) for column in zip(*results)]
    elapsed = time.perf_counter() - started
    assert sum(histogram) == events, "lost fills"
    return events / elapsed, histogram


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=min(os.cpu_count() or 2, 8))
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--strategy", choices=["shared", "per-thread"], help="only this strategy (default: both)")
    options = parser.parse_args()
    strategies = {"shared": ["shared lock"], "per-thread": ["per-thread"], None: ["shared lock", "per-thread"]}[options.strategy]
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    print(f"Python {sys.version.split()[0]}, GIL {'on' if gil else 'off'}, {options.events:,} events per run")
    speedups = []
    for strategy in strategies:
        rates = {}
        for threads in sorted({1, options.threads}):
            rates[threads], histogram = run(strategy, threads, options.events)
            print(f"  {strategy:<12} {threads:>2} thread(s): {rates[threads]:>12,.0f} events/s")
        speedups.append(f"{strategy} {rates[options.threads] / rates[1]:.2f}x")
    peak = max(range(BINS), key=histogram.__getitem__)
    print(f"peak bin: {LOW + peak * (HIGH - LOW) / BINS:.0f}-{LOW + (peak + 1) * (HIGH - LOW) / BINS:.0f} GeV")
    print(f"speedup with {options.threads} threads: " + ", ".join(speedups))


if __name__ == "__main__":
    main()
