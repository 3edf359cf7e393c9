"""Frames, scopes, variables and evaluation for DAP, run by a stopped thread on its own frames.

On 3.13t a frame object may only be used by the thread running it, so every function here
runs on the stopped thread that owns the frames (see monitor.ParkedThread.serve).
"""

import builtins
import itertools
import re
import reprlib
import threading

_repr = reprlib.Repr()
_repr.maxstring = 200
_repr.maxother = 200
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = _repr.maxfrozenset = 20
_repr.maxlevel = 3

_SCALARS = (str, bytes, bytearray, int, float, complex, bool, type(None))
PAGE_ABOVE = 100  # containers larger than this are paged by the client (indexedVariables)
MAX_UNPAGED = 1000  # children answered to a request that asks for no page


class Frame:
    """A stack frame of a stopped thread: the frame object and the line it is at."""

    def __init__(self, frame, line):
        self.frame = frame
        self.line = line


class Container:
    """A value whose children the client may expand, with the frame to evaluate in."""

    def __init__(self, value, frame, evaluate_name):
        self.value = value
        self.frame = frame
        self.evaluate_name = evaluate_name


class Handles:
    """Numbers the client uses for frames and expandable values, valid while their thread is stopped."""

    def __init__(self):
        self._lock = threading.Lock()
        self._next = 1
        self._items = {}

    def add(self, owner, item):
        with self._lock:
            handle = self._next
            self._next += 1
            self._items[handle] = (owner, item)
        return handle

    def get(self, handle):
        with self._lock:
            return self._items.get(handle)

    def drop_owner(self, owner):
        with self._lock:
            self._items = {h: entry for h, entry in self._items.items() if entry[0] != owner}


def safe_repr(value):
    try:
        return _repr.repr(value)
    except Exception as error:
        return f"<repr failed: {type(error).__name__}: {error}>"


def _type_name(value):
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _attributes(value):
    try:
        names = dict(vars(value))
    except TypeError:
        names = {}
    for cls in type(value).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot not in names and hasattr(value, slot):
                names[slot] = getattr(value, slot)
    return names


def _is_sequence(value):
    return isinstance(value, (list, tuple, set, frozenset, range))


def _size(value):
    """(indexed, named) child counts the client should know about, or None when not expandable."""
    if isinstance(value, _SCALARS):
        return None
    if _is_sequence(value):
        return (len(value), 0) if len(value) else None
    if isinstance(value, dict):
        if not value:
            return None
        return (len(value), 0) if len(value) > PAGE_ABOVE else (0, len(value))
    return (0, len(_attributes(value))) if _attributes(value) else None


def _children(value, evaluate_name, start, stop):
    """(name, child, evaluate_name) for the children start..stop of a container value (only those are named)."""

    def page(items):
        return itertools.islice(items, start, stop)

    if isinstance(value, (list, tuple, range)):
        return [(str(i), item, f"{evaluate_name}[{i}]") for i, item in page(enumerate(value))]
    if isinstance(value, (set, frozenset)):
        return [(str(i), item, None) for i, item in page(enumerate(value))]
    if isinstance(value, dict):
        return [(safe_repr(key), item, f"{evaluate_name}[{key!r}]" if isinstance(key, _SCALARS) else None) for key, item in page(value.items())]
    return [(name, item, f"{evaluate_name}.{name}") for name, item in page(_attributes(value).items())]


def _paged(children, total, start, count):
    """``children(start, stop)`` for the requested page; without one, the first MAX_UNPAGED and a note of how many more there are."""
    if count:
        return children(start, start + count)
    page = children(0, MAX_UNPAGED)
    if total > MAX_UNPAGED:
        page.append((f"... {total - MAX_UNPAGED} more", f"not shown: more than {MAX_UNPAGED} entries", None))
    return page


def variable(handles, owner, frame, name, value, evaluate_name):
    entry = {"name": name, "value": safe_repr(value), "type": _type_name(value), "variablesReference": 0}
    if evaluate_name:
        entry["evaluateName"] = evaluate_name
    size = _size(value)
    if size is not None:
        entry["variablesReference"] = handles.add(owner, Container(value, frame, evaluate_name))
        indexed, named = size
        if indexed:
            entry["indexedVariables"] = indexed
        if named:
            entry["namedVariables"] = named
    hint = _hint(name, value)
    if hint:
        entry["presentationHint"] = hint
    return entry


