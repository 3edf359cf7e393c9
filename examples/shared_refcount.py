"""Hand objects from one thread to others: biased reference counting at work.

On free-threaded Python each object is owned by the thread that created it: that thread
counts its references cheaply, every other thread with atomic operations. When a consumer
drops the last reference the producer handed over, the object's shared count goes
negative: the consumer queues the object for its owner (the producer's BRC queue) and
raises the owner's explicit-merge signal; the producer merges the counts when it next
checks its eval-breaker. While the producer sleeps, its queue grows.

Debug it with ftpy and open the "Free-Threaded Runtime" panel: Refcount merges shows the
producer's queue depth rising and falling, Eval-breaker the explicit-merge signals.

Run it:  ftpy run examples/shared_refcount.py [--consumers N] [--seconds S]
"""

import argparse
import collections
import threading
import time


class Order:
    __slots__ = ("number", "items")

    def __init__(self, number):
        self.number = number
        self.items = [number, number + 1]


def produce(outbox, batch_size, stop):
    number = 0
    while not stop.is_set():
        batch = [Order(number + i) for i in range(batch_size)]
        number += batch_size
        outbox.extend(batch)
        del batch
        time.sleep(0.2)  # the queue of objects to merge grows while the owner sleeps


def consume(outbox, stop):
    handled = 0
    while not stop.is_set():
        try:
            order = outbox.popleft()
        except IndexError:
            time.sleep(0.01)
            continue
        handled += len(order.items)
        del order  # the last reference: owned by the producer, dropped here


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args()
    outbox, stop = collections.deque(), threading.Event()
    threads = [threading.Thread(target=produce, args=(outbox, options.batch, stop), name="producer")]
    threads += [threading.Thread(target=consume, args=(outbox, stop), name=f"consumer-{i}") for i in range(options.consumers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + options.seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
        backlog = len(outbox)
        print(f"backlog: {backlog} orders")
    stop.set()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
