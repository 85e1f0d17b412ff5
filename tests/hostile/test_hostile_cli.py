"""Command lines a careless or hostile user types: outputs, settings, plots, network files.

A refusal comes before any work (no run's output on stdout), leaves no file behind,
and never turns a wrong input into a silently different result.
"""

from __future__ import annotations

import pytest
from hostile_inputs import Case

NO_BAR = "--no-progress"


@pytest.fixture(scope="module")
def dataset(sandbox, tmp_path_factory):
    """A small finished sweep (2 mirroring values x 2 reps), outside every case's folder."""
    folder = tmp_path_factory.mktemp("dataset")
    outcome = sandbox.run(Case(folder), ["sweep", "leader_team", "--grid", "mirroring=0.1,0.2",
                                         "--reps", "2", "--steps", "3", "--out", "runs", NO_BAR])
    assert outcome.code == 0, outcome.stderr
    return folder / "runs"


# -- outputs: checked before the run, written together, nothing left on failure ----------

@pytest.mark.parametrize(("argv", "fragments"), [
    pytest.param(["run", "--out", "a/b/c/x.csv", "--plot", "afile/y.png"],
                 ["plot='afile/y.png'", "is a file, not a folder"], id="second-output-unwritable"),
    pytest.param(["run", "--out", "/proc/x.csv"], ["out='/proc/x.csv'", "cannot be written"],
                 id="out-in-proc"),
    pytest.param(["run", "--out", "table.txt"], ["out='table.txt'", ".csv, .parquet"],
                 id="out-unknown-suffix"),
    pytest.param(["run", "--out", "afile"], ["out='afile'", ".csv, .parquet"],
                 id="out-no-suffix"),
    pytest.param(["run", "--out", "adir.csv"], ["out='adir.csv'", "is a directory"],
                 id="out-is-a-folder"),
    pytest.param(["run", "--out", ""], ["out=''"], id="out-empty"),
    pytest.param(["run", "--plot", "figure.pdf"], ["must end in .png"], id="plot-not-png"),
    pytest.param(["run", "leader_team", "--null", "--seeds", "2", "--out", "a/x.csv",
                  "--plot", "afile/y.png"], ["plot='afile/y.png'"], id="null-outputs"),
    pytest.param(["sensitivity", "leader_team", "--param", "mirroring=0:1", "--samples", "4",
                  "--out", "afile/s.csv"], ["out='afile/s.csv'"], id="sensitivity-out"),
    pytest.param(["study", "confounding", "--out", "a/b/x.csv", "--plot", "afile/y.png"],
                 ["plot='afile/y.png'"], id="study-outputs"),
    pytest.param(["study", "confounding", "--out", "/proc/x.csv"], ["out='/proc/x.csv'"],
                 id="study-out-in-proc"),
])
def test_outputs_are_checked_before_any_work(sandbox, case, argv, fragments):
    case.put("afile", "not a folder\n")
    (case.path / "adir.csv").mkdir()
    flags = [NO_BAR] if argv[0] in ("run", "sensitivity") else (
        [NO_BAR] if argv[:2] == ["study", "confounding"] else [])
    sandbox.refused(case, *fragments, argv=[*argv, *flags])


def test_nothing_is_written_when_a_later_output_fails(sandbox, case):
    """The run finishes and writes its table, then its figure fails: neither is left."""
    case.put("afile", "not a folder\n")
    outcome = sandbox.run(case, ["run", "--steps", "2", "--agents", "10", "--out",
                                 "a/b/c/x.csv", "--plot", "a/b/c/x.csv/y.png", NO_BAR])
    assert outcome.code == 2, outcome.stderr
    assert not (case.path / "a").exists()


# -- settings: never silently ignored, merged or rounded ----------------------------------

