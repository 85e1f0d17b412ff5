"""``contagion fit`` under hostile input: sizes bounded before allocation, corrupt databases,
numbers wider than a float, and no process outliving the fit (kill -9, Ctrl-C)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: leader_team's group data: 11 observed steps of two metrics (values need only be in range).
GROUP = "step,member_valence,member_arousal\n" + "".join(
    f"{s},{0.05 * s - 0.2:.3f},{0.3 + 0.01 * s:.3f}\n" for s in range(11))
FIT = ["fit", "leader_team", "--data", "group.csv", "--param", "mirroring=0:1",
       "--out", "out", "--no-progress"]


@pytest.mark.parametrize(("option", "value", "limit"), [
    ("--particles", "100000000", "limit 'particles'"),
    ("--pilot", "10000000000", "limit 'pilot'"),
    ("--populations", "1000000", "limit 'populations'"),
    ("--draws", "100000000", "limit 'draws'"),
    ("--batch-size", "1000000000", "limit 'runs'"),
    ("--particles", "1e9", "'1e9' is not an integer"),
])
def test_fit_sizes_are_bounded_before_anything_is_allocated(sandbox, case, option, value, limit):
    case.put("group.csv", GROUP)
    sandbox.refused(case, option, limit, argv=[*FIT, option, value])


@pytest.mark.parametrize(("rows", "fragments"), [
    ("0,0.1,0.3\n1e300,0.2,0.3\n", ["group.csv row 2, column 'step'", "1e+300",
                                    "allowed integers 0 to 1,000,000"]),
    ("0,0.1,0.3\n1000000000000,0.2,0.3\n", ["column 'step'", "limit 'steps'"]),
    ("0,0.1,0.3\n1," + "9" * 400 + ",0.3\n", ["row 2, column 'member_valence'",
                                              "not a finite number", "allowed [-1, 1]"]),
    ("0,0.1,0.3\n1,1e400,0.3\n", ["row 2, column 'member_valence'", "allowed [-1, 1]"]),
    ("0,0.1,0.3\n" + "9" * 400 + ",0.2,0.3\n", ["column 'step'", "allowed integers 0 to"]),
])
def test_huge_steps_and_numbers_wider_than_a_float_name_file_column_and_range(sandbox, case,
                                                                            rows, fragments):
    case.put("group.csv", "step,member_valence,member_arousal\n" + rows)
    sandbox.refused(case, *fragments, argv=FIT)


def test_a_time_column_far_beyond_the_steps_limit_is_refused(sandbox, case):
    case.put("group.csv", "time,member_valence\n0,0.1\n1e300,0.2\n")
    sandbox.refused(case, "column 'time'", "limit 'steps'", argv=FIT)


def test_a_sparse_panel_with_many_steps_and_agents_is_refused_without_its_array(sandbox, case):
    """20,000 rows naming 10,000 agents at 10,000 steps: a full array would be 10^8 cells."""
    rows = "".join(f"{k},{k},0.1\n" for k in range(10_000)) + \
        "".join(f"{k},{k + 1},0.1\n" for k in range(10_000))
    case.put("panel.csv", "agent,step,valence\n" + rows)
    sandbox.refused(case, "has no row for step", argv=[*FIT[:3], "panel.csv", *FIT[4:]],
                    memory=1 << 29)


def test_rows_beyond_the_limit_are_refused_while_reading(sandbox, case):
    code = ("import dataclasses, io, pandas as pd\n"
            "from contagion.params import LIMITS\n"
            "LIMITS['fit_rows'] = dataclasses.replace(LIMITS['fit_rows'], maximum=50)\n"
            "import scenarios\n"
            "from contagion.experiments.fitting import read_data\n"
            "frame = pd.DataFrame({'step': range(60), 'member_valence': 0.1})\n"
            "frame.to_csv('many.csv', index=False)\n"
            "try:\n"
            "    read_data('many.csv', scenarios.get('leader_team'), ['member_valence'])\n"
            "finally:\n"
            "    import os; os.remove('many.csv')\n")
    sandbox.refused(case, "more than 50 rows", "limit 'fit_rows'", code=code)


@pytest.mark.parametrize("damage", ["truncated", "random", "zeroed", "folder"])
def test_a_corrupt_database_is_one_line_naming_the_file_and_what_to_do(sandbox, case, damage,
                                                                     tmp_path):
    case.put("group.csv", GROUP)
    db = case.path / "out" / "fit.db"
    db.parent.mkdir()
    if damage == "folder":
        db.mkdir()
    else:
        import sqlite3

        source = tmp_path / "real.db"
        with sqlite3.connect(source) as connection:
            connection.execute("create table populations (t integer, epsilon real)")
            connection.executemany("insert into populations values (?, ?)",
                                   [(t, 0.1) for t in range(2000)])
        real = source.read_bytes()
        db.write_bytes({"truncated": real[: len(real) // 2 + 100],
                        "random": os.urandom(len(real)),
                        "zeroed": bytes(len(real))}[damage])
    line = sandbox.refused(case, "out/fit.db", argv=FIT)
    assert ("remove or rename it" if damage == "folder" else "pass --force") in line
    assert "DatabaseError" not in line


def test_force_replaces_a_corrupt_database_and_the_fit_runs(tmp_path):
    from contagion.cli import main

    (tmp_path / "group.csv").write_text(GROUP)
    out = tmp_path / "out"
    out.mkdir()
    (out / "fit.db").write_bytes(os.urandom(5000))
    os.chdir(tmp_path)
    assert main([*FIT, "--particles", "10", "--populations", "1", "--pilot", "20",
                 "--jobs", "1", "--no-plots", "--force"]) == 0
    assert (out / "posterior.parquet").is_file()


# -- processes ------------------------------------------------------------------------------

def _marked(mark: str) -> list[int]:
    """Pids of live processes whose environment holds ``mark`` (a fit and all its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(") ")[-1].split()[0]
        except OSError:
            continue
        if mark.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def _start_fit(folder: Path, mark: str, *extra: str) -> subprocess.Popen:
    (folder / "group.csv").write_text(GROUP)
    env = {**os.environ, "CONTAGION_FIT_TEST": mark, "PYTHONPATH": str(ROOT)}
    env.pop("CONTAGION_DEBUG", None)
    command = [sys.executable, "-m", "contagion.cli", *FIT, "--jobs", "2", "--particles", "200",
               "--populations", "6", "--pilot", "400", *extra]
    return subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("delay", [0.5, 2.5, 6.0, 12.0])
def test_kill_9_of_a_fit_with_two_workers_leaves_no_process_behind(tmp_path, delay):
    """Killed during start-up (imports, workers spawning) and while running populations."""
    mark = uuid.uuid4().hex
    process = _start_fit(tmp_path, mark)
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _marked(mark)
    for pid in left:  # do not leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} processes outlived the fit killed after {delay} s"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_a_fit_within_3_s_with_one_line_on_how_to_resume(tmp_path, presses):
    mark = uuid.uuid4().hex
    process = _start_fit(tmp_path, mark)
    deadline = time.monotonic() + 120
    while not (tmp_path / "out" / "pilot.npz").exists():  # running: pilot done, workers busy
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the fit did not get going"
        time.sleep(0.1)
    time.sleep(1.0)
    pressed = time.monotonic()
    for _ in range(presses):  # a terminal's Ctrl-C reaches the whole process group
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.3)
    try:
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    took = time.monotonic() - pressed
    assert took < 3.0, f"took {took:.1f} s to stop"
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("contagion fit: interrupted: ")
    assert "run the same command again to continue" in lines[0]
    time.sleep(0.5)
    left = _marked(mark)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived the interrupted fit"
