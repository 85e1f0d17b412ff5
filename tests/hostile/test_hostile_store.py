"""The sweep store under damage and misuse, and a sweep killed with SIGKILL.

A damaged journal or a stale temporary file never blocks a resume; a sweep is never
written inside or above another; a refused folder is left as it was found. A sweep of
two worker processes killed with ``kill -9`` leaves no process behind: neither its
workers nor multiprocessing's resource tracker.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

NO_BAR = "--no-progress"
SWEEP = ["sweep", "leader_team", "--grid", "mirroring=0.1,0.2", "--reps", "2", "--steps", "3",
         NO_BAR]


def sweep(sandbox, case, out="runs", *extra):
    outcome = sandbox.run(case, [*SWEEP, "--out", out, *extra])
    assert outcome.code == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return outcome


@pytest.mark.parametrize("lines", [
    pytest.param('{"a": 1}\n', id="object"),
    pytest.param("[1, 2]\n", id="list-of-numbers"),
    pytest.param("[]\n", id="empty-list"),
    pytest.param('[{"run_id": 0, "mirr', id="cut-short-by-a-kill"),
    pytest.param("\x00\x00\x00\n", id="zero-bytes"),
    pytest.param('[{"run_id": "x"}]\n', id="rows-without-a-run"),
    pytest.param('[{"run_id": "0123456789abcdef", "replicate": 0, "seed": 1, '
                 '"mirroring": 0.1}]\n', id="row-of-another-run"),
])
def test_a_damaged_journal_line_is_reported_and_skipped(sandbox, case, lines):
    sweep(sandbox, case)
    with open(case.path / "runs" / ".journal.jsonl", "a", encoding="utf-8") as handle:
        handle.write(lines)
    outcome = sweep(sandbox, case)
    assert "journal" in outcome.stderr, outcome.stderr
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
    table = pd.read_parquet(case.path / "runs")
    assert len(table) == 4 and table["run_id"].is_unique


def test_a_kill_during_the_first_manifest_write_needs_no_force(sandbox, case):
    case.put("runs/._manifest.json.k3j2h1.tmp", '{"format": "contagion-sweep/1", "scen')
    sweep(sandbox, case)
    assert not list((case.path / "runs").glob("*.tmp"))
    assert len(pd.read_parquet(case.path / "runs")) == 4


def test_a_stale_shard_temp_file_is_removed(sandbox, case):
    sweep(sandbox, case)
    case.put("runs/.part-000002.parquet.x1y2.tmp", b"PAR1 half a shard")
    sweep(sandbox, case)
    assert not list((case.path / "runs").glob("*.tmp"))


@pytest.mark.parametrize(("out", "extra", "fragments"), [
    pytest.param("runs/sub", [], ["runs/sub", "inside", "runs"], id="inside-a-sweep"),
    pytest.param("runs/a/b", [], ["inside"], id="deep-inside-a-sweep"),
    pytest.param(".", ["--force"], ["holds"], id="above-a-sweep"),
    pytest.param("runs", ["--reps", "3"], ["--force"], id="a-different-sweep"),
])
def test_sweeps_are_never_nested_or_silently_replaced(sandbox, case, out, extra, fragments):
    sweep(sandbox, case)
    sandbox.refused(case, *fragments, argv=[*SWEEP, "--out", out, *extra])


@pytest.mark.parametrize(("files", "fragments"), [
    pytest.param({"mine/notes.txt": "my notes\n"}, ["mine", "not a sweep dataset"],
                 id="foreign-folder"),
    pytest.param({"mine/_manifest.json": "[1, 2]"}, ["mine", "manifest"], id="manifest-a-list"),
    pytest.param({"mine/_manifest.json": "{not json"}, ["mine", "manifest"],
                 id="manifest-not-json"),
    pytest.param({"mine": "a file\n"}, ["mine"], id="out-is-a-file"),
])
def test_a_refused_folder_is_left_as_it_was(sandbox, case, files, fragments):
    for name, text in files.items():
        case.put(name, text)
    sandbox.refused(case, *fragments, argv=[*SWEEP, "--out", "mine"])


@pytest.mark.parametrize(("argv", "fragments"), [
    pytest.param([*SWEEP, "--out", ""], ["--out", "empty"], id="out-empty"),
    pytest.param([*SWEEP, "--out", "  "], ["--out", "empty"], id="out-blank"),
    pytest.param(["sweep", "leader_team", "--grid", "mirroring=0.0,-0.0", "--out", "runs",
                  NO_BAR], ["mirroring", "twice"], id="grid-zero-and-minus-zero"),
    pytest.param(["sweep", "leader_team", "--grid", "mirroring=0.1,0.10", "--out", "runs",
                  NO_BAR], ["mirroring", "twice"], id="grid-same-value-twice"),
])
def test_sweep_arguments(sandbox, case, argv, fragments):
    sandbox.refused(case, *fragments, argv=argv)


# -- kill -9 --------------------------------------------------------------------------------

def _session(sid: int) -> list[str]:
    """Living processes of session ``sid`` (zombies are dead: they only wait to be reaped)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(f"{entry} {cmdline.decode(errors='replace')[:120]}")
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_a_sweep_killed_with_sigkill_leaves_no_process(sandbox, case):
    """``kill -9`` of ``sweep --jobs 2`` mid-run: workers and resource tracker end too."""
    argv = ["sweep", "leader_team", "--grid", "mirroring=0:0.5:6", "--reps", "10",
            "--jobs", "2", "--out", "runs", NO_BAR]
    outcome = sandbox.run(case, argv, seconds=90,
                          kill={"when": "runs/.journal.jsonl", "after": 60})
    sid = outcome.pid
    try:
        assert outcome.code == -signal.SIGKILL, (outcome.code, outcome.stderr)
        assert (case.path / "runs" / ".journal.jsonl").stat().st_size > 0, \
            "killed before any run finished: not a mid-run kill"
        deadline = time.monotonic() + 15
        while (alive := _session(sid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive, f"still alive after the sweep was killed: {alive}"
    finally:
        try:
            os.killpg(sid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # and the killed sweep resumes where it stopped
    resumed = sandbox.run(case, argv[:-3] + ["--jobs", "1", "--out", "runs", NO_BAR],
                          seconds=120)
    assert resumed.code == 0, resumed.stderr
    table = pd.read_parquet(case.path / "runs")
    assert len(table) == 60 and table["run_id"].is_unique
