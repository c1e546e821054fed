"""Runs the scripts of this folder on request in one interpreter, so that a test file pays for
importing torch, onnx and onnxruntime once rather than once per check (seconds each on a loaded machine).

  serve.py   reads one JSON request a line on stdin: {"script": NAME, "args": [...]}
             answers one JSON line on stdout: {"code": EXIT CODE, "stdout": TEXT, "stderr": TEXT}

Each run sees the sys.argv, sys.path and modules it would see as a process of its own: the
modules a run loads from outside the Python installation (model.py, mnist_idx.py) are dropped after it.
"""
import contextlib
import io
import json
import os
import runpy
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
INSTALLED = tuple(os.path.realpath(p) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix})

# The answers get file descriptor 1 to themselves; whatever writes to it directly (a C library) goes to stderr.
answers = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)


def installed(module):
    path = getattr(module, "__file__", None)
    return path is None or os.path.realpath(path).startswith(INSTALLED)


def run(script, args):
    path = os.path.join(HERE, script)
    out, err = io.StringIO(), io.StringIO()
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    sys.argv = [path, *args]
    sys.path.insert(0, HERE)
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        if isinstance(stop.code, int) or stop.code is None:
            code = stop.code or 0
        else:
            err.write(f"{stop.code}\n")
            code = 1
    except BaseException:  # noqa: BLE001 - a failing script is reported, as its own process would report it
        err.write(traceback.format_exc())
        code = 1
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            if not installed(sys.modules[name]):
                del sys.modules[name]
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


for line in sys.stdin:
    request = json.loads(line)
    answers.write(json.dumps(run(request["script"], request["args"])) + "\n")
    answers.flush()
