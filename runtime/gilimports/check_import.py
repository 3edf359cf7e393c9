"""Imports one module in this fresh interpreter and reports the extension modules it loaded
that need the GIL (they do not declare Py_mod_gil), as ftpy_agent.gil sees them, plus the
runtime's RuntimeWarning when the GIL was turned back on.

    python -I -X gil=0 check_import.py AGENT_DIR MODULE [PATH...]

This runs the module's code (and whatever it imports): callers decide whether that is safe.
Prints JSON {events, warnings, error} on the original stdout; the module's own output goes
to stderr. Stdlib only.
"""

import importlib
import json
import os
import sys
import warnings


def main():
    agent_dir, module = sys.argv[1:3]
    sys.path[:0] = sys.argv[3:]
    sys.path.append(agent_dir)
    report = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    from ftpy_agent import gil

    events = []
    gil.watch(events.append, gil_forced_off=sys.flags.gil == 0)
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        try:
            importlib.import_module(module)
        except BaseException as exception:  # SystemExit and KeyboardInterrupt from module code too
            error = "%s: %s" % (type(exception).__name__, exception)
    gil_warnings = [str(w.message) for w in caught if "global interpreter lock" in str(w.message)]
    json.dump({"events": events, "warnings": gil_warnings, "error": error}, report)
    report.flush()
    # Threads the module started must not keep this process alive.
    os._exit(0)


main()
