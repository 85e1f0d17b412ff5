"""Child processes that die with their parent, even when the parent is killed with SIGKILL.

A process killed with ``kill -9`` cannot clean up: its worker processes are re-parented
to init and live on, blocked on a pipe nobody will write to. Two independent guards
prevent that:

- on Linux, ``prctl(PR_SET_PDEATHSIG)`` asks the kernel to signal the child the moment
  its parent dies (it survives ``exec``, so it also works as a ``preexec_fn`` for a
  server started with :mod:`subprocess`);
- everywhere, a watchdog thread in the child notices that its parent changed and exits.

>>> callable(preexec_die_with_parent())
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent", "preexec_die_with_parent", "set_parent_death_signal",
           "watch_parent"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _prctl():
    """libc's ``prctl``, or None where there is none (looked up once, before any fork)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def set_parent_death_signal(sig: int = signal.SIGKILL, prctl=None) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux only).

    Returns False where the system has no such facility. The "parent" is the thread
    that started this process: start children from a thread that outlives them.
    """
    prctl = prctl or _prctl()
    return prctl is not None and prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0


def watch_parent(parent_pid: int, interval: float = 0.5) -> threading.Thread:
    """Start a daemon thread that ends this process once ``parent_pid`` is no longer its parent."""
    def watch():
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)  # the parent is gone: nobody will read what this process computes

    thread = threading.Thread(target=watch, name="parent-watchdog", daemon=True)
    thread.start()
    return thread


def die_with_parent(parent_pid: int) -> None:
    """Tie this process's life to ``parent_pid``: for the initializer of a worker process.

    Sets the parent-death signal (SIGKILL), starts the watchdog, exits at once if the
    parent died before this ran, and leaves Ctrl+C to the parent: a terminal's SIGINT
    reaches the whole process group, and the parent stops the workers itself, so they
    print no traceback of their own.
    """
    set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent_pid)


def preexec_die_with_parent(sig: int = signal.SIGTERM):
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child gets ``sig`` when we die.

    The setting survives ``exec``, so a server started this way (``python -m solara``)
    stops when the command that started it is killed, even with SIGKILL. Linux only;
    elsewhere it does nothing.
    """
    parent_pid, prctl = os.getpid(), _prctl()  # no library lookup between fork and exec

    def tie():
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent_pid:
            os._exit(1)

    return tie
