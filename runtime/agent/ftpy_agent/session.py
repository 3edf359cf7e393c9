"""The agent's request loop: runs on the agent's own thread and answers the adapter.

Requests about a stopped thread's frames and values are handed to that thread (see
monitor.Monitor.route); everything else is answered here.
"""

import os
import signal

from . import locks
from . import runtime_events

_STEPS = {"next": "over", "stepIn": "in", "stepOut": "out"}
_ROUTED_BY_HANDLE = ("scopes", "variables", "evaluate", "setVariable", "setExpression", "completions")


class Session:
    def __init__(self, channel, monitor, configured):
        self.channel = channel
        self.monitor = monitor
        self.configured = configured
        self.detached = False

    def serve(self):
        try:
            for request in self.channel.requests():
                try:
                    body = self._dispatch(request)
                except Exception as error:
                    message = str(error) if isinstance(error, (LookupError, ValueError)) else f"{type(error).__name__}: {error}"
                    self.channel.reply(request, error=message)
                else:
                    if body is not None:
                        self.channel.reply(request, body)
        finally:
            if not self.detached:
                _end_process_group()  # the adapter died without a word: it owned this program
            self.monitor.detach()
            self.configured.set()

    def _dispatch(self, request):
        """The response body, or None when a stopped thread will answer."""
        command = request.get("command")
        args = request.get("arguments", {})
        if not isinstance(args, dict):
            raise ValueError(f"The arguments of '{command}' must be an object.")
        monitor = self.monitor
        if command == "stackTraces":
            return {"answers": [self._stack_trace(stack_args) for stack_args in args["requests"]]}
        if command == "exceptionInfo":
            if monitor.route(args["threadId"], request):
                return None
            raise LookupError("The thread is not stopped.")
        if command in _ROUTED_BY_HANDLE:
            handle = args.get("frameId") or args.get("variablesReference")
            if handle is None:
                raise LookupError("Select a stack frame of a stopped thread to evaluate in.")
            owner = monitor.owner_of(handle)
            if owner is None:
                if command == "scopes":
                    return {"scopes": []}  # a frame of a thread stopped outside Python
                raise LookupError("The thread of this frame is not stopped in Python: its values cannot be read.")
            if monitor.route(owner, request):
                return None
            raise LookupError("The thread has run on.")
        if command == "setBreakpoints":
            return {"breakpoints": monitor.set_breakpoints(args["path"], args["breakpoints"])}
        if command == "setFunctionBreakpoints":
            return {"breakpoints": monitor.set_function_breakpoints(args["breakpoints"])}
        if command == "source":
            return {"content": monitor.sources.text(args["sourceReference"])}
        if command == "setExceptionBreakpoints":
            monitor.set_exception_filters(args["filters"])
            return {}
        if command == "configurationDone":
            # Answered first: a program released before may end, and the process with it, before the answer is sent.
            return self._answer_then(request, {}, self.configured.set)
        if command == "threads":
            return {"threads": monitor.threads.listed(), "outside": monitor.outside_threads()}
        if command == "continue":
            everyone, release = monitor.resume(args["threadId"], single_thread=args.get("singleThread", False))
            return self._answer_then(request, {"allThreadsContinued": everyone}, release)
        if command in _STEPS:
            by_instruction = args.get("granularity") == "instruction"
            _everyone, release = monitor.resume(args["threadId"], _STEPS[command], args.get("singleThread", False), by_instruction)
            return self._answer_then(request, {}, release)
        if command == "locks":
            if args.get("ifWaiting") and not locks.anyone_waiting():
                return {"threads": [], "locks": []}
            return monitor.lock_snapshot(args.get("stacks", False))
        if command == "stopAll":
            monitor.stop_every_thread(args["reason"], args["threadId"], args["description"])
            return {}
        if command == "setInstructionBreakpoints":
            return {"breakpoints": monitor.set_instruction_breakpoints(args["breakpoints"])}
        if command == "disassemble":
            return monitor.disassemble(args)
        if command == "pause":
            monitor.pause(args["threadId"])
            return {}
        if command == "census":
            return {"census": runtime_events.census()} if monitor.stopped() else {}
        if command == "disconnect":
            self.detached = True  # the program runs on without the debugger
            monitor.detach()
            locks.uninstall()
            return {}
        raise ValueError(f"The agent does not know the request '{command}'.")

    def _answer_then(self, request, body, release):
        """Answers the request, then releases the threads it resumed (None: nothing left to send)."""
        self.channel.reply(request, body)
        release()
        return None

    def _stack_trace(self, args):
        """One answer of a stackTraces batch: {"body": ...} or {"error": why}."""
        try:
            return {"body": self.monitor.stack_trace(args["threadId"], args.get("startFrame", 0), args.get("levels", 0))}
        except LookupError as error:
            return {"error": str(error)}


def _end_process_group():
    """Ends this program and the processes it started (the adapter made it a process group leader)."""
    if os.getpgid(0) == os.getpid():
        os.killpg(0, signal.SIGKILL)
    os._exit(1)
