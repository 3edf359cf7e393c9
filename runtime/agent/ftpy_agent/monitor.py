"""Breakpoints, stepping and stopping threads with sys.monitoring, no settrace: the state the
callbacks (callbacks.py) read, the events they get, and what a thread does once it stops.

Stopping: a thread that stops parks inside the callback and serves the requests about its
own frames (frame objects are not safe to use from another thread on 3.13t); only its stack,
listed when it parked, is answered by the agent's thread. With stopAll,
the first stop raises the pause flag and turns on global LINE events, so running threads park
at their next line; threads blocked in C are not waited for (they park when they come back).

Every arrival at a breakpoint is reported once, as its own stopped event: a thread that meets
a breakpoint while others are stopped reports it (with preserveFocusHint), and a thread parked
by a stop-all on a breakpoint line reports that breakpoint at once, because the LINE event it
parked in is the one arrival at that line.
"""

import _thread
import os
import sys
import threading
import time

from . import breakpoints, disassembly, inspection, locks, parked_requests, sources, stacks, threads, tools
from .callbacks import CALLBACKS, THREAD_BOOTSTRAP, Callbacks
from .stops import Resume, Step, Stop
from .visibility import Visibility

monitoring = sys.monitoring
EVENTS = monitoring.events
DISABLE = monitoring.DISABLE




