"""Which code the user sees: the agent's own never; the libraries' only without justMyCode."""

import os
import sysconfig

from . import breakpoints, inspection

AGENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple(
    {breakpoints.canonical_path(sysconfig.get_path(name)) + os.sep for name in ("stdlib", "platstdlib", "purelib", "platlib")}
)


class Visibility:
    def __init__(self, just_my_code):
        self.just_my_code = just_my_code
        self._hidden = {}  # co_filename -> hidden from the user

    @staticmethod
    def is_library(filename):
        return filename.startswith("<frozen") or breakpoints.canonical_path(filename).startswith(_LIBRARY_DIRS)

    def is_hidden(self, filename):
        hidden = self._hidden.get(filename)
        if hidden is None:
            canonical = breakpoints.canonical_path(filename)
            hidden = canonical.startswith(AGENT_DIR + os.sep) or (self.just_my_code and self.is_library(filename))
            self._hidden[filename] = hidden
        return hidden

    def frames(self, frame):
        """The visible frames from ``frame`` outward, with their current lines."""
        frames = []
        while frame is not None:
            if not self.is_hidden(frame.f_code.co_filename):
                frames.append(inspection.Frame(frame, frame.f_lineno))
            frame = frame.f_back
        return frames
