"""Runs a Python file as ``python FILE ARGS...`` would, for ``ftpy run``.

Started by path (``python -X gil=0 .../ftpy_run.py FILE ARGS...``), so this folder is on
sys.path only for ftpy's own imports and nothing leaks into the program's environment
or its children. Extension modules that need the GIL are reported on the file
descriptor named by FTPY_REPORT_FD, as JSON lines, for ftpy to summarise at exit.
"""

import os
import sys


def _open_report():
    fd = os.environ.pop("FTPY_REPORT_FD", None)
    if fd is None:
        return lambda event: None
    import json

    stream = os.fdopen(int(fd), "w", buffering=1)
    os.set_inheritable(stream.fileno(), False)

    def report(event):
        try:
            stream.write(json.dumps(event) + "\n")
        except (OSError, ValueError):
            pass  # ftpy went away: the program goes on

    return report


def _run(program):
    """Executes ``program`` as __main__, with tracebacks that start at the program."""
    import types

    from ftpy_agent import immortal

    main = types.ModuleType("__main__")
    main.__file__ = program
    main.__builtins__ = __builtins__
    main.__cached__ = None
    sys.modules["__main__"] = main
    try:
        with open(program, "rb") as source_file:
            code = immortal.compile_as_python(source_file.read(), program)
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as error:
        # Drop this frame from the traceback; the rest is the program's own.
        traceback = error.__traceback__.tb_next if error.__traceback__ else None
        sys.excepthook(type(error), error.with_traceback(traceback), traceback)
        if isinstance(error, KeyboardInterrupt):
            _die_of_sigint()
        sys.exit(1)


def _die_of_sigint():
    """Ends the process by SIGINT, as python does on an uncaught KeyboardInterrupt."""
    import signal
    import threading

    threading._shutdown()  # non-daemon threads finish first, as in a normal exit
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)


def main():
    report = _open_report()
    from ftpy_agent import gil

    gil.watch(report, gil_forced_off=sys.flags.gil == 0)
    program = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(program)
    _run(program)


if __name__ == "__main__":
    main()
