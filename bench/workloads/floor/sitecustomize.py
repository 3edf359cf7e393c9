"""CPython's own floor for what ftpy asks of sys.monitoring, measured in-process. Put on PYTHONPATH
with FTPY_FLOOR_PROGRAM (a program's path as given to python) and FTPY_FLOOR_LINE (a breakpoint
line in it), it sets up what a debug session without stops does, from `site` as ftpy's agent
starts: PY_START and PY_RESUME everywhere, turned off per code object at its first start
(DISABLE), and LINE events in the code objects that hold the breakpoint line, each line turned
off at its first report but that one."""
import os
import sys

monitoring = sys.monitoring
EVENTS = monitoring.events
TOOL = monitoring.DEBUGGER_ID


def install(program, line):
    def on_start(code, _offset):
        if code.co_filename == program and any(entry == line for _, _, entry in code.co_lines()):
            monitoring.set_local_events(TOOL, code, EVENTS.LINE)
        return monitoring.DISABLE

    def on_line(_code, reported):
        # A debugger stops here; nothing in the measured runs reaches the line.
        return None if reported == line else monitoring.DISABLE

    monitoring.use_tool_id(TOOL, "ftpy-bench-floor")
    monitoring.register_callback(TOOL, EVENTS.PY_START, on_start)
    monitoring.register_callback(TOOL, EVENTS.PY_RESUME, on_start)
    monitoring.register_callback(TOOL, EVENTS.LINE, on_line)
    monitoring.set_events(TOOL, EVENTS.PY_START | EVENTS.PY_RESUME)


install(os.environ["FTPY_FLOOR_PROGRAM"], int(os.environ["FTPY_FLOOR_LINE"]))
