"""Line-table oracle: compiles the running interpreter's stdlib and streams, for every
code object reachable through co_consts, its line table and what the interpreter
itself says about it. Runs on CPython 2.7 and 3.6+ (stdlib only).

Usage: python lineTableOracle.py [STEP [START]]
  compiles every STEP-th .py file from the START-th on (defaults 1 and 0), in sorted order.

Output (stdout): one JSON header line, then little-endian int32 records:
  1, first_line, code_size, name_len, table_len, n_position_ints, n_line_ints,
     name (UTF-8 "file:line:name"), table bytes, position ints, line ints
                                                      (one code object)
  2, files_compiled, files_skipped                    (end of stream)
Positions are runs of co_positions(): count, line, end_line, column, end_column.
Lines are co_lines() triples (start, end, line) or dis.findlinestarts() pairs
(offset, line). None is written as -2**31.
"""
import array
import dis
import json
import os
import sys
import sysconfig
import warnings

NONE = -2 ** 31
HAS_LOCATIONS = sys.version_info >= (3, 11)
HAS_CO_LINES = sys.version_info >= (3, 10)
out = getattr(sys.stdout, "buffer", sys.stdout)


def ints(values):
    packed = array.array("i", values)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes() if hasattr(packed, "tobytes") else packed.tostring()


def encoded(value):
    return NONE if value is None else value


def position_runs(code):
    runs = []
    previous, count = None, 0
    for position in code.co_positions():
        if position == previous:
            count += 1
            continue
        if count:
            runs.append(count)
            runs.extend([encoded(x) for x in previous])
        previous, count = position, 1
    if count:
        runs.append(count)
        runs.extend([encoded(x) for x in previous])
    return runs


def line_ints(code):
    flat = []
    if HAS_CO_LINES:
        for start, end, line in code.co_lines():
            flat.extend((start, end, encoded(line)))
    else:
        for offset, line in dis.findlinestarts(code):
            flat.extend((offset, line))
    return flat


def emit(code):
    table = bytes(code.co_linetable if HAS_CO_LINES else code.co_lnotab)
    positions = position_runs(code) if HAS_LOCATIONS else []
    lines = line_ints(code)
    name = ("%s:%d:%s" % (code.co_filename, code.co_firstlineno, code.co_name)).encode("utf-8", "replace")
    out.write(ints([1, code.co_firstlineno, len(code.co_code), len(name), len(table), len(positions), len(lines)]))
    out.write(name)
    out.write(table)
    out.write(ints(positions))
    out.write(ints(lines))
    for const in code.co_consts:
        if isinstance(const, type(code)):
            emit(const)


def stdlib_files():
    root = sysconfig.get_paths()["stdlib"]
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in ("site-packages", "__pycache__"))
        found.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".py"))
    return found


def main():
    step = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    start = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    warnings.simplefilter("ignore")
    header = {
        "version": list(sys.version_info[:2]),
        "lines": "co_lines" if HAS_CO_LINES else "findlinestarts",
        "positions": HAS_LOCATIONS,
    }
    out.write((json.dumps(header) + "\n").encode("ascii"))
    compiled = skipped = 0
    for path in stdlib_files()[start::step]:
        try:
            with open(path, "rb") as source:
                code = compile(source.read(), path, "exec", 0, True)
        except (SyntaxError, ValueError, TypeError):
            skipped += 1
            continue
        compiled += 1
        emit(code)
    out.write(ints([2, compiled, skipped]))
    out.flush()


main()
