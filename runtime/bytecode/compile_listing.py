"""Compiles Python source read from stdin (never runs it) and prints, as JSON, every code
object's instructions and raw line table, for ftpy's bytecode listing.

    python -I -X gil=0 compile_listing.py FILENAME < source

FILENAME only names the code objects (co_filename). Stdlib only.
"""

import dis
import json
import sys
import sysconfig


def code_objects(code, parent=None):
    """The code object and the ones nested in its constants, depth first, in source order."""
    index = len(found)
    found.append((code, parent))
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            code_objects(const, index)


def describe(code, parent):
    return {
        "name": code.co_name,
        "qualname": code.co_qualname,
        "parent": parent,
        "firstLine": code.co_firstlineno,
        "codeSize": len(code.co_code),
        "lineTable": code.co_linetable.hex(),
        "instructions": [
            {
                "offset": instruction.offset,
                "end": instruction.end_offset,
                "opname": instruction.opname,
                "arg": instruction.arg,
                "argrepr": argrepr(instruction),
                "label": instruction.label,
            }
            for instruction in dis.get_instructions(code)
        ],
    }


def argrepr(instruction):
    """A nested code object by name, not by its address (which changes from run to run)."""
    value = instruction.argval
    if hasattr(value, "co_code"):
        return "<code %s, line %d>" % (value.co_qualname, value.co_firstlineno)
    return instruction.argrepr


def main():
    source = sys.stdin.buffer.read()
    result = {"version": list(sys.version_info[:3]), "freeThreaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED"))}
    try:
        module = compile(source, sys.argv[1], "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        result["syntaxError"] = {
            "message": getattr(error, "msg", str(error)),
            "line": getattr(error, "lineno", None),
            "column": getattr(error, "offset", None),
        }
    else:
        code_objects(module)
        result["codes"] = [describe(code, parent) for code, parent in found]
    json.dump(result, sys.stdout)


found = []
main()
