"""The sys.monitoring tool ids ftpy takes, chosen where programs are least likely to look.

DEBUGGER_ID (0), COVERAGE_ID (1) and PROFILER_ID (2) are left to the program (an embedded
debugger, coverage.py, a profiler); CPython's own tests take 2, 3 and 4. So ftpy takes
OPTIMIZER_ID (5), which nothing uses in 3.13, then 4 and 3, whichever are free.
"""

import sys

_PREFERENCE = (5, 4, 3)


def take(name):
    """A free tool id from _PREFERENCE, now in use as ``name``; ValueError when none is free."""
    for tool in _PREFERENCE:
        if sys.monitoring.get_tool(tool) is None:
            sys.monitoring.use_tool_id(tool, name)
            return tool
    raise ValueError("no sys.monitoring tool id is free for ftpy (the program took 3, 4 and 5)")
