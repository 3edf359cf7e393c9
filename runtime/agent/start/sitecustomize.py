"""ftpy's agent starts here, in the program's own process and before the program.

ftpy runs the program as python runs it (``python PROGRAM ARGS``, ``-m MODULE``, ``-c CODE``)
with this folder first on PYTHONPATH, so that site imports this module, and what to start in
FTPY_AGENT_START. The program's frames are then its own from the first. Before anything else,
ftpy's part of the start is undone: this folder leaves sys.path, PYTHONPATH and the environment
are the program's again (its children start without ftpy), and a sitecustomize of the program's
own environment runs as it would have.
"""

import json
import os
import sys


def _forget_start():
    """What ftpy asked for, once its traces in sys.path and the environment are gone."""
    start = json.loads(os.environ.pop("FTPY_AGENT_START"))
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path if not entry or os.path.abspath(entry) != here]
    if start["pythonPath"] is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = start["pythonPath"]
    return start


def _start_agent(start):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        # The agent's bytecode is cached even when the program's is not (PYTHONDONTWRITEBYTECODE):
        # compiling the agent at every start costs more than importing it.
        dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, False
        from ftpy_agent import start as agent_start
    finally:
        sys.dont_write_bytecode = dont_write_bytecode
        del sys.path[0]
    agent_start.start(start)


def _run_programs_sitecustomize():
    """Imports the program's own sitecustomize, if its sys.path has one; else this import fails
    as python's does when there is none, so that sys.modules holds no sitecustomize either."""
    del sys.modules["sitecustomize"]
    try:
        import sitecustomize  # pyright: ignore[reportUnusedImport]  (the program's: this folder is no longer on sys.path)
    except ImportError as error:
        if error.name != "sitecustomize":
            raise
        raise ImportError("no sitecustomize", name="sitecustomize") from None


_start_agent(_forget_start())
_run_programs_sitecustomize()
