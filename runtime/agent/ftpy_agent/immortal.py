"""What CPython 3.13t makes immortal in a program run as ``python FILE``, kept so under ftpy.

Free-threaded 3.13 avoids reference-count contention between threads by making objects
immortal (their count never changes, so threads never write to them):
- constants of code compiled by the interpreter (floats, tuples...), but not of code compiled
  by the builtin ``compile()``, which suppresses that (gh-118527);
- code objects, functions, modules and classes, once the first thread after the main one
  starts (gh-117783); those created later by ``compile()`` stay mortal.
ftpy lets python compile and run the program itself, as without ftpy; but starting an agent
thread before the program would lose the second: every call of a function from several threads
then contends on the count of its code object (measured: 15% for examples/histogram.py's
filling).
"""


def leave_to_program(immortalize_offset):
    """Undoes the immortalization the agent's threads set off, so that the program's first
    thread does it, as without ftpy. ``immortalize_offset``: the offset of the interpreter's
    ``gc.immortalize`` (from ftpy's probe; None when unknown, and nothing is done). Call it
    after the agent's last thread started, while no thread compiles: ``compile()`` adds to
    the same field."""
    if immortalize_offset is None:
        return
    import ctypes  # here: importing it costs a program's start some 8 ms

    interpreter = ctypes.pythonapi.PyInterpreterState_Get
    interpreter.restype = ctypes.c_void_p
    state = ctypes.c_int.from_address(interpreter() + immortalize_offset)
    if state.value == 1:  # 1: done at the first thread; 0: not yet; below 0: switched off
        state.value = 0
