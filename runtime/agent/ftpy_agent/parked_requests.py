"""Requests about a stopped thread's frames and values, answered by that thread while it is
parked (frame objects are not safe to use from another thread on 3.13t)."""

from . import deadline, inspection


def serve(channel, handles, state, request):
    """Answers one request handed to the parked thread ``state``."""
    overdue = lambda: channel.reply(request, error="The thread is blocked outside Python (sleep, I/O, a lock?): it answers again once it returns.")  # noqa: E731
    try:
        with deadline.watchdog.limit(overdue):
            body = _answer(handles, state, request["command"], request.get("arguments", {}))
    except Exception as error:
        channel.reply(request, error=f"{type(error).__name__}: {error}" if not isinstance(error, LookupError) else str(error))
    else:
        channel.reply(request, body)


def _answer(handles, state, command, args):
    owner = state.ident
    if command == "exceptionInfo":
        return _exception_info(state.stop)
    handle = args.get("frameId") or args.get("variablesReference")
    item = handles.get(handle)[1]
    if command == "scopes":
        scopes = inspection.scopes(handles, owner, item.frame)
        returned = state.stop.returned
        if returned is not None and item is state.stop.frames[0]:
            scopes.insert(0, inspection.returned_scope(handles, owner, item.frame, *returned))
        return {"scopes": scopes}
    if command == "variables":
        if isinstance(item, inspection.Scope):
            return {"variables": inspection.scope_variables(handles, owner, item)}
        return {"variables": inspection.variables(handles, owner, item, args.get("start", 0), args.get("count", 0))}
    if command == "evaluate":
        return inspection.evaluate(handles, owner, item.frame, args["expression"], args.get("context"))
    if command == "setVariable":
        return inspection.set_variable(handles, owner, item, args["name"], args["value"])
    if command == "completions":
        return {"targets": inspection.completions(item.frame, args["text"], args["column"])}
    if command == "setExpression":
        return inspection.set_expression(handles, owner, item.frame, args["expression"], args["value"])
    raise ValueError(f"Unknown request {command}")


def _exception_info(stop):
    if stop is None or stop.exception is None:
        raise LookupError("The thread is not stopped on an exception.")
    import traceback

    exception = stop.exception
    kind = type(exception)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    return {
        "exceptionId": name,
        "description": str(exception),
        "breakMode": stop.break_mode,
        "details": {
            "message": str(exception),
            "typeName": name,
            "stackTrace": "".join(traceback.format_tb(exception.__traceback__)),
        },
    }
