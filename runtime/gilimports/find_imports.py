"""Lists the absolute imports of Python source read from stdin and where each module would
be loaded from, without running any of it (the finders only look at files).

    python -I -X gil=0 find_imports.py [PATH...] < source

PATH entries go before the interpreter's own sys.path, as a script's folder would. Prints
JSON: a list of {module, line, column, endColumn, origin, area}; area is "stdlib",
"site" (site-packages), "path" (anything else, e.g. the workspace), "builtin" or "missing".
Stdlib only.
"""

import ast
import json
import os
import re
import sys
import sysconfig
from importlib.machinery import BuiltinImporter, FrozenImporter, PathFinder


def find_origin(name):
    """The file `name` would load from (None if not found), resolving packages level by level."""
    parts = name.split(".")
    locations = None
    spec = None
    for depth in range(1, len(parts) + 1):
        if depth > 1 and locations is None:
            return None
        spec = PathFinder.find_spec(".".join(parts[:depth]), locations)
        if spec is None:
            return None
        locations = spec.submodule_search_locations
    return spec.origin


def area(name, origin):
    top = name.partition(".")[0]
    if BuiltinImporter.find_spec(top) is not None or FrozenImporter.find_spec(top) is not None:
        return "builtin"
    if origin is None:
        return "missing"
    real = os.path.realpath(origin)
    paths = sysconfig.get_paths()
    for key, label in (("purelib", "site"), ("platlib", "site"), ("stdlib", "stdlib"), ("platstdlib", "stdlib")):
        root = os.path.realpath(paths[key]) + os.sep
        if real.startswith(root):
            return label
    return "path"


def imports(tree, lines):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, alias.lineno, alias.col_offset, alias.end_col_offset
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            match = re.compile(r"from\s+(" + re.escape(node.module).replace(r"\.", r"\s*\.\s*") + ")").search(lines[node.lineno - 1], node.col_offset)
            start, end = match.span(1) if match else (node.col_offset, node.end_col_offset)
            # `from package import submodule` loads the submodule too.
            submodules = [node.module + "." + alias.name for alias in node.names if alias.name != "*"]
            for name in [n for n in submodules if find_origin(n)] or [node.module]:
                yield name, node.lineno, start, end


def main():
    sys.path[:0] = sys.argv[1:]
    source = sys.stdin.buffer.read()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        json.dump([], sys.stdout)
        return
    lines = source.decode("utf-8", "replace").splitlines()
    found = []
    for name, line, column, end_column in imports(tree, lines):
        origin = None if area(name, None) == "builtin" else find_origin(name)
        found.append({"module": name, "line": line, "column": column, "endColumn": end_column, "origin": origin, "area": area(name, origin)})
    json.dump(found, sys.stdout)


main()
