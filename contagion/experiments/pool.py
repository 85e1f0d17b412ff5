"""Worker processes that stop at once on Ctrl-C and never outlive the sweep that started them.

A sweep, a sensitivity analysis or a study runs on a ``concurrent.futures``
``ProcessPoolExecutor`` of spawned workers. Three things make it a good citizen:

- **Only the parent decides.** A terminal's Ctrl-C reaches the whole process group.
  Workers are started with SIGINT ignored (an ignored signal stays ignored across
  ``exec``, so they ignore it from their first instruction, even while they import),
  and :func:`contagion.lifeline.die_with_parent` keeps it so.
- **One Ctrl-C stops everything, more do no harm.** :class:`Interrupts` turns the
  first SIGINT into ``KeyboardInterrupt`` and records (but does not raise) the
  following ones, so the clean-up that the first one starts (the finished runs
  written out, the workers stopped) is never itself interrupted.
  :func:`stop_workers` ends the workers without waiting for the runs they are in:
  those runs are lost and run again on resume; every finished one is kept.
- **No orphans.** Each worker ties its life to the parent's (parent-death signal and a
  watchdog on the parent's pid), so even ``kill -9`` of the parent ends them.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator

from contagion.lifeline import die_with_parent
from contagion.params import check_limit

__all__ = ["Interrupted", "Interrupts", "stop_workers", "worker_pool", "workers_of"]

#: Seconds a stopped worker gets to end on SIGTERM before it is killed.
STOP_GRACE = 1.0


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process while the block runs (main thread only)."""
    if not _main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def worker_pool(jobs: int) -> cf.ProcessPoolExecutor:
    """``jobs`` spawned worker processes, all started now, ignoring Ctrl-C, dying with us.

    The workers are started while this process ignores SIGINT, so each inherits the
    ignored disposition at ``exec`` and a Ctrl-C during its start-up (its imports take
    seconds) neither kills it with a traceback nor breaks the pool.
    """
    check_limit("jobs", jobs)
    with _sigint_ignored():
        pool = cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=die_with_parent, initargs=(os.getpid(),))
        pool.submit(int)  # a spawn pool starts every worker at its first task: now
    return pool


def workers_of(pool: cf.ProcessPoolExecutor) -> list:
    """The pool's worker processes (``multiprocessing.Process`` objects)."""
    processes = getattr(pool, "_processes", None) or {}
    return list(processes.values())


def stop_workers(pool: cf.ProcessPoolExecutor, grace: float = STOP_GRACE) -> None:
    """Shut ``pool`` down now: cancel what waits, end the workers mid-run, reap them.

    Each worker gets SIGTERM, then SIGKILL if it has not ended after ``grace`` seconds.
    Uses the executor's own ``terminate_workers`` where Python has it (3.14+).
    """
    workers = workers_of(pool)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        with contextlib.suppress(Exception):
            terminate()
    else:
        for process in workers:
            with contextlib.suppress(Exception):
                process.terminate()
    deadline = time.monotonic() + grace
    for process in workers:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(grace)


class Interrupts:
    """While open: the first SIGINT raises ``KeyboardInterrupt``, later ones are counted.

    ``count`` is how many arrived. Outside the main thread (where Python delivers no
    signals) it does nothing. Nested use is harmless: the inner one sees the outer
    one's handler and leaves it in place.
    """

    def __init__(self) -> None:
        self.count = 0
        self._previous = None
        self._active = False

    def _handle(self, signum, frame) -> None:
        self.count += 1
        if self.count == 1:
            raise KeyboardInterrupt

    def __enter__(self) -> Interrupts:
        if _main_thread():
            current = signal.getsignal(signal.SIGINT)
            if not isinstance(getattr(current, "__self__", None), Interrupts):
                self._previous = signal.signal(signal.SIGINT, self._handle)
                self._active = True
        return self

    def ignore_from_now(self) -> None:
        """Ignore SIGINT from now on, also after the block (a command about to exit)."""
        if _main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self._previous = signal.SIG_IGN
            self._active = True

    def __exit__(self, kind, exc, tb) -> None:
        if self._active:
            self._active = False
            signal.signal(signal.SIGINT, self._previous)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep, an analysis or a study; ``str()`` says what was kept.

    A ``KeyboardInterrupt``, so code that stops on Ctrl-C still stops; the command
    line prints its message as the one line it says on the way out.
    """
