"""Ctrl-C twice during ``contagion sensitivity --jobs 2`` and ``contagion study``: one line, 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("argv", "fragment"), [
    pytest.param(["sensitivity", "leader_team", "--param", "mirroring=0:1", "--method",
                  "rbd_fast", "--samples", "400", "--steps", "100", "--jobs", "2",
                  "--batch-size", "1", "--no-progress"], "no indices", id="sensitivity"),
    pytest.param(["study", "confounding", "--no-progress"], "nothing was written", id="study"),
])
def test_two_ctrl_c_stop_the_command_in_one_line(argv, fragment):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "contagion.cli", *argv],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, env=env)
    try:
        time.sleep(8)  # well into the work: imports done, workers started
        assert process.poll() is None, process.stderr.read().decode()
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 130, lines
    assert len(lines) == 1 and lines[0].startswith(f"contagion {argv[0]}: interrupted: "), lines
    assert fragment in lines[0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a process of the command outlived it")
