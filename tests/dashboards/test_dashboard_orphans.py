"""``kill -9`` of ``contagion dashboard`` leaves no server behind (Linux: PR_SET_PDEATHSIG)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from conftest import free_port, start_dashboard, stop_dashboard

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120),
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")]


def children(pid: int) -> list[int]:
    """Every living descendant of ``pid``, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        fields = text[text.rindex(")") + 2:].split()
        if fields[0] != "Z":  # a zombie is dead already
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        kids = [p for p, parent in parents.items() if parent == current]
        found += kids
        todo += kids
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_kill_9_of_the_command_takes_the_server_with_it():
    port = free_port()
    process = start_dashboard(port)  # its own session: the test kills only what it started
    server = children(process.pid)
    try:
        assert server and listening(port)
        os.kill(process.pid, signal.SIGKILL)  # only the command, not its group
        process.wait()
        deadline = time.monotonic() + 15
        while (any(alive(p) for p in server) or listening(port)) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = [p for p in server if alive(p)]
        assert not survivors, f"processes {survivors} outlived the killed command"
        assert not listening(port), f"port {port} still answers"
    finally:
        for pid in server:  # if the test failed: clean up what it started
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            stop_dashboard(process, kill=True)
