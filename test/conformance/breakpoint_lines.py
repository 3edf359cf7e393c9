"""Where the conformance tier puts its breakpoints that never fire (test/conformance/conformance.test.ts).

Reads a JSON list of {"module": "test_x", "function": NAME or null} from argv[1] and prints
{"threadRun": {"path", "line"}, "unreached": [{"path", "line"}, ...]}: the first line with code
in threading.Thread.run, and for each module a line that never runs, the body of its
``if __name__ == "__main__":`` (regrtest imports the module) or of a function that is never called.
"""

import ast
import dis
import importlib.util
import json
import sys
import threading


def thread_run():
    code = threading.Thread.run.__code__
    line = next(line for _, line in dis.findlinestarts(code) if line and line > code.co_firstlineno)
    return {"path": code.co_filename, "line": line}


def first_statement(body):
    """The line of the first statement of a body, after a docstring."""
    docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)
    return body[1 if docstring and len(body) > 1 else 0].lineno


def unreached(module, function):
    path = importlib.util.find_spec(f"test.{module}").origin
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read(), path)
    for node in ast.walk(tree):
        if function is None and isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'":
            return {"path": path, "line": first_statement(node.body)}
        if function is not None and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            return {"path": path, "line": first_statement(node.body)}
    raise SystemExit(f"{path}: no {function or 'main guard'} to put a breakpoint in")


print(json.dumps({"threadRun": thread_run(), "unreached": [unreached(entry["module"], entry["function"]) for entry in json.loads(sys.argv[1])]}))