@pytest.mark.parametrize(("argv", "fragments"), [
    pytest.param(["run", "leader_team", "--set", "mirroring=0.1", "--set", "mirroring=0.2"],
                 ["--set mirroring is given twice"], id="set-twice"),
    pytest.param(["run", "leader_team", "--set", "nope=1"], ["nope"], id="set-unknown"),
    pytest.param(["run", "leader_team", "--set", "members=2.5"], ["members"], id="set-fraction"),
    pytest.param(["run", "leader_team", "--set", "mirroring=nan"], ["mirroring"], id="set-nan"),
    pytest.param(["run", "leader_team", "--set", "mirroring"], ["malformed"], id="set-malformed"),
    pytest.param(["sensitivity", "leader_team", "--param", "mirroring=0:1", "--set",
                  "mirroring=0.5", "--samples", "4"], ["conflicts with --param"],
                 id="set-of-a-sampled-parameter"),
    pytest.param(["sweep", "leader_team", "--grid", "mirroring=0.1", "--grid",
                  "mirroring=0.2", "--out", "runs"], ["mirroring"], id="grid-twice"),
    pytest.param(["sweep", "leader_team", "--grid", "mirroring=0:1:0", "--out", "runs"],
                 ["mirroring"], id="grid-no-values"),
    pytest.param(["sweep", "leader_team", "--grid", "mirroring=0:1:2.5", "--out", "runs"],
                 ["mirroring"], id="grid-fractional-count"),
    pytest.param(["run", "--agents", "20.7"], ["--agents"], id="agents-fraction"),
    pytest.param(["run", "--agents", "-5"], ["--agents"], id="agents-negative"),
    pytest.param(["run", "--steps", "1e3"], ["--steps"], id="steps-float"),
    pytest.param(["run", "--seed", "-1"], ["--seed"], id="seed-negative"),
    pytest.param(["run", "leader_team", "--seeds", "5"], ["--seeds", "--null"],
                 id="seeds-without-null"),
    pytest.param(["run", "leader_team", "--agents", "5"], ["--agents", "scenario"],
                 id="agents-with-a-scenario"),
    pytest.param(["run", "--graph", "g.csv", "--degree", "5"], ["--degree", "--graph"],
                 id="degree-with-a-graph"),
    pytest.param(["sweep", "leader_team", "--jobs", "0", "--out", "runs"], ["--jobs"],
                 id="jobs-zero"),
    pytest.param(["sweep", "leader_team", "--dask", "tcp://127.0.0.1:1", "--dask-timeout",
                  "nan", "--out", "runs"], ["--dask-timeout"], id="dask-timeout-nan"),
    pytest.param(["study", "confounding", "--set", "draws=200", "--set", "draws=300"],
                 ["--set draws is given twice"], id="study-set-twice"),
    pytest.param(["study", "confounding", "--people", "300", "--set", "people=400"],
                 ["--people and --set people"], id="study-people-twice"),
    pytest.param(["study", "confounding", "--people", "1000000000"], ["people=1000000000"],
                 id="study-people-huge"),
    pytest.param(["study", "confounding", "--seed", "99999999999999999999999"], ["--seed="],
                 id="study-seed-overflow"),
    pytest.param(["study", "confounding", "--set", "waves=1000000"], ["waves=1000000"],
                 id="study-waves-huge"),
])
def test_settings_are_never_silently_changed(sandbox, case, argv, fragments):
    flags = [NO_BAR] if argv[0] in ("run", "sweep", "sensitivity") else (
        [NO_BAR] if argv[0] == "study" else [])
    sandbox.refused(case, *fragments, argv=[*argv, *flags])


# -- plot: columns of the dataset, values of the right kind -------------------------------

@pytest.mark.parametrize(("args", "fragments"), [
    pytest.param(["--x", "mirroring", "--y", "run_id"], ["y='run_id' is not a numeric column"], id="y-run-id"),
    pytest.param(["--x", "mirroring", "--y", "nope"], ["column 'nope' is not in the table"], id="y-unknown"),
    pytest.param(["--x", "nope", "--y", "member_valence_final"], ["column 'nope' is not in the table"],
                 id="x-unknown"),
    pytest.param(["--x", "mirroring", "--y", "member_valence_final", "--where", "mirroring=[1]"],
                 ["--where", "mirroring=[1]"], id="where-list"),
    pytest.param(["--x", "mirroring", "--y", "member_valence_final", "--where", "mirroring=0.7"],
                 ["no runs with mirroring=0.7"], id="where-no-runs"),
    pytest.param(["--x", "mirroring", "--y", "member_valence_final", "--out", "f.pdf"],
                 [".png"], id="plot-out-suffix"),
])
def test_plot_refuses_what_the_dataset_does_not_hold(sandbox, case, dataset, args, fragments):
    sandbox.refused(case, *fragments, argv=["plot", str(dataset), *args])


