"""Limits for scenario files people upload: one session must not take the server down.

A built-in scenario's parameters have declared ranges, so its largest crowd is
known (and above :data:`dashboards.session.LARGE_CROWD` people the page asks
first). An uploaded file declares its own ranges and network, so the dashboard
checks it harder before it builds anything in the server:

- the file is at most :data:`UPLOAD_MAX_BYTES` bytes (the built-in ones are under 7 kB);
- it is read and built first in a separate process (``python -m dashboards.budget``,
  which dies with the server) with a memory limit (:data:`BUILD_MEMORY_MIB`) and a
  time limit (:data:`BUILD_SECONDS`, counted once the engine is loaded), and that
  process plays :data:`PROBE_STEPS` steps;
- the crowd has at most :data:`UPLOAD_MAX_AGENTS` people and a step takes at
  most :data:`STEP_SECONDS`.

Only a file (and values) that passed is then built in the server, from the same
text, seed and values, so it takes what the trial took. Every refusal is one
line naming the file, what was too large and the limit. ``contagion run FILE``
has no such limits beyond the engine's own.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import subprocess
import sys
import time
from typing import Any

from contagion.lifeline import preexec_die_with_parent

__all__ = ["BUILD_MEMORY_MIB", "BUILD_SECONDS", "PROBE_STEPS", "STEP_SECONDS",
           "UPLOAD_MAX_AGENTS", "UPLOAD_MAX_BYTES", "check_size", "trial_build"]

UPLOAD_MAX_BYTES = 256 * 1024
UPLOAD_MAX_AGENTS = 20_000
BUILD_SECONDS = 20.0
BUILD_MEMORY_MIB = 1024
PROBE_STEPS = 2
STEP_SECONDS = 2.0
START_SECONDS = 30.0  # what starting the trial's Python may take on a busy machine


def check_size(text: str | bytes, source: str) -> None:
    """ValueError (one line) if an uploaded file is larger than :data:`UPLOAD_MAX_BYTES`."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > UPLOAD_MAX_BYTES:
        raise ValueError(f"{source}: {size:,} bytes is too large for the dashboard: allowed up "
                         f"to {UPLOAD_MAX_BYTES:,} bytes (contagion run takes larger files)")


def trial_build(text: str, source: str, seed: int, overrides: dict[str, Any] | None = None,
                *, split: bool = False, file_seed: bool = False) -> dict[str, Any]:
    """Read and build ``text`` in a separate process within the limits; what it found.

    Returns ``{"agents": n, "step_s": seconds per step}``; raises ValueError with one
    line when the file is invalid or a limit is passed. ``split`` builds the fair
    null too (the split stage holds both); ``file_seed``: a seed the file carries wins
    over ``seed`` (as when a file is uploaded).
    """
    check_size(text, source)
    job = pickle.dumps({"text": text, "source": source, "seed": seed,
                        "overrides": overrides or {}, "split": split, "file_seed": file_seed,
                        "seconds": BUILD_SECONDS, "memory_mib": BUILD_MEMORY_MIB})
    try:
        done = subprocess.run([sys.executable, "-m", "dashboards.budget"], input=job,
                              capture_output=True, timeout=BUILD_SECONDS + START_SECONDS,
                              preexec_fn=preexec_die_with_parent(signal.SIGKILL))
    except subprocess.TimeoutExpired:  # run() has killed it
        raise ValueError(_too_slow(source)) from None
    try:
        outcome, found = pickle.loads(done.stdout)
    except Exception:  # noqa: BLE001 - no answer: the memory limit (or a crash) ended it
        raise ValueError(f"{source}: building it stopped (exit code {done.returncode}), most "
                         f"likely past the dashboard's limit of {BUILD_MEMORY_MIB:,} MiB for "
                         "an uploaded scenario") from None
    if outcome == "error":
        raise ValueError(found)
    if outcome == "slow":
        raise ValueError(_too_slow(source))
    if outcome == "memory":
        raise ValueError(f"{source}: building it needs more than {BUILD_MEMORY_MIB:,} MiB, the "
                         "dashboard's limit for an uploaded scenario (contagion run FILE has "
                         "none)")
    if found["agents"] > UPLOAD_MAX_AGENTS:
        raise ValueError(f"{source}: {found['agents']:,} people is too many for an uploaded "
                         f"scenario in the dashboard: allowed up to {UPLOAD_MAX_AGENTS:,} "
                         "(contagion run FILE runs it)")
    if found["step_s"] > STEP_SECONDS:
        raise ValueError(f"{source}: one step takes {found['step_s']:.1f} s, too slow to play: "
                         f"the dashboard allows up to {STEP_SECONDS:g} s for an uploaded "
                         "scenario")
    return found


def _too_slow(source: str) -> str:
    return (f"{source}: building it took more than {BUILD_SECONDS:g} s, the dashboard's limit "
            "for an uploaded scenario (contagion run FILE has none)")


class _OutOfTime(Exception):
    pass


def _out_of_time(*_):
    raise _OutOfTime


def _limit_memory(mib: int) -> None:
    """Cap this process's address space at what it uses now plus ``mib`` MiB (Linux)."""
    try:
        with open("/proc/self/status") as status:
            used = next(int(line.split()[1]) for line in status if line.startswith("VmSize"))
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (used * 1024 + mib * 2**20, hard))
    except (OSError, ValueError, StopIteration):
        pass  # not Linux: the time limit still holds


def _trial(job: dict) -> tuple[str, Any]:
    """In the trial's process: build and step within the limits; (outcome, what was found)."""
    import contagion  # noqa: F401  (the engine first: it loads the layers in their order)
    import scenarios

    _limit_memory(job["memory_mib"])
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, job["seconds"])
    source = job["source"]
    try:
        scenario = scenarios.loads(job["text"], source)
        seed = scenario.seed if job["file_seed"] and scenario.seed is not None else job["seed"]
        models = [scenario.build(seed, **job["overrides"])]
        if job["split"]:
            models.append(scenario.build(seed, null="social", **job["overrides"]))
        start = time.perf_counter()
        for _ in range(PROBE_STEPS):
            for model in models:
                model.step()
        step_s = (time.perf_counter() - start) / PROBE_STEPS
        return "ok", {"agents": models[0].n_agents, "step_s": step_s}
    except _OutOfTime:
        return "slow", None
    except MemoryError:
        return "memory", None
    except Exception as exc:  # noqa: BLE001 - the server shows one line
        text = " ".join(str(exc).split()) or type(exc).__name__
        return "error", (text if isinstance(exc, ValueError) else
                         f"{source}: {type(exc).__name__}: {text}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


if __name__ == "__main__":  # python -m dashboards.budget < job: the trial's process
    answer = _trial(pickle.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.flush()
    os._exit(0)
