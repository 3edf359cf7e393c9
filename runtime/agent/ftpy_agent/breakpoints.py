"""Line breakpoints: where they can go (the compiler's line table), and whether one fires.

Conditions, hit counts and log messages are evaluated on the thread that arrives at the line,
in its own frame.
"""

import itertools
import os
import re
import threading

_ids = itertools.count(1)
_ids_lock = threading.Lock()


def canonical_path(path):
    return os.path.normcase(os.path.realpath(path))


def _next_id():
    with _ids_lock:
        return next(_ids)


def executable_lines(path):
    """The lines that carry code in ``path``, or raises ValueError with a message for the user."""
    try:
        with open(path, "rb") as source_file:
            source = source_file.read()
    except FileNotFoundError:
        raise ValueError(f"File not found: {path}") from None
    except OSError as error:
        raise ValueError(f"Cannot read {path}: {error.strerror}") from None
    try:
        module = compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        where = f" (line {error.lineno})" if getattr(error, "lineno", None) else ""
        raise ValueError(f"The file does not compile{where}: {error.msg if hasattr(error, 'msg') else error}") from None
    lines = set()
    pending = [module]
    while pending:
        code = pending.pop()
        lines.update(line for _, _, line in code.co_lines() if line)
        pending.extend(const for const in code.co_consts if isinstance(const, type(module)))
    return lines


_HIT_CONDITION = re.compile(r"^\s*(==|>=|>|<=|<|%)?\s*(\d+)\s*$")
_HIT_TESTS = {
    "==": lambda hits, n: hits == n,
    ">=": lambda hits, n: hits >= n,
    ">": lambda hits, n: hits > n,
    "<=": lambda hits, n: hits <= n,
    "<": lambda hits, n: hits < n,
    "%": lambda hits, n: hits % n == 0,
}


def _hit_test(text):
    match = _HIT_CONDITION.match(text)
    if not match:
        raise ValueError(f"Invalid hit count '{text}': use a number N (stop from the Nth hit on), '== N', '> N' or '% N'.")
    test = _HIT_TESTS[match.group(1) or ">="]
    count = int(match.group(2))
    return lambda hits: test(hits, count)


def _log_parts(message):
    """Splits 'x is {x}' into literal text and compiled expressions."""
    parts = []
    for index, piece in enumerate(re.split(r"\{([^{}]*)\}", message)):
        if index % 2 == 0:
            if piece:
                parts.append(piece)
        else:
            parts.append(compile(piece, "<log message>", "eval"))
    return parts


class Breakpoint:
    def __init__(self, line, condition=None, hit_condition=None, log_message=None):
        self.id = _next_id()
        self.line = line
        self.condition = compile(condition, "<condition>", "eval") if condition else None
        self.hit_test = _hit_test(hit_condition) if hit_condition else None
        self.log_parts = _log_parts(log_message) if log_message else None
        self._hits = 0
        self._hits_lock = threading.Lock()

    def fires(self, frame, output):
        """True when the arriving thread must stop here; logpoints print and never stop."""
        if self.condition is not None:
            try:
                if not eval(self.condition, frame.f_globals, frame.f_locals):
                    return False
            except Exception as error:
                output(f"Breakpoint condition failed ({type(error).__name__}: {error}): stopping.\n")
        if self.hit_test is not None:
            with self._hits_lock:
                self._hits += 1
                hits = self._hits
            if not self.hit_test(hits):
                return False
        if self.log_parts is not None:
            output("".join(self._format(part, frame) for part in self.log_parts) + "\n")
            return False
        return True

    @staticmethod
    def _format(part, frame):
        if isinstance(part, str):
            return part
        try:
            return str(eval(part, frame.f_globals, frame.f_locals))
        except Exception as error:
            return f"<{type(error).__name__}: {error}>"


def place(path, requests):
    """Breakpoints for the requested lines of ``path``: (dap_breakpoints, {line: Breakpoint})."""
    try:
        lines = sorted(executable_lines(path))
        file_error = None
    except ValueError as error:
        lines, file_error = [], str(error)
    placed = {}
    answers = []
    for request in requests:
        wanted = request["line"]
        if file_error:
            answers.append({"verified": False, "line": wanted, "message": file_error})
            continue
        line = next((line for line in lines if line >= wanted), None)
        if line is None:
            answers.append({"verified": False, "line": wanted, "message": f"No code at or after line {wanted}."})
            continue
        try:
            breakpoint = Breakpoint(line, request.get("condition"), request.get("hitCondition"), request.get("logMessage"))
        except (SyntaxError, ValueError) as error:
            answers.append({"verified": False, "line": wanted, "message": f"Invalid breakpoint: {error}"})
            continue
        placed[line] = breakpoint
        answers.append({"id": breakpoint.id, "verified": True, "line": line})
    return answers, placed
