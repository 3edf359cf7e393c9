"""What only the inside of the process knows about the runtime, for the runtime panels.

Garbage collections as gc.callbacks see them (start and end times, generation, collected,
uncollectable), extension modules that asked for the GIL, and an object census by type.
Nothing here enables the GIL: no extension module is imported.
"""

import gc
import sys
import time

CENSUS_TYPES = 60


def watch_collections(channel):
    """Sends a ``gcCollection`` event after each collection.

    The callbacks run on the collecting thread, and collections never overlap (the runtime's
    ``collecting`` flag), so one start time suffices.
    """
    started = [0]

    def on_collection(phase, info):
        now = time.time_ns()
        if phase == "start":
            started[0] = now
            return
        channel.event("gcCollection", {
            "start": started[0] / 1e6,
            "end": now / 1e6,
            "generation": info["generation"],
            "collected": info["collected"],
            "uncollectable": info["uncollectable"],
        })

    gc.callbacks.append(on_collection)


def gil_reporter(channel):
    """A ``report`` for gil.watch that sends ``gilChange`` events."""

    def report(event):
        change = {"time": time.time_ns() / 1e6, "enabled": event["gil"] == "enabled", "module": event["module"],
                  "forcedOff": event["gil"] == "forced-off"}
        if event.get("importer"):
            change["importer"] = event["importer"]
        channel.event("gilChange", change)

    return report


def census(limit=CENSUS_TYPES):
    """The GC-tracked objects by type: the ``limit`` types holding the most bytes (sys.getsizeof)."""
    by_type = {}
    for obj in gc.get_objects():
        kind = type(obj)
        entry = by_type.get(kind)
        if entry is None:
            entry = by_type[kind] = [0, 0]
        entry[0] += 1
        entry[1] += sys.getsizeof(obj, 0)
    ranked = sorted(by_type.items(), key=lambda item: item[1][1], reverse=True)[:limit]
    return [{"type": _type_name(kind), "count": count, "bytes": size} for kind, (count, size) in ranked]


def _type_name(kind):
    module = getattr(kind, "__module__", None)
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module in (None, "builtins") else f"{module}.{name}"
