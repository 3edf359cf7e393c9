"""What the stopping engine knows of each thread: its state, why it stopped, how it steps."""

import queue
import threading


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
    """What a parked thread is told to do next."""

    def __init__(self, step_kind=None, alone=False, by_instruction=False):
        self.step_kind = step_kind
        self.alone = alone
        self.by_instruction = by_instruction
