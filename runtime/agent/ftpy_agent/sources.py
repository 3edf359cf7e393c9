"""The DAP source of each code object's file: a path, or a reference to the text of code
without a file (a program run as python -c, a string exec'd)."""

import os
import threading


class Sources:
    def __init__(self, program_code=None):
        self.program_code = program_code  # the text of a program run as python -c (no file, no linecache)
        self._lock = threading.Lock()
        self._references = {}  # name of code without a file -> sourceReference
        self._names = {}  # sourceReference -> name
        self._sources = {}  # co_filename -> DAP source

    def of(self, filename):
        """The DAP source of a code object's file, remembered: every stack has many frames of few files."""
        source = self._sources.get(filename)
        if source is None:
            source = self._sources[filename] = self._new(filename)
        return source

    def _new(self, filename):
        if os.path.isfile(filename):
            return {"path": filename, "name": os.path.basename(filename)}
        with self._lock:
            reference = self._references.get(filename)
            if reference is None:
                reference = self._references[filename] = len(self._references) + 1
                self._names[reference] = filename
        return {"name": filename, "sourceReference": reference, "presentationHint": "deemphasize"}

    def text(self, reference):
        """The text of code without a file, as linecache knows it."""
        import linecache

        name = self._names.get(reference)
        lines = linecache.getlines(name) if name else []
        if not lines and name == "<string>" and self.program_code is not None:
            lines = [self.program_code]
        if not lines:
            raise LookupError("The source of this code is not available.")
        return "".join(lines)
