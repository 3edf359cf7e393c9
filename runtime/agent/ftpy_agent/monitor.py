"""Breakpoints, stepping and stopping threads with sys.monitoring, no settrace.

Cost model: a PY_START callback runs once per code object (it returns DISABLE) and turns on
local LINE events only for code objects of files holding breakpoints; the LINE callback returns
DISABLE for every line without a breakpoint. So the program runs at full speed everywhere
except on breakpoint lines. Global LINE events are on only while some thread steps or must
stop ("slow" mode).

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
import queue
import sys
import sysconfig
import threading
import time
import weakref

from . import breakpoints, deadline, disassembly, inspection, locks, tools

monitoring = sys.monitoring
EVENTS = monitoring.events
DISABLE = monitoring.DISABLE
AGENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple(
    {breakpoints.canonical_path(sysconfig.get_path(name)) + os.sep for name in ("stdlib", "platstdlib", "purelib", "platlib")}
)


# Library code whose callee's exception ends the thread or program (not user-unhandled): a
# thread's run, and runpy's _run_code, which runs a program started with -m.
_ENTRY_CODES = (threading.Thread.run.__code__,)
_RUNPY = (os.path.join(os.path.dirname(threading.__file__), "runpy.py"), "_run_code")
# Where threading threads begin, and where threading hands a thread's uncaught exception to
# threading.excepthook: their PY_START events stay on (one callback per thread), so threads
# are learnt without wrapping the program's functions or hooks.
_THREAD_BOOTSTRAP = threading.Thread._bootstrap_inner.__code__
_THREAD_EXCEPTHOOK = threading._make_invoke_excepthook().__code__
# Where the interpreter goes once the main thread is done, after printing an exception that
# ended it (sys.last_exc): the program runs as python runs it, with no launcher to catch it.
_SHUTDOWN = threading._shutdown.__code__

# Every callback, registered once. A forked child keeps them registered (unregistering stops the
# world there, see _in_forked_child): each returns at once in a child.
_CALLBACKS = (
    (EVENTS.PY_START, "_on_start"),
    (EVENTS.PY_RESUME, "_on_resume"),
    (EVENTS.LINE, "_on_line"),
    (EVENTS.RAISE, "_on_raise"),
    (EVENTS.PY_RETURN, "_on_return"),
    (EVENTS.PY_UNWIND, "_on_unwind"),
    (EVENTS.INSTRUCTION, "_on_instruction"),
)


class ThreadState:
    """What the agent knows about one Python thread; its fields are written by that thread only."""

    def __init__(self, thread=None):
        self.thread = thread  # the threading.Thread, when known before it registers itself
        self.ident = threading.get_ident()
        self.native_id = threading.get_native_id()
        self.step = None
        self.exempt_epoch = -1  # resumed alone during this stop-all epoch: not paused by it
        self.inbox = queue.SimpleQueue()
        self.parked = False
        # Parked, or running agent code outside a callback (thread start/exit, excepthook): the
        # callbacks leave the thread alone, or they would park it inside the agent, holding its locks.
        self.busy = False
        self.stop = None


class Stop:
    """Why and where a parked thread stopped."""

    def __init__(self, frames, reason, exception=None, break_mode=None, returned=None):
        self.frames = frames
        self.reason = reason
        self.exception = exception
        self.break_mode = break_mode
        self.returned = returned  # (function name, value) after a step out of a function


class Step:
    def __init__(self, kind, origin, instruction_offset=None):
        self.kind = kind  # "in", "over", "out" or "entry"
        self.origin = origin
        # Stepping by instruction ("over" and "in"): the offset it starts from. Parked in a LINE
        # event, the thread meets that instruction's INSTRUCTION event first when it resumes.
        self.instruction_offset = instruction_offset
        self.leaving_origin = instruction_offset is not None

    def done(self, frame):
        """Whether arriving at a new line in ``frame`` (a visible frame) ends this step."""
        if self.kind in ("in", "entry"):
            return True
        caller = frame
        while caller is not None:
            if caller is self.origin:
                return self.kind == "over" and caller is frame
            caller = caller.f_back
        return True  # the origin frame has returned


class Resume:
    def __init__(self, step_kind=None, alone=False, by_instruction=False):
        self.step_kind = step_kind
        self.alone = alone
        self.by_instruction = by_instruction


class Monitor:
    def __init__(self, channel, stop_all=True, just_my_code=True, show_return_value=True, program_code=None):
        self.channel = channel
        self.program_code = program_code  # the text of a program run as python -c (no file, no linecache)
        self.stop_all = stop_all
        self.just_my_code = just_my_code
        self.show_return_value = show_return_value
        self.handles = inspection.Handles()
        self.addresses = disassembly.CodeAddresses()
        self._pid = os.getpid()
        # Kept here: the callbacks' first looks must work while the interpreter finalizes, when
        # python has set this module's globals (sys, os...) to None.
        self._getpid = os.getpid
        self._is_finalizing = sys.is_finalizing
        self._tool = None  # the sys.monitoring tool id, taken at install
        self.slow = False  # read on the hot path: pausing or stepping, so global LINE events are on
        self.restarts = 0  # read on the hot path: counts restart_events() calls
        # ident -> ThreadState, or False for the agent's own threads. Not a threading.local: every
        # thread start and end would take its shared dict's mutex, and on 3.13t a forked child
        # clearing the dead threads' locals waits forever on it if a thread the fork left behind
        # held it (seen under CPython's test_reinit_tls_after_fork).
        self._states = {}
        # Reentrant: code run while holding it can start new code objects, whose PY_START takes it.
        self._lock = threading.RLock()
        self._threads = {}  # native id -> ThreadState of live threads
        self._agent_idents = set()  # the agent's own threads (never shown)
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
        self._hidden = {}  # co_filename -> hidden from the user (agent; library with justMyCode)
        self._function_breakpoints = {}  # name -> Breakpoint
        self._source_references = {}  # name of code without a file -> sourceReference
        self._source_names = {}  # sourceReference -> name
        self._sources = {}  # co_filename -> DAP source
        self.exception_filters = frozenset()

    # ---- installation and threads

    def install(self):
        self._tool = tools.take("ftpy")
        for event, name in _CALLBACKS:
            monitoring.register_callback(self._tool, event, getattr(self, name))
        self.thread_started(report=False)
        with self._lock:
            self._set_local_events(_THREAD_BOOTSTRAP, False)
            self._apply_events()

    def start_agent_thread(self, function):
        """Starts one of the agent's own threads: never shown, never stopped."""
        _thread.start_new_thread(self._agent_thread_main, (function,))

    def _agent_thread_main(self, function):
        # Marked before it starts any other code: the first PY_START of an unknown thread registers it.
        self._states[threading.get_ident()] = False
        self._agent_idents.add(threading.get_ident())
        # The adapter leaves the agent's threads out of every view it reads from memory.
        self.channel.event("agentThread", {"threadId": threading.get_ident(), "nativeId": threading.get_native_id()})
        function()

    def thread_started(self, report=True, thread=None):
        ident = threading.get_ident()
        self._states[ident] = False  # an agent thread until it is set up
        state = ThreadState(thread)
        state.busy = True
        self._states[ident] = state
        with self._lock:
            self._threads[state.native_id] = state
        if report:
            self.channel.event("thread", {"reason": "started", "threadId": state.native_id})
        state.busy = False
        return state

    def _thread_exited(self, state):
        """A thread ended: at the return of its Thread._bootstrap_inner, or found gone (a _thread thread)."""
        state.busy = True
        if state.step is not None:
            self._step_ended(state)
        with self._lock:
            self._threads.pop(state.native_id, None)
            if self._states.get(state.ident) is state:
                del self._states[state.ident]
        self.channel.event("thread", {"reason": "exited", "threadId": state.native_id})

    def _thread_starts(self, frame):
        """PY_START of Thread._bootstrap_inner: a threading thread begins (named before it
        registers in threading._active, so a thread stopped that early still shows its name)."""
        if self._states.get(threading.get_ident()) is None:
            self.thread_started(thread=frame.f_locals.get("self"))

    def _state(self):
        """This thread's state; None for the agent's own threads."""
        state = self._states.get(threading.get_ident())
        if state and state.native_id != threading.get_native_id():
            self._thread_exited(state)  # a _thread thread that ended unseen, its ident reused
            state = None
        if state is None:  # a thread started from C, or with _thread running code seen before
            state = self.thread_started()
        return state or None

    def _forget_ended_threads(self):
        """Threads started with _thread end unseen: gone from the kernel's list, they are said to have exited."""
        with self._lock:
            states = list(self._threads.values())
        for state in states:
            if not os.path.exists(f"/proc/self/task/{state.native_id}"):
                self._thread_exited(state)

    def threads(self):
        self._forget_ended_threads()
        with self._lock:
            states = list(self._threads.values())
        return [{"id": state.native_id, "name": f"{self.thread_name(state)} [{state.native_id}]"} for state in states]

    def outside_threads(self):
        """While all threads are stopped, the Python threads the agent does not know: started
        from C (a native library's thread calling into Python) and run no line since the stop
        (one that does is registered, and parks). The adapter shows them from memory; their
        frames in files the agent hides (justMyCode) are named so it hides them too."""
        idents, hidden = [], set()
        if self.stop_all and self._pausing:
            with self._lock:
                known = {state.ident for state in self._threads.values()} | self._agent_idents
            for ident, frame in self._current_frames().items():
                if ident in known:
                    continue
                idents.append(ident)
                while frame is not None:
                    if self._is_hidden(frame.f_code.co_filename):
                        hidden.add(frame.f_code.co_filename)
                    frame = frame.f_back
        return {"idents": idents, "hiddenFiles": sorted(hidden)}

    @staticmethod
    def thread_name(state):
        thread = state.thread or threading._active.get(state.ident)  # ident -> Thread
        return thread.name if thread is not None else "Thread"

    def lock_snapshot(self, stacks):
        """The threads and the locks they hold and wait for, from lock tracking."""
        with self._lock:
            states = list(self._threads.values())
            parked = set(self._parked)
        snapshot = locks.Snapshot(self, stacks).build()
        return {"threads": snapshot.threads(states, parked), "locks": snapshot.locks()}

    def stopped(self):
        """Whether some thread is parked at a stop."""
        return bool(self._parked)

    def thread(self, native_id):
        with self._lock:
            state = self._threads.get(native_id)
        if state is None:
            raise LookupError(f"No thread {native_id}: it has exited.")
        return state

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

    def source(self, reference):
        """The text of code without a file: a program run as python -c, or a string exec'd as
        linecache knows it."""
        import linecache

        name = self._source_names.get(reference)
        lines = linecache.getlines(name) if name else []
        if not lines and name == "<string>" and self.program_code is not None:
            lines = [self.program_code]
        if not lines:
            raise LookupError("The source of this code is not available.")
        return "".join(lines)

    def _source(self, filename):
        """The DAP source of a code object's file, remembered: every stack has many frames of few files."""
        source = self._sources.get(filename)
        if source is None:
            source = self._sources[filename] = self._new_source(filename)
        return source

    def _new_source(self, filename):
        if os.path.isfile(filename):
            return {"path": filename, "name": os.path.basename(filename)}
        with self._lock:
            reference = self._source_references.get(filename)
            if reference is None:
                reference = self._source_references[filename] = len(self._source_references) + 1
                self._source_names[reference] = filename
        return {"name": filename, "sourceReference": reference, "presentationHint": "deemphasize"}

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
            args["memoryReference"], args.get("offset", 0), args.get("instructionOffset", 0), args["instructionCount"], self._source
        )
        return {"instructions": instructions}

    def set_exception_filters(self, filters):
        with self._lock:
            self.exception_filters = frozenset(filters)
            self._apply_events()

    # ---- the callbacks (run on the program's threads, concurrently)

    def _on_start(self, code, _offset):
        if self._is_finalizing():
            # The agent's daemon thread may have been stopped for good holding self._lock: a
            # gc callback of the final collections must not wait for it.
            return DISABLE
        if self.channel.closed or self._in_forked_child():
            return DISABLE  # the adapter is gone, or a forked child (see _in_forked_child): nothing to learn
        if code is _THREAD_BOOTSTRAP:
            self._thread_starts(sys._getframe(1))
            return None
        if self._states.get(threading.get_ident()) is None and not code.co_filename.startswith(AGENT_DIR):
            self.thread_started()  # a thread started with _thread, at the first code it starts
        if code is _THREAD_EXCEPTHOOK:
            exception = sys.exception()  # the one _bootstrap_inner's except clause handles
            if exception is not None:
                self.report_uncaught(exception)
            return None
        if code is _SHUTDOWN:
            exception = getattr(sys, "last_exc", None)  # set by python as it printed it
            if exception is not None and threading.current_thread() is threading.main_thread():
                self.report_uncaught(exception)
            return None
        self._see(code)
        if self._function_breakpoints:
            frame = sys._getframe(1)
            breakpoint = self._function_breakpoint(code, frame)
            if breakpoint is not None:
                state = self._state()
                if state is not None and not state.busy and breakpoint.fires(frame, self.output):
                    self._park(state, self._frames(frame), "function breakpoint", hit=breakpoint)
                return None  # every call of this function must report
        return DISABLE

    def _on_resume(self, code, _offset):
        if self._is_finalizing() or self._in_forked_child():
            return DISABLE  # as in _on_start
        self._see(code)
        return DISABLE

    def _function_breakpoint(self, code, frame):
        """The function breakpoint naming this code: 'qualname', 'module.qualname' or a bare function name."""
        by_name = self._function_breakpoints
        qualname = code.co_qualname
        return by_name.get(qualname) or by_name.get(f"{frame.f_globals.get('__name__')}.{qualname}") or by_name.get(code.co_name)

    def _see(self, code):
        """Records a code object that started and gives it LINE events if its file has breakpoints.

        Without the monitor's lock unless the file has breakpoints: every new code object of every
        thread comes here, and threads queueing on that lock while the program stops the world
        (sys.settrace, sys.setprofile) hung CPython's test_free_threading. The code is recorded
        before the check, and set_breakpoints places breakpoints before it walks the recorded
        code: whichever comes second sees the other."""
        filename = code.co_filename
        if filename.startswith("<"):
            # Code of no file (exec'd text, -c): no breakpoint names it, so nothing to record. Not
            # recording it keeps threads that exec in a loop off one shared table (seen contending
            # on it in CPython 3.13t, and a forking program's children waiting behind them).
            return
        canonical = self._canonical_path(filename)
        codes = self._codes.get(canonical)
        if codes is None:
            codes = self._codes.setdefault(canonical, weakref.WeakValueDictionary())  # exec'd code may die
        codes[id(code)] = code
        if canonical not in self._file_breakpoints:
            return
        with self._lock:
            lines = self._file_breakpoints.get(canonical)
            if lines is not None:
                self._bp_lines[filename] = lines
                self._set_local_events(code, True)

    def _set_local_events(self, code, has_breakpoints):
        """LINE events where breakpoints are, INSTRUCTION events where a thread steps by instruction (holding self._lock)."""
        by_instruction = code in self._instruction_steps or self._has_instruction_breakpoints(code)
        events = (EVENTS.LINE if has_breakpoints else 0) | (EVENTS.INSTRUCTION if by_instruction else 0)
        if code is _THREAD_BOOTSTRAP:
            events |= EVENTS.PY_RETURN  # where a threading thread ends
        if not self._in_forked_child():
            monitoring.set_local_events(self._tool, code, events)

    def _on_line(self, code, line):
        if self._in_forked_child():
            return DISABLE
        if self.slow:
            return self._on_line_slow(code, line, sys._getframe(1))
        restarts = self.restarts
        lines = self._bp_lines.get(code.co_filename)
        if lines is None or line not in lines:
            return DISABLE if restarts == self.restarts and not self._has_instruction_breakpoints(code) else None
        state = self._state()
        frame = sys._getframe(1)
        if state is not None and not state.busy and lines[line].fires(frame, self.output):
            self._park(state, self._frames(frame), "breakpoint", hit=lines[line])
        return None

    def _on_line_slow(self, code, line, frame):
        restarts = self.restarts
        state = self._state()
        if state is None or state.busy:
            return None
        lines = self._bp_lines.get(code.co_filename)
        breakpoint = lines.get(line) if lines else None
        if breakpoint is not None and breakpoint.fires(frame, self.output):
            self._park(state, self._frames(frame), "breakpoint", hit=breakpoint)
            return None
        hidden = self._is_hidden(code.co_filename)
        step = state.step
        if step is not None and not hidden and (step.kind != "entry" or not self._is_library(code.co_filename)) and step.done(frame):
            self._step_ended(state)
            self._park(state, self._frames(frame), "entry" if step.kind == "entry" else "step")
            return None
        if (self._pausing and state.exempt_epoch != self._epoch) or state.ident in self._pause_idents:
            self._park(state, self._frames(frame), "pause")
            return None
        if breakpoint is None and (hidden or not self._steppers) and restarts == self.restarts and not self._has_instruction_breakpoints(code):
            return DISABLE
        return None

    def _has_instruction_breakpoints(self, code):
        """On 3.13 a LINE callback returning DISABLE also swallows the INSTRUCTION event of its
        instruction: LINE events stay on in code with instruction breakpoints."""
        return bool(self._instruction_breakpoints) and id(code) in self._instruction_breakpoints

    def _on_instruction(self, code, offset):
        """Instruction breakpoints, and the thread stepping by instruction; other threads running
        the same code go on (and DISABLE the offset unless some thread steps by instruction)."""
        if self._in_forked_child():
            return DISABLE
        restarts = self.restarts
        state = self._state()
        if state is None or state.busy:
            return None
        step = state.step
        if step is not None and step.instruction_offset is not None:
            frame = sys._getframe(1)
            if step.leaving_origin:
                step.leaving_origin = False
                if frame is step.origin and offset == step.instruction_offset:
                    return None  # the instruction it was parked on, now running
            if step.done(frame):
                self._step_ended(state)
                self._park(state, self._frames(frame), "step")
                return None
        offsets = self._instruction_breakpoints.get(id(code))
        breakpoint = offsets.get(offset) if offsets else None
        if breakpoint is not None:
            frame = sys._getframe(1)
            if breakpoint.fires(frame, self.output):
                self._park(state, self._frames(frame), "instruction breakpoint", hit=breakpoint)
            return None
        if self._instruction_steps or restarts != self.restarts:
            return None
        return DISABLE

    def _on_return(self, code, _offset, value):
        """A step that leaves its frame ends in the caller, on the line of the call; a threading
        thread ends where its Thread._bootstrap_inner returns."""
        if self._in_forked_child():
            return DISABLE
        if code is _THREAD_BOOTSTRAP:
            state = self._states.get(threading.get_ident())
            if state:
                self._thread_exited(state)
            return None
        state = self._state()
        if state is None or state.busy or state.step is None or state.step.kind == "entry":
            return None
        frame = sys._getframe(1)
        caller = frame.f_back
        if frame is not state.step.origin or caller is None or self._is_hidden(caller.f_code.co_filename):
            return None  # a hidden caller: the step ends at the next line the user sees
        self._step_ended(state)
        returned = (code.co_qualname, value) if self.show_return_value else None
        self._park(state, self._frames(caller), "step", returned=returned)
        return None

    def _on_raise(self, code, _offset, exception):
        if self._in_forked_child() or "raised" not in self.exception_filters or self._is_hidden(code.co_filename):
            return
        state = self._state()
        if state is None or state.busy:
            return
        # Report where the exception enters the user's code: no visible frame below this one.
        deeper = exception.__traceback__.tb_next if exception.__traceback__ else None
        while deeper is not None:
            if not self._is_hidden(deeper.tb_frame.f_code.co_filename):
                return
            deeper = deeper.tb_next
        self._park(state, self._frames(sys._getframe(1)), "exception", exception=exception, break_mode="always")

    def _on_unwind(self, code, _offset, exception):
        """An exception leaving the user's code for library code that called it (which may handle it)."""
        if self._in_forked_child() or "userUnhandled" not in self.exception_filters or self._is_hidden(code.co_filename):
            return
        state = self._state()
        frame = sys._getframe(1)
        caller = frame.f_back
        if state is None or state.busy or caller is None or not self._is_hidden(caller.f_code.co_filename):
            return
        if caller.f_code in _ENTRY_CODES or (caller.f_code.co_filename, caller.f_code.co_name) == _RUNPY or caller.f_code.co_filename.startswith(AGENT_DIR):
            return  # it ends the thread or the program: "uncaught" reports that
        self._park(state, self._frames(frame), "exception", exception=exception, break_mode="userUnhandled")

    def report_uncaught(self, exception):
        """Called by the thread whose exception went uncaught, before it is printed."""
        state = self._state()
        if "uncaught" not in self.exception_filters or state is None or isinstance(exception, SystemExit):
            return
        frames = []
        tb = exception.__traceback__
        while tb is not None:
            if not self._is_hidden(tb.tb_frame.f_code.co_filename):
                frames.append(inspection.Frame(tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        self._park(state, frames[::-1], "exception", exception=exception, break_mode="unhandled")

    def output(self, text, category="console"):
        self.channel.event("output", {"category": category, "output": text})

    # ---- which code the user sees

    def _is_library(self, filename):
        return filename.startswith("<frozen") or breakpoints.canonical_path(filename).startswith(_LIBRARY_DIRS)

    def _is_hidden(self, filename):
        hidden = self._hidden.get(filename)
        if hidden is None:
            canonical = breakpoints.canonical_path(filename)
            hidden = canonical.startswith(AGENT_DIR + os.sep) or (self.just_my_code and self._is_library(filename))
            self._hidden[filename] = hidden
        return hidden

    def _frames(self, frame):
        frames = []
        while frame is not None:
            if not self._is_hidden(frame.f_code.co_filename):
                frames.append(inspection.Frame(frame, frame.f_lineno))
            frame = frame.f_back
        return frames

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
            self._serve_request(state, item)
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
        step = self._state().step = Step("entry", None)
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
        state = self.thread(native_id)
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
        self._threads = {}
        self._states = {}

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

    def _serve_request(self, state, request):
        overdue = lambda: self.channel.reply(request, error="The thread is blocked outside Python (sleep, I/O, a lock?): it answers again once it returns.")  # noqa: E731
        try:
            with deadline.watchdog.limit(overdue):
                body = self._answer(state, request["command"], request.get("arguments", {}))
        except Exception as error:
            self.channel.reply(request, error=f"{type(error).__name__}: {error}" if not isinstance(error, LookupError) else str(error))
        else:
            self.channel.reply(request, body)

    def _answer(self, state, command, args):
        owner = state.ident
        handles = self.handles
        if command == "exceptionInfo":
            return self._exception_info(state)
        handle = args.get("frameId") or args.get("variablesReference")
        item = handles.get(handle)[1]
        if command == "scopes":
            scopes = inspection.scopes(handles, owner, item.frame)
            returned = state.stop.returned
            if returned is not None and item is state.stop.frames[0]:
                scopes.insert(0, inspection.returned_scope(handles, owner, item.frame, *returned))
            return {"scopes": scopes}
        if command == "variables":
            if isinstance(item, inspection.Scope):
                return {"variables": inspection.scope_variables(handles, owner, item)}
            return {"variables": inspection.variables(handles, owner, item, args.get("start", 0), args.get("count", 0))}
        if command == "evaluate":
            return inspection.evaluate(handles, owner, item.frame, args["expression"], args.get("context"))
        if command == "setVariable":
            return inspection.set_variable(handles, owner, item, args["name"], args["value"])
        if command == "completions":
            return {"targets": inspection.completions(item.frame, args["text"], args["column"])}
        if command == "setExpression":
            return inspection.set_expression(handles, owner, item.frame, args["expression"], args["value"])
        raise ValueError(f"Unknown request {command}")

    def _dap_frame(self, owner, frame):
        code = frame.frame.f_code
        entry = {"id": self.handles.add(owner, frame), "name": code.co_qualname, "line": frame.line, "column": 1}
        entry["instructionPointerReference"] = self.addresses.address(code, disassembly.frame_offset(frame.frame))
        entry["source"] = self._source(code.co_filename)
        return entry

    def _exception_info(self, state):
        stop = state.stop
        if stop is None or stop.exception is None:
            raise LookupError("The thread is not stopped on an exception.")
        import traceback

        exception = stop.exception
        kind = type(exception)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        return {
            "exceptionId": name,
            "description": str(exception),
            "breakMode": stop.break_mode,
            "details": {
                "message": str(exception),
                "typeName": name,
                "stackTrace": "".join(traceback.format_tb(exception.__traceback__)),
            },
        }

    # ---- stacks, answered on the agent's thread

    def stack_trace(self, native_id, start, levels):
        """A thread's stack. A parked thread's frames were listed when it parked and stay put
        until it is resumed (resuming happens on this same thread), so they are read here: a UI
        asks for every thread's stack at each stop, and waking each parked thread costs more
        than its answer."""
        with self._lock:
            state = self._parked.get(native_id)
            stop = state.stop if state is not None else None
        if stop is None:
            return self._snapshot_stack(native_id, start, levels)
        frames = stop.frames
        levels = levels or len(frames)
        return {"stackFrames": [self._dap_frame(state.ident, frame) for frame in frames[start : start + levels]], "totalFrames": len(frames)}

    # stacks of threads that are not parked (blocked in C, or running)

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

    def _snapshot_stack(self, native_id, start, levels):
        """The stack of a thread that is not parked, read from outside (it is blocked or running C)."""
        state = self.thread(native_id)
        frame = self._current_frames().get(state.ident)
        frames = []
        while frame is not None:
            code = frame.f_code
            if not self._is_hidden(code.co_filename):
                address = self.addresses.address(code, disassembly.frame_offset(frame))
                frames.append({"name": code.co_qualname, "line": frame.f_lineno, "column": 1, "source": self._source(code.co_filename), "instructionPointerReference": address})
            frame = frame.f_back
        label = {"name": f"[{_native_state(native_id)} outside Python]", "line": 0, "column": 0, "presentationHint": "label"}
        frames.insert(0, label)
        for entry in frames:
            entry["id"] = self.handles.add(state.ident, None)
        levels = levels or len(frames)
        return {"stackFrames": frames[start : start + levels], "totalFrames": len(frames)}


def _native_state(native_id):
    """'blocked' or 'running', from the kernel's view of the thread."""
    try:  # a raw descriptor: a buffered file object costs ten times more, for each of many threads
        descriptor = os.open(f"/proc/self/task/{native_id}/stat", os.O_RDONLY)
        try:
            state = os.read(descriptor, 4096).rsplit(b")", 1)[1].split()[0]
        finally:
            os.close(descriptor)
    except (OSError, IndexError):
        return "blocked"
    return "running" if state == b"R" else "blocked"
