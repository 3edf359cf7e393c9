"""The sys.monitoring callbacks: where each thread, at each event, learns whether it stops.

Cost model: a PY_START callback runs once per code object (it returns DISABLE) and turns on
local LINE events only for code objects of files holding breakpoints; the LINE callback returns
DISABLE for every line without a breakpoint. So the program runs at full speed everywhere
except on breakpoint lines. Global LINE events are on only while some thread steps or must
stop ("slow" mode).

They run on the program's threads, concurrently, as methods of the monitor (a base class of
it), so that each read of its state on the hot path stays one attribute lookup.
"""

import os
import sys
import threading
import weakref

from . import inspection
from .visibility import AGENT_DIR

monitoring = sys.monitoring
EVENTS = monitoring.events
DISABLE = monitoring.DISABLE

# Library code whose callee's exception ends the thread or program (not user-unhandled): a
# thread's run, and runpy's _run_code, which runs a program started with -m.
_ENTRY_CODES = (threading.Thread.run.__code__,)
_RUNPY = (os.path.join(os.path.dirname(threading.__file__), "runpy.py"), "_run_code")
# Where threading threads begin, and where threading hands a thread's uncaught exception to
# threading.excepthook: their PY_START events stay on (one callback per thread), so threads
# are learnt without wrapping the program's functions or hooks.
THREAD_BOOTSTRAP = threading.Thread._bootstrap_inner.__code__
_THREAD_EXCEPTHOOK = threading._make_invoke_excepthook().__code__
# Where the interpreter goes once the main thread is done, after printing an exception that
# ended it (sys.last_exc): the program runs as python runs it, with no launcher to catch it.
_SHUTDOWN = threading._shutdown.__code__

# Every callback, registered once. A forked child keeps them registered (unregistering stops the
# world there, see _in_forked_child): each returns at once in a child.
CALLBACKS = (
    (EVENTS.PY_START, "_on_start"),
    (EVENTS.PY_RESUME, "_on_resume"),
    (EVENTS.LINE, "_on_line"),
    (EVENTS.RAISE, "_on_raise"),
    (EVENTS.PY_RETURN, "_on_return"),
    (EVENTS.PY_UNWIND, "_on_unwind"),
    (EVENTS.INSTRUCTION, "_on_instruction"),
)


class Callbacks:
    def _thread_starts(self, frame):
        """PY_START of Thread._bootstrap_inner: a threading thread begins."""
        if self._states.get(threading.get_ident()) is None:
            self.threads.started(thread=frame.f_locals.get("self"))

    def _on_start(self, code, _offset):
        if self._is_finalizing():
            # The agent's daemon thread may have been stopped for good holding self._lock: a
            # gc callback of the final collections must not wait for it.
            return DISABLE
        if self.channel.closed or self._in_forked_child():
            return DISABLE  # the adapter is gone, or a forked child (see _in_forked_child): nothing to learn
        if code is THREAD_BOOTSTRAP:
            self._thread_starts(sys._getframe(1))
            return None
        if self._states.get(threading.get_ident()) is None and not code.co_filename.startswith(AGENT_DIR):
            self.threads.started()  # a thread started with _thread, at the first code it starts
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
                state = self._current_state()
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

    def _on_line(self, code, line):
        if self._in_forked_child():
            return DISABLE
        if self.slow:
            return self._on_line_slow(code, line, sys._getframe(1))
        restarts = self.restarts
        lines = self._bp_lines.get(code.co_filename)
        if lines is None or line not in lines:
            return DISABLE if restarts == self.restarts and not self._has_instruction_breakpoints(code) else None
        state = self._current_state()
        frame = sys._getframe(1)
        if state is not None and not state.busy and lines[line].fires(frame, self.output):
            self._park(state, self._frames(frame), "breakpoint", hit=lines[line])
        return None

    def _on_line_slow(self, code, line, frame):
        restarts = self.restarts
        state = self._current_state()
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
        state = self._current_state()
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
        if code is THREAD_BOOTSTRAP:
            state = self._states.get(threading.get_ident())
            if state:
                self.threads.exited(state)
            return None
        state = self._current_state()
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
        state = self._current_state()
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
        state = self._current_state()
        frame = sys._getframe(1)
        caller = frame.f_back
        if state is None or state.busy or caller is None or not self._is_hidden(caller.f_code.co_filename):
            return
        if caller.f_code in _ENTRY_CODES or (caller.f_code.co_filename, caller.f_code.co_name) == _RUNPY or caller.f_code.co_filename.startswith(AGENT_DIR):
            return  # it ends the thread or the program: "uncaught" reports that
        self._park(state, self._frames(frame), "exception", exception=exception, break_mode="userUnhandled")

    def report_uncaught(self, exception):
        """Called by the thread whose exception went uncaught, before it is printed."""
        state = self._current_state()
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