def test_plot_of_a_missing_dataset(sandbox, case):
    sandbox.refused(case, "nothing", argv=["plot", "nothing", "--x", "a", "--y", "b"])


# -- Dask: a one-line error and nothing after it ------------------------------------------

def test_an_unreachable_dask_scheduler_is_one_line(sandbox, case):
    sandbox.refused(case, "notanaddress", argv=["sweep", "leader_team", "--dask", "notanaddress",
                                                "--dask-timeout", "2", "--out", "runs", NO_BAR])


# -- network files: explicit rules, never a silent merge or a dropped column --------------

@pytest.mark.parametrize(("text", "fragments"), [
    pytest.param("source,target,weight\n0,1,1\n0,1,5\n1,0,0.1\n",
                 ["edges.csv", "line 3", "line 2"], id="repeated-pair"),
    pytest.param("source,target\n0,1,5\n1,2,3\n", ["edges.csv"], id="unlabelled-third-column"),
    pytest.param("source,target,strength\n0,1,5\n", ["edges.csv", "strength"],
                 id="unknown-column"),
    pytest.param("source,target,weight\n0,1,heavy\n", ["edges.csv", "heavy"],
                 id="weight-not-a-number"),
    pytest.param("source,target,weight\n0,1,nan\n", ["edges.csv"], id="weight-nan"),
    pytest.param("source,target,weight\n0,1,-2\n", ["edges.csv"], id="weight-negative"),
    pytest.param("source,target\n0,\n", ["edges.csv"], id="empty-target"),
    pytest.param("", ["edges.csv"], id="empty-file"),
    pytest.param("source,target\n", ["edges.csv"], id="header-only"),
    pytest.param(b"source,target\n0,\xff\n", ["edges.csv"], id="invalid-utf8"),
])
def test_edge_lists_follow_explicit_rules(sandbox, case, text, fragments):
    case.put("edges.csv", text)
    sandbox.refused(case, *fragments, argv=["run", "--graph", "edges.csv", "--steps", "2",
                                            NO_BAR])


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("bad.graphml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                 '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><graphml>&b;</graphml>',
                 id="graphml-entities"),
    pytest.param("bad.graphml", "<graphml><graph", id="graphml-truncated"),
])
def test_other_network_files_are_refused(sandbox, case, name, text):
    case.put(name, text)
    sandbox.refused(case, name, argv=["run", "--graph", name, "--steps", "2", NO_BAR])


def test_an_edge_list_with_a_byte_order_mark_is_read(sandbox, case):
    case.put("edges.csv", b"\xef\xbb\xbfsource,target\n0,1\n1,2\n2,0\n")
    outcome = sandbox.run(case, ["run", "--graph", "edges.csv", "--steps", "2", NO_BAR])
    assert outcome.code == 0, outcome.stderr


def test_a_large_edge_list_is_streamed_within_bounds(sandbox, case):
    """200,000 lines: read in seconds and well under the memory bound, with no traceback."""
    lines = "".join(f"{i},{(i * 7919 + 1) % 100_000}\n" for i in range(200_000))
    case.put("edges.csv", "source,target\n" + lines)
    outcome = sandbox.run(case, ["run", "--graph", "edges.csv", "--steps", "1", NO_BAR],
                          memory=1 << 30, seconds=60)
    assert not outcome.timed_out
    assert "Traceback" not in outcome.stderr
    assert outcome.code in (0, 2), outcome.stderr
    assert outcome.peak_rss - sandbox.base_rss < 1 << 30
