"""Names the extension modules that need the GIL, as they are imported.

On a free-threaded build, importing an extension module that does not declare
``Py_mod_gil = Py_MOD_GIL_NOT_USED`` turns the GIL back on for the rest of the run,
unless the GIL was forced off (``-X gil=0``), in which case the module runs without
the GIL it asked for. Either way the user needs the module's name and the import that
loaded it. Only extension modules can do this, so only their loader is wrapped: pure
Python imports are not slowed down.
"""

import sys
from importlib.machinery import ExtensionFileLoader

_FROZEN_IMPORTLIB = ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>")


def watch(report, gil_forced_off):
    """Calls ``report(event)`` for each extension module that needs the GIL.

    ``event`` is a dict: ``module``, ``origin`` (its file), ``importer`` (the
    ``file:line`` of the import that loaded it) and ``gil``: "enabled" when this import
    turned the GIL on, "forced-off" when the module asked for the GIL but -X gil=0 kept
    it off.
    """
    declares_gil_free = _gil_declaration_reader() if gil_forced_off else None
    create_module = ExtensionFileLoader.create_module

    def create_module_watched(loader, spec):
        gil_was_enabled = sys._is_gil_enabled()
        module = create_module(loader, spec)
        if not gil_was_enabled and sys._is_gil_enabled():
            report(_event(spec, "enabled"))
        elif declares_gil_free is not None and declares_gil_free(module) is False:
            report(_event(spec, "forced-off"))
        return module

    ExtensionFileLoader.create_module = create_module_watched


def _event(spec, gil):
    return {"module": spec.name, "origin": spec.origin, "importer": _importer(), "gil": gil}


def _importer():
    """The file:line of the first frame outside importlib and this module."""
    frame = sys._getframe(2)
    while frame is not None and (
        frame.f_code.co_filename in _FROZEN_IMPORTLIB or frame.f_code.co_filename == __file__
    ):
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
