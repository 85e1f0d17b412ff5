"""Ctrl-C and kill -9 during ``contagion sweep --jobs 2``: a clean stop, no orphans, no loss.

Two SIGINTs 0.2 s apart to the whole process group (as a terminal sends them) stop the
sweep within a generous bound with one line saying what was kept; no process of its
session is left; a resume completes to the same rows as an uninterrupted run. A kill -9
at random moments of start-up (while the workers import) leaves no worker alive.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["sweep", "leader_team", "--grid", "mirroring=0:0.5:6", "--reps", "6", "--steps", "30",
        "--batch-size", "1", "--no-progress"]


def _command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "contagion.cli", *ARGS, "--out", str(out), *extra]


def _session(sid: int) -> list[str]:
    """Living (not zombie) processes of session ``sid``."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(entry)
    return alive


def _wait_gone(sid: int, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (alive := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def _start(out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(_command(out, *extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env=env)


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("run_id").reset_index(drop=True)


def test_two_ctrl_c_stop_a_two_worker_sweep_cleanly_and_it_resumes(tmp_path):
    out = tmp_path / "runs"
    process = _start(out, "--jobs", "2", "--chunk", "1000")
    journal = out / ".journal.jsonl"
    try:
        deadline = time.monotonic() + 180
        while not (journal.exists() and journal.stat().st_size > 0):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep never finished a run"
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)
        stopped = time.monotonic()
        _, stderr = process.communicate(timeout=10)
        seconds = time.monotonic() - stopped
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr.decode()
    assert seconds < 10
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("contagion sweep: interrupted: ") and "resume" in lines[0]
    assert "of 36 runs are kept in" in lines[0]
    assert not _wait_gone(process.pid, 10), "a process of the sweep outlived it"
    kept = len(pd.read_parquet(out / "data"))
    assert 0 < kept < 36, "interrupted too late to test anything"

    resumed = subprocess.run(_command(out, "--jobs", "2"), capture_output=True, text=True,
                             timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert resumed.returncode == 0, resumed.stderr
    assert f"{kept} were already done" in resumed.stdout
    whole = tmp_path / "whole"
    subprocess.run(_command(whole), check=True, capture_output=True, timeout=300,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    pd.testing.assert_frame_equal(_by_id(pd.read_parquet(out / "data")),
                                  _by_id(pd.read_parquet(whole / "data")))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_during_start_up_leaves_no_worker(tmp_path, seed):
    """Killed at a random moment of the first seconds, while the workers start and import."""
    delay = random.Random(seed).uniform(0.3, 3.0)
    process = _start(tmp_path / "runs", "--jobs", "2")
    try:
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        alive = _wait_gone(process.pid, 20)
        assert not alive, f"alive 20 s after kill -9 at {delay:.2f} s: {alive}"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
