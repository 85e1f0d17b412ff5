"""A process that imports contagion once, then runs each hostile case in a forked child.

Every case is a real subprocess with its own address-space limit (``RLIMIT_AS``), CPU
limit and wall-clock timeout, its own working folder and its own stdout/stderr, but it
does not pay the interpreter's start-up and imports again: the fork copies them. The
protocol is one JSON object per line on stdin and stdout:

request  ``{"argv": [...]}`` (the ``contagion`` command line) or ``{"code": "..."}``
         (Python; a ValueError it raises is reported like the CLI reports one: its
         message on stderr and exit status 2), with ``cwd``, ``memory`` (bytes the case
         may add to the address space) and ``seconds`` (wall-clock limit);
         and optionally ``kill`` (``{"when": FILE, "after": SECONDS}``: SIGKILL the command,
         not its children, once FILE exists and is not empty, or after SECONDS);
reply    ``{"code", "stdout", "stderr", "seconds", "timed_out", "peak_rss", "pid"}``: the
         case's pid is also its process group and session id.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
import traceback


def _preload() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import contagion.cli  # noqa: F401 - every command and everything below it
    import scenarios

    scenarios.names()  # the library, parsed once


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(request: dict, out_path: str, err_path: str) -> None:
    os.setsid()  # its own process group: a timeout kills whatever it started too
    for fd, path in ((1, out_path), (2, err_path)):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
        os.close(handle)
    os.chdir(request["cwd"])
    limit = _vm_size() + int(request["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(request["seconds"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    code = 1
    try:
        if "argv" in request:
            from contagion.cli import main

            code = main(request["argv"])
        else:
            try:
                exec(compile(request["code"], "<hostile case>", "exec"), {})  # noqa: S102
                code = 0
            except ValueError as exc:
                print(f"ValueError: {exc}", file=sys.stderr)
                code = 2
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported to the test as it happened
        traceback.print_exc()
        code = 99
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _run(request: dict, folder: str) -> dict:
    out_path, err_path = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
    sys.stdout.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(request, out_path, err_path)
    deadline = start + float(request["seconds"])
    kill = request.get("kill")  # {"when": a file that shows the work is under way, "after": s}
    killed = False
    timed_out, status, usage = False, 0, None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if kill and not killed and (_started(request["cwd"], kill["when"])
                                    or time.monotonic() > start + float(kill["after"])):
            os.kill(pid, signal.SIGKILL)  # the command alone, as `kill -9` would
            killed = True
            continue
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    with open(out_path, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    code = os.waitstatus_to_exitcode(status)
    return {"code": code, "stdout": stdout, "stderr": stderr, "seconds": elapsed,
            "timed_out": timed_out, "peak_rss": usage.ru_maxrss * 1024, "pid": pid}


def _started(cwd: str, name: str) -> bool:
    """Whether file ``name`` (relative to ``cwd``) exists and is not empty."""
    try:
        return os.path.getsize(os.path.join(cwd, name)) > 0
    except OSError:
        return False


def main() -> None:
    folder = sys.argv[1]
    _preload()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    reply = sys.__stdout__
    reply.write(json.dumps({"ready": True, "base_rss": base}) + "\n")
    reply.flush()
    for line in sys.stdin:
        reply.write(json.dumps(_run(json.loads(line), folder)) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