def _hint(name, value):
    hint = {}
    if isinstance(value, type):
        hint["kind"] = "class"
    elif callable(value):
        hint["kind"] = "method"
    if name.startswith("__") and name.endswith("__"):
        hint["visibility"] = "internal"
    elif name.startswith("_"):
        hint["visibility"] = "private"
    return hint


def variables(handles, owner, container, start=0, count=0):
    value = container.value
    total = len(value) if isinstance(value, (list, tuple, range, set, frozenset, dict)) else len(_attributes(value))
    page = _paged(lambda first, stop: _children(value, container.evaluate_name, first, stop), total, start, count)
    return [variable(handles, owner, container.frame, name, child, evaluate) for name, child, evaluate in page]


def scopes(handles, owner, frame):
    result = []
    if frame.f_locals is not frame.f_globals:
        result.append(_scope(handles, owner, "Locals", "locals", frame.f_locals, frame, len(frame.f_locals)))
    shown = {name: value for name, value in frame.f_globals.items() if name != "__builtins__"}
    result.append(_scope(handles, owner, "Globals", None, shown, frame, len(shown), expensive=True))
    return result


def returned_scope(handles, owner, frame, function, value):
    """The value the function just stepped out of returned."""
    return _scope(handles, owner, "Return value", "returnValue", {f"{function}()": value}, frame, 1)


def _scope(handles, owner, name, hint, mapping, frame, size, expensive=False):
    scope = {"name": name, "variablesReference": handles.add(owner, Scope(mapping, frame)), "namedVariables": size, "expensive": expensive}
    if hint:
        scope["presentationHint"] = hint
    return scope


class Scope(Container):
    """Locals or globals: children are names, evaluated and assigned as plain names."""

    def __init__(self, mapping, frame):
        super().__init__(mapping, frame, None)


def scope_variables(handles, owner, scope):
    items = scope.value.items()
    page = _paged(lambda first, stop: [(name, value, name) for name, value in itertools.islice(items, first, stop)], len(scope.value), 0, 0)
    return [variable(handles, owner, scope.frame, name, value, evaluate) for name, value, evaluate in page]


def evaluate(handles, owner, frame, expression, context):
    globals_, locals_ = frame.f_globals, frame.f_locals
    try:
        code = compile(expression, "<evaluate>", "eval")
    except SyntaxError:
        if context != "repl":
            raise
        exec(compile(expression, "<evaluate>", "exec"), globals_, locals_)
        return {"result": "", "variablesReference": 0}
    value = eval(code, globals_, locals_)
    entry = variable(handles, owner, frame, expression, value, expression)
    entry["result"] = entry.pop("value")
    return entry


def set_variable(handles, owner, container, name, expression):
    frame = container.frame
    value = eval(expression, frame.f_globals, frame.f_locals)
    target = container.value
    if isinstance(container, Scope):
        target[name] = value
    elif isinstance(target, list):
        target[int(name)] = value
    elif isinstance(target, dict):
        keys = [key for key in target if safe_repr(key) == name]
        if not keys:
            raise ValueError(f"No key {name} in this dict.")
        target[keys[0]] = value
    elif isinstance(target, (tuple, set, frozenset, range)):
        raise ValueError(f"A {type(target).__name__} cannot be changed.")
    else:
        setattr(target, name, value)
    entry = variable(handles, owner, frame, name, value, None)
    entry.pop("name")
    return entry


def set_expression(handles, owner, frame, expression, value_expression):
    exec(compile(f"{expression} = ({value_expression})", "<setExpression>", "exec"), frame.f_globals, frame.f_locals)
    entry = evaluate(handles, owner, frame, expression, "watch")
    entry["value"] = entry.pop("result")
    return entry


def completions(frame, text, column):
    """Names and attributes completing the word before the cursor (column is 1-based)."""
    import rlcompleter  # here: it imports inspect, a third of the agent's start-up

    word = re.search(r"[\w.]*$", text[: column - 1]).group()
    completer = rlcompleter.Completer({**builtins.__dict__, **frame.f_globals, **frame.f_locals})
    targets = []
    for state in range(500):
        completion = completer.complete(word, state)
        if completion is None:
            break
        label = completion.rsplit(".", 1)[-1]
        kind = "function" if label.endswith(("(", "()")) else "variable"
        label = label.removesuffix("()").removesuffix("(")
        if label and not any(target["label"] == label for target in targets):
            targets.append({"label": label, "type": kind})
    return targets
