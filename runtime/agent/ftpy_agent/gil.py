"""Names the extension modules that need the GIL, as they are imported.

On a free-threaded build, importing an extension module that does not declare
``Py_mod_gil = Py_MOD_GIL_NOT_USED`` turns the GIL back on for the rest of the run,
unless the GIL was forced off (``-X gil=0``), in which case the module runs without
the GIL it asked for. Either way the user needs the module's name and the import that
loaded it. Only extension modules can do this, so only their loader's create_module is
watched, with a sys.monitoring PY_RETURN event local to its code: pure Python imports
are not slowed down, and nothing of the import machinery is replaced.
"""

import sys
from importlib.machinery import ExtensionFileLoader

from . import tools

_FROZEN_IMPORTLIB = ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>")


def watch(report, gil_forced_off):
    """Calls ``report(event)`` for each extension module that needs the GIL.

    ``event`` is a dict: ``module``, ``origin`` (its file), ``importer`` (the
    ``file:line`` of the import that loaded it) and ``gil``: "enabled" when this import
    turned the GIL on, "forced-off" when the module asked for the GIL but -X gil=0 kept
    it off.
    """
    monitoring = sys.monitoring
    declares_gil_free = _gil_declaration_reader() if gil_forced_off else None
    # Once on, the GIL stays on: the first create_module to return with it on turned it on
    # (a module's own extension imports return before it does).
    enabled = [sys._is_gil_enabled()]

    def on_return(_code, _offset, module):
        loading = sys._getframe(1)  # ExtensionFileLoader.create_module
        if not enabled[0] and sys._is_gil_enabled():
            enabled[0] = True
            report(_event(loading, "enabled"))
        elif declares_gil_free is not None and declares_gil_free(module) is False:
            report(_event(loading, "forced-off"))

    tool = tools.take("ftpy gil watch")
    monitoring.register_callback(tool, monitoring.events.PY_RETURN, on_return)
    monitoring.set_local_events(tool, ExtensionFileLoader.create_module.__code__, monitoring.events.PY_RETURN)


def _event(loading, gil):
    spec = loading.f_locals["spec"]
    return {"module": spec.name, "origin": spec.origin, "importer": _importer(loading), "gil": gil}


def _importer(frame):
    """The file:line of the first frame outside importlib."""
    while frame is not None and frame.f_code.co_filename in _FROZEN_IMPORTLIB:
        frame = frame.f_back
    if frame is None:
        return None
    return "%s:%d" % (frame.f_code.co_filename, frame.f_lineno)


def _gil_declaration_reader():
    """Returns ``declares(module) -> True | False | None`` reading PyModuleObject.md_gil.

    Python has no API for a module's Py_mod_gil slot. In free-threaded builds the
    module object ends ``..., md_name, md_gil``; md_name is the very object bound to
    ``__name__``, so it is found by identity (which also proves the layout) and md_gil is
    the next pointer: NULL is Py_MOD_GIL_USED, 1 is Py_MOD_GIL_NOT_USED.
    """
    import ctypes  # imported before the program's own imports; it keeps the GIL off

    pointer = ctypes.sizeof(ctypes.c_void_p)
    header = object.__basicsize__  # PyObject_HEAD

    def declares(module):
        name = getattr(module, "__name__", None)
        if type(module).__basicsize__ < header + 6 * pointer or name is None:
            return None
        base = id(module)
        for slot in range(header, header + 6 * pointer, pointer):
            if ctypes.c_void_p.from_address(base + slot).value == id(name):
                if slot + pointer >= type(module).__basicsize__:
                    return None
                return ctypes.c_void_p.from_address(base + slot + pointer).value == 1
        return None

    return declares
