"""Stacks in DAP form, answered on the agent's thread: a parked thread's frames as listed when it
parked (they stay put until it is resumed, which happens on this same thread), and the stack of a
thread outside Python (blocked or running C), read from sys._current_frames()."""

import os

from . import disassembly


class Stacks:
    def __init__(self, handles, addresses, sources, is_hidden):
        self.handles = handles
        self.addresses = addresses
        self.sources = sources
        self.is_hidden = is_hidden

    def parked(self, owner, frames, start, levels):
        """A parked thread's frames: read here, since a UI asks for every thread's stack at each
        stop, and waking each parked thread costs more than its answer."""
        levels = levels or len(frames)
        return {"stackFrames": [self._dap_frame(owner, frame) for frame in frames[start : start + levels]], "totalFrames": len(frames)}

    def outside_python(self, owner, native_id, frame, start, levels):
        """The stack of a thread that is not parked, topped by a label saying where it is."""
        frames = []
        while frame is not None:
            code = frame.f_code
            if not self.is_hidden(code.co_filename):
                address = self.addresses.address(code, disassembly.frame_offset(frame))
                frames.append({"name": code.co_qualname, "line": frame.f_lineno, "column": 1, "source": self.sources.of(code.co_filename), "instructionPointerReference": address})
            frame = frame.f_back
        label = {"name": f"[{_native_state(native_id)} outside Python]", "line": 0, "column": 0, "presentationHint": "label"}
        frames.insert(0, label)
        for entry in frames:
            entry["id"] = self.handles.add(owner, None)
        levels = levels or len(frames)
        return {"stackFrames": frames[start : start + levels], "totalFrames": len(frames)}

    def _dap_frame(self, owner, frame):
        code = frame.frame.f_code
        entry = {"id": self.handles.add(owner, frame), "name": code.co_qualname, "line": frame.line, "column": 1}
        entry["instructionPointerReference"] = self.addresses.address(code, disassembly.frame_offset(frame.frame))
        entry["source"] = self.sources.of(code.co_filename)
        return entry


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
