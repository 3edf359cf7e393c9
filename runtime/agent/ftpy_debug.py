"""Runs a program under ftpy's debugger, as ``python program.py args`` would run it.

``python -X gil=0 .../ftpy_debug.py SOCKET OPTIONS_JSON [ARGS...]``, with the adapter's one-time
token in the environment variable FTPY_AGENT_TOKEN. Started by path, so this folder is on
sys.path only for the agent's own imports; the token is removed from the environment at once,
so neither leaks into the program or its children. OPTIONS_JSON names what to run
(program, module or code) and the debugger's options.
"""

import os
import sys


def main():
    token = os.environ.pop("FTPY_AGENT_TOKEN", "")
    socket_path, options, args = sys.argv[1], sys.argv[2], sys.argv[3:]

    import json
    import threading

    # The agent's own bytecode is cached even when the program's is not (PYTHONDONTWRITEBYTECODE):
    # compiling the agent at every launch costs more than importing it.
    dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, False
    from ftpy_agent import channel, deadline, gil, immortal, monitor, runtime_events, session

    sys.dont_write_bytecode = dont_write_bytecode

    options = json.loads(options)
    agent_channel = channel.Channel(socket_path, token, agent_threads=2)  # the request loop and the evaluation watchdog
    runtime_events.watch_collections(agent_channel)
    gil.watch(runtime_events.gil_reporter(agent_channel), gil_forced_off=sys.flags.gil == 0)
    debugger = monitor.Monitor(agent_channel, options["stopAll"], options["justMyCode"], options["showReturnValue"])
    debugger.install()
    _register_at_fork(debugger, agent_channel)
    configured = threading.Event()
    deadline.watchdog.start(float(os.environ.pop("FTPY_EVALUATE_TIMEOUT", "5")), debugger.start_agent_thread)
    serve = session.Session(agent_channel, debugger, configured).serve

    def serve_after_reset():
        # The last agent thread, before it compiles anything (breakpoints' files).
        immortal.leave_to_program(options.get("immortalizeOffset"))
        serve()

    debugger.start_agent_thread(serve_after_reset)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)  # output reaches the client as it is printed
    configured.wait()
    if options.get("trackLocks"):
        from ftpy_agent import locks

        locks.install()
    if options.get("stopOnEntry"):
        debugger.start_on_entry()
    try:
        _run(options, args, debugger)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        agent_channel.event("exiting", {"exitCode": code}, wait=True)
        raise
    agent_channel.event("exiting", {"exitCode": 0}, wait=True)


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


def _run(options, args, debugger):
    import runpy
    import types

    from ftpy_agent import immortal

    try:
        if "module" in options:
            sys.argv = [options["module"], *args]
            sys.path[0] = os.getcwd()
            runpy.run_module(options["module"], run_name="__main__", alter_sys=True)
            return
        main_module = types.ModuleType("__main__")
        main_module.__builtins__ = __builtins__
        sys.modules["__main__"] = main_module
        if "program" in options:
            program = os.path.abspath(options["program"])
            sys.argv = [program, *args]
            sys.path[0] = os.path.dirname(program)
            main_module.__file__ = program
            main_module.__cached__ = None
            with open(program, "rb") as source_file:
                code = immortal.compile_as_python(source_file.read(), program)
        else:
            import linecache

            sys.argv = ["-c", *args]
            sys.path[0] = ""
            code = immortal.compile_as_python(options["code"], "<string>")
            # Tracebacks and the debugger's source requests show the code.
            linecache.cache["<string>"] = (len(options["code"]), None, options["code"].splitlines(True), "<string>")
        exec(code, main_module.__dict__)
    except SystemExit:
        raise
    except BaseException as error:
        traceback = _program_traceback(error.__traceback__)
        error = error.with_traceback(traceback)
        debugger.report_uncaught(error)
        sys.excepthook(type(error), error, traceback)
        sys.exit(1)


def _program_traceback(traceback):
    """The traceback without this launcher's and runpy's frames, as plain python prints it."""
    import runpy

    skipped = (os.path.abspath(__file__), runpy.__file__)
    while traceback is not None and traceback.tb_frame.f_code.co_filename in skipped:
        traceback = traceback.tb_next
    return traceback


if __name__ == "__main__":
    main()
