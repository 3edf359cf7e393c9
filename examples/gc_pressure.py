"""Make garbage in cycles from several threads: the collector stops the world.

On free-threaded Python a collection stops every thread (stop-the-world) while it finds
unreachable cycles. Threads that allocate many container objects trigger collections
often; each pause stops all of them.

Debug it with ftpy and open the "Free-Threaded Runtime" panel: the GC tab shows each
collection (duration, objects collected) over the stop-the-world pauses, and the
thresholds; Eval-breaker shows the GC-scheduled and please-stop signals.

Run it:  ftpy run examples/gc_pressure.py [--threads N] [--seconds S]
"""

import argparse
import threading
import time


class Node:
    def __init__(self, parent):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)  # child <-> parent: a cycle only the GC frees


def make_trees(stop, trees_per_round):
    built = 0
    while not stop.is_set():
        for _ in range(trees_per_round):
            root = Node(None)
            for _ in range(20):
                Node(root)
            built += 1
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--trees", type=int, default=500, help="trees per thread per round")
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args()
    stop = threading.Event()
    threads = [threading.Thread(target=make_trees, args=(stop, options.trees), name=f"builder-{i}") for i in range(options.threads)]
    for thread in threads:
        thread.start()
    time.sleep(options.seconds)
    stop.set()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
