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

import os
import sys


def leave_to_program(layout, report):
    """Undoes the immortalization the agent's threads set off, so that the program's first
    thread does it, as without ftpy. ``layout``: where the interpreter keeps its GC state (from
    ftpy's probe of the interpreter's binary: offsets of the state and of its ``immortalize``,
    ``garbage`` and ``callbacks`` fields, and the version they are for); None when unknown, and
    nothing is done. Call it after the agent's last thread started, while no thread compiles:
    ``compile()`` adds to the same field.

    The write goes into the interpreter's memory, so it is made only into the interpreter the
    offsets are for: the same version, free-threaded, with gc.garbage and gc.callbacks found where
    the offsets say (two object addresses never both match by chance). Reads and the write go
    through /proc/self/mem, where a wrong address is an error, not a crash. Otherwise nothing is
    written and ``report(reason)`` says why."""
    if layout is None:
        return
    import ctypes  # here: importing it costs a program's start some 8 ms
    import gc
    import sysconfig

    if sys.hexversion != layout["hexversion"] or not sysconfig.get_config_var("Py_GIL_DISABLED"):
        report(f"immortalization left to the interpreter: ftpy's offsets are for Python {layout['hexversion']:#x}, free-threaded, not this one ({sys.hexversion:#x})")
        return
    interpreter = ctypes.pythonapi.PyInterpreterState_Get
    interpreter.restype = ctypes.c_void_p
    state = interpreter() + layout["gc"]
    pointer = ctypes.sizeof(ctypes.c_void_p)
    try:
        with open("/proc/self/mem", "r+b", buffering=0) as memory:
            garbage = int.from_bytes(os.pread(memory.fileno(), pointer, state + layout["garbage"]), sys.byteorder)
            callbacks = int.from_bytes(os.pread(memory.fileno(), pointer, state + layout["callbacks"]), sys.byteorder)
            if (garbage, callbacks) != (id(gc.garbage), id(gc.callbacks)):
                report("immortalization left to the interpreter: its GC state is not where ftpy's offsets say (they were computed for another build)")
                return
            immortalize = state + layout["immortalize"]
            # 1: done at the first thread; 0: not yet; below 0: switched off
            if int.from_bytes(os.pread(memory.fileno(), 4, immortalize), sys.byteorder, signed=True) == 1:
                os.pwrite(memory.fileno(), (0).to_bytes(4, sys.byteorder), immortalize)
    except OSError as error:
        report(f"immortalization left to the interpreter: its memory could not be read ({error})")
