"""What the agent does before the program starts (called from ../start/sitecustomize.py).

``start["mode"]`` is "debug" (connect to the adapter at ``socket`` with ``token``, wait for its
breakpoints, then let the program run under the debugger with ``options``) or "run" (``ftpy run``:
report extension modules that need the GIL as JSON lines on the descriptor ``reportFd``).
"""

import os
import sys
import threading

from . import channel, deadline, gil, immortal, monitor, runtime_events, session


def start(settings):
    if settings["mode"] == "debug":
        _debug(settings)
    else:
        gil.watch(_reporter(settings["reportFd"]), gil_forced_off=sys.flags.gil == 0)


def _debug(settings):
    options = settings["options"]
    agent_channel = channel.Channel(settings["socket"], settings["token"], agent_threads=2)  # the request loop and the evaluation watchdog
    runtime_events.watch_collections(agent_channel)
    gil.watch(runtime_events.gil_reporter(agent_channel), gil_forced_off=sys.flags.gil == 0)
    debugger = monitor.Monitor(agent_channel, options["stopAll"], options["justMyCode"], options["showReturnValue"], options.get("code"))
    debugger.install()
    _register_at_fork(debugger, agent_channel)
    configured = threading.Event()
    deadline.watchdog.start(float(os.environ.pop("FTPY_EVALUATE_TIMEOUT", "5")), debugger.start_agent_thread)
    serve = session.Session(agent_channel, debugger, configured).serve

    def serve_after_reset():
        # The last agent thread, before it compiles anything (breakpoints' files).
        immortal.leave_to_program(options.get("gcState"), lambda why: agent_channel.event("output", {"category": "console", "output": f"ftpy: {why}\n"}))
        serve()

    debugger.start_agent_thread(serve_after_reset)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)  # output reaches the client as it is printed
    configured.wait()
    if options.get("trackLocks"):
        from . import locks

        locks.install()
    if options.get("stopOnEntry"):
        debugger.start_on_entry()


def _register_at_fork(debugger, agent_channel):
    """The agent's locks are held across a fork (parent: released after it; child: the forking
    thread owns them), so nothing in the child waits for a thread the fork left behind."""

    def before():
        debugger.before_fork()
        agent_channel.before_fork()

    def after_in_parent():
        agent_channel.after_fork_in_parent()
        debugger.after_fork_in_parent()

    def after_in_child():
        debugger.forget_after_fork()
        agent_channel.abandon()

    os.register_at_fork(before=before, after_in_parent=after_in_parent, after_in_child=after_in_child)


def _reporter(fd):
    """Writes events as JSON lines to ``fd``, not inherited by the program's children."""
    import json

    stream = os.fdopen(fd, "w", buffering=1)
    os.set_inheritable(stream.fileno(), False)

    def report(event):
        try:
            stream.write(json.dumps(event) + "\n")
        except (OSError, ValueError):
            pass  # ftpy went away: the program goes on

    return report