class Monitor(Callbacks):
    def __init__(self, channel, stop_all=True, just_my_code=True, show_return_value=True, program_code=None):
        self.channel = channel
        self.stop_all = stop_all
        self.show_return_value = show_return_value
        self.handles = inspection.Handles()
        self.addresses = disassembly.CodeAddresses()
        self.sources = sources.Sources(program_code)
        visibility = Visibility(just_my_code)
        self._is_hidden, self._is_library, self._frames = visibility.is_hidden, visibility.is_library, visibility.frames
        self.stacks = stacks.Stacks(self.handles, self.addresses, self.sources, self._is_hidden)
        self._pid = os.getpid()
        # Kept here: the callbacks' first looks must work while the interpreter finalizes, when
        # python has set this module's globals (sys, os...) to None.
        self._getpid = os.getpid
        self._is_finalizing = sys.is_finalizing
        self._tool = None  # the sys.monitoring tool id, taken at install
        self.slow = False  # read on the hot path: pausing or stepping, so global LINE events are on
        self.restarts = 0  # read on the hot path: counts restart_events() calls
        # Reentrant: code run while holding it can start new code objects, whose PY_START takes it.
        self._lock = threading.RLock()
        self._set_threads()
        self._parked = {}  # native id -> ThreadState
        self._pausing = False
        self._epoch = 0
        self._frames_of_stop = None  # (epoch, sys._current_frames()) of the current stop-all
        self._pause_idents = frozenset()
        self._pause_reporter = None
        self._steppers = 0
        self._events = 0
        self._file_breakpoints = {}  # canonical path -> {line: Breakpoint}
        self._bp_lines = {}  # co_filename as seen (and canonical path) -> {line: Breakpoint}
        self._canonical = {}  # co_filename -> canonical path
        self._codes = {}  # canonical path -> {id: code object} of the live code started so far
        self._instruction_steps = {}  # code -> how many threads step by instruction in it
        self._instruction_breakpoints = {}  # id(code) -> {byte offset: Breakpoint}
        self._instruction_breakpoint_codes = []  # the codes of those, kept for their events
        self._function_breakpoints = {}  # name -> Breakpoint
        self.exception_filters = frozenset()

    # ---- installation and threads

    def install(self):
        self._tool = tools.take("ftpy")
        for event, name in CALLBACKS:
            monitoring.register_callback(self._tool, event, getattr(self, name))
        self.threads.started(report=False)
        with self._lock:
            self._set_local_events(THREAD_BOOTSTRAP, False)
            self._apply_events()

    def start_agent_thread(self, function):
        """Starts one of the agent's own threads: never shown, never stopped."""
        _thread.start_new_thread(self._agent_thread_main, (function,))

    def _agent_thread_main(self, function):
        self.threads.agent_thread_started()
        # The adapter leaves the agent's threads out of every view it reads from memory.
        self.channel.event("agentThread", {"threadId": threading.get_ident(), "nativeId": threading.get_native_id()})
        function()

    def _end_step_of(self, state):
        if state.step is not None:
            self._step_ended(state)

    def outside_threads(self):
        """While all threads are stopped, the Python threads the agent does not know: started
        from C (a native library's thread calling into Python) and run no line since the stop
        (one that does is registered, and parks). The adapter shows them from memory; their
        frames in files the agent hides (justMyCode) are named so it hides them too."""
        idents, hidden = [], set()
        if self.stop_all and self._pausing:
            known = self.threads.known_idents()
            for ident, frame in self._current_frames().items():
                if ident in known:
                    continue
                idents.append(ident)
                while frame is not None:
                    if self._is_hidden(frame.f_code.co_filename):
                        hidden.add(frame.f_code.co_filename)
                    frame = frame.f_back
        return {"idents": idents, "hiddenFiles": sorted(hidden)}

    def lock_snapshot(self, with_stacks):
        """The threads and the locks they hold and wait for, from lock tracking."""
        states = self.threads.live()
        with self._lock:
            parked = set(self._parked)
        snapshot = locks.Snapshot(self._is_hidden, threads.name, with_stacks).build()
        return {"threads": snapshot.threads(states, parked), "locks": snapshot.locks()}

    def stopped(self):
        """Whether some thread is parked at a stop."""
        return bool(self._parked)

    def _set_threads(self):
        self.threads = threads.Threads(self.channel, self._lock, self._end_step_of)
        self._states, self._current_state = self.threads.states, self.threads.current  # read by every callback

    # ---- breakpoints

    def set_breakpoints(self, path, requests):
        answers, placed = breakpoints.place(path, requests)
        canonical = breakpoints.canonical_path(path)
        with self._lock:
            if placed:
                self._file_breakpoints[canonical] = placed
            else:
                self._file_breakpoints.pop(canonical, None)
            self._bp_lines = {
                name: self._file_breakpoints[target]
                for name, target in [*self._canonical.items(), *((c, c) for c in self._file_breakpoints)]
                if target in self._file_breakpoints
            }
            self.slow = self._is_slow()
            for code in list(self._codes.get(canonical, {}).values()):
                self._set_local_events(code, bool(placed))
            self._restart_events()
        return answers

    def set_function_breakpoints(self, requests):
        answers = []
        placed = {}
        for request in requests:
            try:
                breakpoint = breakpoints.Breakpoint(None, request.get("condition"), request.get("hitCondition"))
            except (SyntaxError, ValueError) as error:
                answers.append({"verified": False, "message": f"Invalid breakpoint: {error}"})
                continue
            placed[request["name"]] = breakpoint
            answers.append({"id": breakpoint.id, "verified": True})
        with self._lock:
            self._function_breakpoints = placed
            self._restart_events()  # PY_START must fire again for code that already ran
        return answers

    def set_instruction_breakpoints(self, requests):
        answers = []
        placed = {}
        for request in requests:
            try:
                code, offset = self.addresses.locate(request["instructionReference"], request.get("offset", 0))
                breakpoint = breakpoints.Breakpoint(None, request.get("condition"), request.get("hitCondition"))
            except (LookupError, SyntaxError, ValueError) as error:
                answers.append({"verified": False, "message": f"Invalid instruction breakpoint: {error}"})
                continue
            placed.setdefault(code, {})[offset] = breakpoint
            answers.append({"id": breakpoint.id, "verified": True, "instructionReference": self.addresses.address(code, offset)})
        with self._lock:
            touched = [*self._instruction_breakpoint_codes, *placed]
            self._instruction_breakpoints = {id(code): offsets for code, offsets in placed.items()}
            self._instruction_breakpoint_codes = list(placed)
            for code in touched:
                self._set_local_events(code, self._has_breakpoints(code))
            self._restart_events()  # offsets DISABLEd before must report again
        return answers

    def disassemble(self, args):
        instructions = self.addresses.disassemble(
            args["memoryReference"], args.get("offset", 0), args.get("instructionOffset", 0), args["instructionCount"], self.sources.of
        )
        return {"instructions": instructions}

    def set_exception_filters(self, filters):
        with self._lock:
            self.exception_filters = frozenset(filters)
            self._apply_events()

    def _set_local_events(self, code, has_breakpoints):
        """LINE events where breakpoints are, INSTRUCTION events where a thread steps by instruction (holding self._lock)."""
        by_instruction = code in self._instruction_steps or self._has_instruction_breakpoints(code)
        events = (EVENTS.LINE if has_breakpoints else 0) | (EVENTS.INSTRUCTION if by_instruction else 0)
        if code is THREAD_BOOTSTRAP:
            events |= EVENTS.PY_RETURN  # where a threading thread ends
        if not self._in_forked_child():
            monitoring.set_local_events(self._tool, code, events)

    # ---- stopping and resuming

    def _is_slow(self):
        return self._pausing or bool(self._pause_idents) or self._steppers > 0

    def _apply_events(self):
        """Sets the global events the current state needs (holding self._lock)."""
        self.slow = self._is_slow()
        events = EVENTS.PY_START | EVENTS.PY_RESUME
        if self.slow:
            events |= EVENTS.LINE
        if self._steppers:
            events |= EVENTS.PY_RETURN
        if "raised" in self.exception_filters:
            events |= EVENTS.RAISE
        if "userUnhandled" in self.exception_filters:
            events |= EVENTS.PY_UNWIND
        if events != self._events and not self._in_forked_child():
            monitoring.set_events(self._tool, events)
            if events & ~self._events & EVENTS.LINE:
                self._restart_events()  # lines DISABLEd earlier must report again
            self._events = events

    def _restart_events(self):
        """Re-enables every DISABLEd location. A callback that began before returns None instead
        of DISABLE (see self.restarts), or its DISABLE, applied after the restart, would undo it."""
        self.restarts += 1
        if not self._in_forked_child():
            monitoring.restart_events()

    def _in_forked_child(self):
        """In a forked child (before forget_after_fork, which threading's own after-fork hook
        precedes, and after it) the agent touches neither sys.monitoring nor its shared state (every
        callback asks first; a syscall, once per location or per hit of a breakpoint): on
        3.13t a child can inherit, held by a thread the fork left behind, the interpreter's
        stop-the-world mutex (every sys.monitoring call stops the world) or a dict's mutex (seen
        in _see, both, under CPython's test_reinit_tls_after_fork)."""
        return self._getpid() != self._pid

    def _is_set(self, breakpoint):
        """Whether a breakpoint is still set (holding self._lock)."""
        placed = [
            *self._function_breakpoints.values(),
            *(bp for lines in self._file_breakpoints.values() for bp in lines.values()),
            *(bp for offsets in self._instruction_breakpoints.values() for bp in offsets.values()),
        ]
        return any(breakpoint is other for other in placed)

    def _park(self, state, frames, reason, hit=None, exception=None, break_mode=None, returned=None):
        """Stops this thread and serves requests about its frames until it is resumed."""
        if self._in_forked_child():
            return  # the debugger stays with the parent
        state.busy = True
        with self._lock:
            if hit is not None and not self._is_set(hit):
                state.busy = False
                return  # removed since this thread arrived at it: the client must not see it stop there
            if reason == "pause" and not (self._pausing and state.exempt_epoch != self._epoch) and state.ident not in self._pause_idents:
                state.busy = False
                return  # resumed meanwhile
            first = not self._parked
            report = reason != "pause" or self._pause_reporter == state.ident
            if report and reason == "pause":
                self._pause_reporter = None
            self._pause_idents = self._pause_idents - {state.ident}
            state.parked = True
            state.stop = Stop(frames, reason, exception, break_mode, returned)
            self._parked[state.native_id] = state
            if self.stop_all and not (self._pausing and state.exempt_epoch != self._epoch):
                self._pausing = True
                self._epoch += 1
            self._apply_events()
            if report:  # sent under the lock, so the first event sent is the one without preserveFocusHint
                body = {"reason": reason, "threadId": state.native_id, "allThreadsStopped": self.stop_all}
                if hit is not None:
                    body["hitBreakpointIds"] = [hit.id]
                if exception is not None:
                    body["description"] = "Paused on exception"
                    body["text"] = f"{type(exception).__name__}: {exception}"
                if not first:
                    body["preserveFocusHint"] = True
                self.channel.event("stopped", body)
        if report and first and self.stop_all:
            self._current_frames()  # the stacks of threads blocked in C, taken while the client asks for the threads
        self._serve(state)

    def _serve(self, state):
        while True:
            item = state.inbox.get()
            if isinstance(item, Resume):
                break
            parked_requests.serve(self.channel, self.handles, state, item)
        self.handles.drop_owner(state.ident)
        if item.alone:
            state.exempt_epoch = self._epoch
        if item.step_kind is not None:
            origin = state.stop.frames[0].frame if state.stop.frames else None
            if state.step is not None:
                self._step_ended(state)
            by_instruction = item.by_instruction and item.step_kind in ("over", "in") and origin is not None
            state.step = Step(item.step_kind, origin, disassembly.frame_offset(origin) if by_instruction else None)
            self._step_started(state.step)
        elif state.step is not None:
            self._step_ended(state)
        state.stop = None
        state.parked = False
        state.busy = False

    def _step_started(self, step):
        with self._lock:
            self._steppers += 1
            if step.instruction_offset is not None:
                self._count_instruction_step(step.origin.f_code, 1)
            self._apply_events()

    def _step_ended(self, state):
        step, state.step = state.step, None
        with self._lock:
            self._steppers -= 1
            if step.instruction_offset is not None:
                self._count_instruction_step(step.origin.f_code, -1)
            self._apply_events()

    def _count_instruction_step(self, code, change):
        count = self._instruction_steps.get(code, 0) + change
        if count:
            self._instruction_steps[code] = count
        else:
            del self._instruction_steps[code]
        self._set_local_events(code, self._has_breakpoints(code))
        if change > 0:
            self._restart_events()  # offsets DISABLEd by instruction breakpoints must report to the stepper

    def _has_breakpoints(self, code):
        return self._canonical_path(code.co_filename) in self._file_breakpoints

    def _canonical_path(self, filename):
        """breakpoints.canonical_path (file system calls), once per file name."""
        canonical = self._canonical.get(filename)
        if canonical is None:
            canonical = self._canonical[filename] = breakpoints.canonical_path(filename)
        return canonical

    def start_on_entry(self):
        """Makes the main thread stop at the program's first line."""
        step = self._current_state().step = Step("entry", None)
        self._step_started(step)

    def resume(self, native_id, step_kind=None, single_thread=False, by_instruction=False):
        """Continues (or steps) a thread and, unless single_thread, every parked thread. Returns
        whether all threads continued, and release(), which lets them run: called once the
        request is answered, or a program that ends at once could end before its answer is sent."""
        with self._lock:
            state = self._parked.get(native_id)
            alone = single_thread or not self.stop_all
            if state is None and (alone or step_kind is not None):
                raise LookupError("The thread is not stopped.")
            resumed = [state] if alone else list(self._parked.values())
            if not alone:
                self._pausing = False
                self._frames_of_stop = None
                self._pause_idents = frozenset()
                self._apply_events()
            for other in resumed:
                del self._parked[other.native_id]
        resumes = [(other, Resume(step_kind, alone, by_instruction) if other is state else Resume(None, alone)) for other in resumed]

        def release():
            for other, resume in resumes:
                other.inbox.put(resume)

        return not alone, release

    def pause(self, native_id):
        state = self.threads.by_native_id(native_id)
        with self._lock:
            if native_id in self._parked:
                return
            if self.stop_all:
                self._pausing = True
                self._epoch += 1
            else:
                self._pause_idents = self._pause_idents | {state.ident}
            self._pause_reporter = state.ident
            self._apply_events()
        # The thread reports the pause when it parks; if it is blocked in C it is not waited for.
        for _ in range(30):
            if self._pause_reporter != state.ident:
                return
            time.sleep(0.01)
        with self._lock:
            if self._pause_reporter != state.ident:
                return
            self._pause_reporter = None
        self.channel.event("stopped", {"reason": "pause", "threadId": native_id, "allThreadsStopped": self.stop_all})

    def stop_every_thread(self, reason, native_id, description):
        """Stops every thread (they park at their next line; those blocked in C stay where they
        are) and reports it at once as one stop of ``native_id``, e.g. for a deadlock."""
        with self._lock:
            self._pausing = True
            self._epoch += 1
            self._pause_reporter = None
            self._apply_events()
            self.channel.event("stopped", {"reason": reason, "threadId": native_id, "allThreadsStopped": True, "description": description, "text": description})

    def detach(self):
        """Forgets breakpoints and lets every thread run on."""
        with self._lock:
            self._file_breakpoints.clear()
            self._bp_lines = {}
            self._instruction_breakpoints = {}
            self.exception_filters = frozenset()
            self._pausing = False
            self._pause_idents = frozenset()
            self._apply_events()
            for state in self._parked.values():
                state.inbox.put(Resume())
            self._parked.clear()

    def before_fork(self):
        """Holds the monitor's lock across a fork: the child's callbacks, run by the forking
        thread (the RLock is its own there), never wait for a thread the fork left behind."""
        self._lock.acquire()

    def after_fork_in_parent(self):
        self._lock.release()

    def forget_after_fork(self):
        """In a forked child: the debugger stays with the parent, this process runs on without it.

        No sys.monitoring call here (see _in_forked_child; seen: register_callback waited
        forever). With nothing left to stop at, every callback returns DISABLE at its first
        event (those that cannot, at once)."""
        # Fresh containers, not clear(): a parent thread may have held one's mutex at the fork.
        self._lock = threading.RLock()
        self._file_breakpoints = {}
        self._bp_lines = {}
        self._codes = {}
        self._function_breakpoints = {}
        self._instruction_breakpoints = {}
        self._instruction_breakpoint_codes = []
        self._instruction_steps = {}
        self.exception_filters = frozenset()
        self._pausing = False
        self._pause_idents = frozenset()
        self._steppers = 0
        self.slow = False
        self._parked = {}
        self._set_threads()

    # ---- requests about a stopped thread's frames, served by that thread

    def route(self, native_id, request):
        """Hands a request to the parked thread ``native_id``; False when it is not parked."""
        with self._lock:
            state = self._parked.get(native_id)
            if state is None:
                return False
            state.inbox.put(request)
        return True

    def owner_of(self, handle):
        """The native id of the parked thread owning a frame or variables handle, None if not parked."""
        entry = self.handles.get(handle)
        if entry is None:
            raise LookupError("This value is no longer available: the thread has run on.")
        with self._lock:
            for state in self._parked.values():
                if state.ident == entry[0]:
                    return state.native_id
        return None

    # ---- stacks, answered on the agent's thread

    def stack_trace(self, native_id, start, levels):
        with self._lock:
            state = self._parked.get(native_id)
            stop = state.stop if state is not None else None
        if stop is not None:
            return self.stacks.parked(state.ident, stop.frames, start, levels)
        state = self.threads.by_native_id(native_id)
        return self.stacks.outside_python(state.ident, native_id, self._current_frames().get(state.ident), start, levels)

    def _current_frames(self):
        """sys._current_frames(), taken once per stop-all: it stops the world and builds every
        thread's frames, and a UI asks for each blocked thread's stack in turn. While all threads
        are stopped, a thread blocked in C keeps its stack (back in Python, it parks)."""
        if not (self.stop_all and self._pausing):
            return sys._current_frames()
        cached = self._frames_of_stop
        if cached is None or cached[0] != self._epoch:
            cached = self._frames_of_stop = (self._epoch, sys._current_frames())
        return cached[1]
