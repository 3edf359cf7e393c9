"""Bounds the time a stopped thread spends on one request: the user's code it runs there
(evaluate, setVariable, the repr of a value) may loop or block.

Past the deadline a watchdog raises EvaluationTimeout in that thread (an asynchronous
exception: it lands at the thread's next bytecode, so it ends a Python loop). A thread
blocked in C cannot take it until it returns; after a grace period the request is answered
with an error anyway, and the thread serves its next requests once it is back.
"""

import contextlib
import functools
import threading
import time

GRACE_SECONDS = 1.0


@functools.cache
def _async_exc_setter():
    import ctypes  # only when a deadline passes: it would slow every program's start

    setter = ctypes.pythonapi.PyThreadState_SetAsyncExc
    setter.argtypes = (ctypes.c_ulong, ctypes.c_void_p)
    return setter


def _set_async_exc(ident, exception):
    """Raises ``exception`` (a class, or None to cancel a pending one) in the thread ``ident``."""
    _async_exc_setter()(ident, None if exception is None else id(exception))


class EvaluationTimeout(TimeoutError):
    seconds = 0.0

    def __str__(self):
        return f"Interrupted after {self.seconds:g} s: the evaluation did not finish (a loop, or waiting for another thread?)."


class _Run:
    def __init__(self, deadline, on_overdue):
        self.deadline = deadline
        self.on_overdue = on_overdue
        self.interrupted = False


class Watchdog:
    def __init__(self):
        self._seconds = EvaluationTimeout.seconds = 5.0
        self._wake = threading.Condition(threading.Lock())
        self._running = {}  # thread ident -> _Run

    def start(self, seconds, start_agent_thread):
        """Watches with this deadline, on an agent thread."""
        self._seconds = EvaluationTimeout.seconds = seconds
        start_agent_thread(self._watch)

    @contextlib.contextmanager
    def limit(self, on_overdue):
        """Runs the block under the deadline; ``on_overdue()`` answers for it when it cannot be interrupted."""
        ident = threading.get_ident()
        with self._wake:
            self._running[ident] = _Run(time.monotonic() + self._seconds, on_overdue)
            self._wake.notify()
        try:
            yield
        finally:
            with self._wake:
                if self._running.pop(ident).interrupted:
                    _set_async_exc(ident, None)  # not delivered yet: it must not land in the agent's own code

    def _watch(self):
        with self._wake:
            while True:
                now = time.monotonic()
                for ident, run in self._running.items():
                    if now < run.deadline:
                        continue
                    if not run.interrupted:
                        run.interrupted = True
                        run.deadline = now + GRACE_SECONDS
                        _set_async_exc(ident, EvaluationTimeout)
                    elif run.on_overdue is not None:
                        run.on_overdue()
                        run.on_overdue = None
                pending = [run.deadline for run in self._running.values() if run.on_overdue is not None]
                self._wake.wait(max(0.0, min(pending) - now) if pending else None)


# The agent's watchdog; start.py starts it.
watchdog = Watchdog()
