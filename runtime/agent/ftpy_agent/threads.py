"""The program's threads as the agent knows them, learnt without wrapping anything: at the
PY_START of threading's Thread._bootstrap_inner (named before it registers in threading._active,
so a thread stopped that early still shows its name), or at the first code a _thread thread
starts; ended at the return of _bootstrap_inner, or once the kernel no longer lists a _thread
thread."""

import os
import threading

from .stops import ThreadState


class Threads:
    def __init__(self, channel, lock, on_exit):
        self.channel = channel
        self._lock = lock  # the monitor's: these tables change with its state
        self._on_exit = on_exit  # run first by a thread that exits (its step ends)
        # ident -> ThreadState, or False for the agent's own threads; read by every callback. Not
        # a threading.local: every thread start and end would take its shared dict's mutex, and on
        # 3.13t a forked child clearing the dead threads' locals waits forever on it if a thread
        # the fork left behind held it (seen under CPython's test_reinit_tls_after_fork).
        self.states = {}
        self._live = {}  # native id -> ThreadState of live threads
        self._agent_idents = set()  # the agent's own threads (never shown)

    def agent_thread_started(self):
        """Marks the calling thread as the agent's, before it starts any other code (the first
        PY_START of an unknown thread registers it)."""
        self.states[threading.get_ident()] = False
        self._agent_idents.add(threading.get_ident())

    def started(self, report=True, thread=None):
        ident = threading.get_ident()
        self.states[ident] = False  # an agent thread until it is set up
        state = ThreadState(thread)
        state.busy = True
        self.states[ident] = state
        with self._lock:
            self._live[state.native_id] = state
        if report:
            self.channel.event("thread", {"reason": "started", "threadId": state.native_id})
        state.busy = False
        return state

    def exited(self, state):
        state.busy = True
        self._on_exit(state)
        with self._lock:
            self._live.pop(state.native_id, None)
            if self.states.get(state.ident) is state:
                del self.states[state.ident]
        self.channel.event("thread", {"reason": "exited", "threadId": state.native_id})

    def current(self):
        """The calling thread's state; None for the agent's own threads."""
        state = self.states.get(threading.get_ident())
        if state and state.native_id != threading.get_native_id():
            self.exited(state)  # a _thread thread that ended unseen, its ident reused
            state = None
        if state is None:  # a thread started from C, or with _thread running code seen before
            state = self.started()
        return state or None

    def live(self):
        with self._lock:
            return list(self._live.values())

    def known_idents(self):
        """The idents of the threads the agent knows, its own included."""
        with self._lock:
            return {state.ident for state in self._live.values()} | self._agent_idents

    def listed(self):
        """The DAP threads; _thread threads that ended unseen are said to have exited first."""
        for state in self.live():
            if not os.path.exists(f"/proc/self/task/{state.native_id}"):
                self.exited(state)
        return [{"id": state.native_id, "name": f"{name(state)} [{state.native_id}]"} for state in self.live()]

    def by_native_id(self, native_id):
        with self._lock:
            state = self._live.get(native_id)
        if state is None:
            raise LookupError(f"No thread {native_id}: it has exited.")
        return state


def name(state):
    thread = state.thread or threading._active.get(state.ident)  # ident -> Thread
    return thread.name if thread is not None else "Thread"
