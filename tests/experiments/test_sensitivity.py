"""Sensitivity analysis with SALib: the adapter, the indices, the command."""

import numpy as np
import pandas as pd
import pytest
from SALib import ProblemSpec

import scenarios
from contagion.cli import main
from contagion.experiments.sensitivity import scenario_function, sensitivity

LEADER = scenarios.get("leader_team").replace(members=4)
# expertise_gain multiplies expertise, which is 0 for everyone in leader_team: no effect.
PARAMS = {"mirroring": (0.05, 1.0), "leader_mood": (-1.0, 1.0), "expertise_gain": (0.0, 2.0)}


def test_adapter_is_the_function_problemspec_evaluate_takes():
    f = scenario_function(LEADER, ["mirroring", "members"], ["member_valence_final", "work_extra_effort_final"],
                          steps=10, seed=3)
    assert f.names == ["mirroring", "members"]
    assert f.metrics == ["member_valence_final", "work_extra_effort_final"]
    spec = ProblemSpec({"names": f.names, "bounds": [[0, 1], [2, 6]], "outputs": f.metrics})
    spec.sample_sobol(4, calc_second_order=False, seed=1).evaluate(f)
    assert spec.results.shape == (16, 2) and np.isfinite(spec.results).all()
    # row i is the scenario run with row i's values (integers rounded) and the one seed
    x = spec.samples[5]
    frame = LEADER.run(10, 3, mirroring=float(x[0]), members=int(round(x[1])))
    assert spec.results[5, 0] == frame["member_valence"].iloc[-1]


def test_adapter_default_metrics_are_the_scenario_summary():
    f = scenario_function(LEADER, ["mirroring"], steps=5)
    assert f.metrics == ["member_valence_final", "work_in_step_final",
                         "work_extra_effort_final", "member_arousal_final", "coordination",
                         "effort", "member_mood"]
    assert f(np.array([[0.2], [0.8]])).shape == (2, 7)


@pytest.fixture(scope="module")
def sobol():
    return sensitivity(LEADER, PARAMS, method="sobol", samples=32, steps=30, seed=1,
                       metrics=["member_valence_final", "member_arousal_final"], progress=False)


def test_sobol_table_is_tidy_with_indices_and_confidence(sobol):
    assert list(sobol.columns) == ["metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(sobol) == 2 * 3 and sobol.attrs["runs"] == 32 * (3 + 2)


def test_sobol_indices_are_sane(sobol):
    """An unused parameter gets exactly 0 (same seed for every sample); the leader's mood
    drives the members' valence but not their arousal; arousal depends on mirroring."""
    index = sobol.set_index(["metric", "parameter"])
    assert (index.xs("expertise_gain", level="parameter")[["S1", "ST"]].abs() < 1e-12).all().all()
    valence = index.loc["member_valence_final"]
    assert valence.loc["leader_mood", "ST"] > 0.5
    assert valence.loc["leader_mood", "ST"] > valence.loc["mirroring", "ST"]
    arousal = index.loc["member_arousal_final"]
    assert abs(arousal.loc["leader_mood", "ST"]) < 1e-12
    assert arousal.loc["mirroring", "ST"] > 0.5
    assert (index["ST_conf"] >= 0).all()


def test_morris_ranks_the_same_way():
    table = sensitivity(LEADER, PARAMS, method="morris", samples=6, steps=30, seed=2,
                        metrics=["member_valence_final"], progress=False)
    assert list(table.columns) == ["metric", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    assert table.attrs["runs"] == 6 * (3 + 1)
    mu_star = table.set_index("parameter")["mu_star"]
    assert mu_star["expertise_gain"] == 0.0
    assert mu_star["leader_mood"] > mu_star["mirroring"] > 0


@pytest.mark.slow
def test_parallel_evaluation_gives_the_same_indices():
    kwargs = dict(method="morris", samples=4, steps=10, seed=2, metrics=["work_extra_effort_final"],
                  progress=False)
    params = {"mirroring": (0.0, 1.0), "leader_mood": (-1.0, 1.0)}
    pd.testing.assert_frame_equal(sensitivity(LEADER, params, jobs=1, **kwargs),
                                  sensitivity(LEADER, params, jobs=2, **kwargs))


@pytest.mark.parametrize("params, kwargs, message", [
    ({"mirroring": (0, 40)}, {}, r"mirroring=40.0 is out of range"),
    ({"mirroring": (0.5, 0.5)}, {}, "needs low < high"),
    ({"mirorring": (0, 1)}, {}, "did you mean 'mirroring'"),
    ({"mirroring": (0, 1)}, {"samples": 12}, "power of 2"),
    ({"mirroring": (0, 1)}, {"method": "efast"}, "method='efast' is not known"),
    ({"mirroring": (0, 1)}, {"metrics": ["nope"]}, "unknown metric 'nope'.*valid metrics"),
    ({}, {}, "at least one parameter"),
])
def test_bad_sensitivity_input(params, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sensitivity(LEADER, params, **{"samples": 4, "steps": 2, "progress": False, **kwargs})


def test_sensitivity_command_prints_and_writes_the_table(tmp_path, capsys):
    out = tmp_path / "indices.csv"
    status = main(["sensitivity", "leader_team", "--param", "mirroring=0:1", "--param",
                   "expertise_gain", "--set", "members=3", "--samples", "4", "--steps", "10",
                   "--metric", "member_valence_final", "--out", str(out), "--no-progress"])
    text = capsys.readouterr().out
    assert status == 0
    assert "S1" in text and "ST_conf" in text and "16 runs" in text and "expertise_gain" in text
    table = pd.read_csv(out)
    assert list(table["parameter"]) == ["mirroring", "expertise_gain"]


@pytest.mark.parametrize("args, message", [
    (["--param", "mirroring=0"], "malformed: use NAME=LOW:HIGH"),
    (["--param", "mirroring=0:1", "--samples", "6"], "power of 2"),
    (["--param", "mirroring=0:1", "--out", "x.txt"], "unsupported suffix"),
    ([], "at least one --param"),
])
def test_bad_sensitivity_command_is_one_line_exit_2(capsys, args, message):
    status = main(["sensitivity", "leader_team", *args, "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and message in err, err


@pytest.mark.parametrize(("method", "samples", "index", "runs"), [
    ("fast", 65, "S1", 65 * 3), ("rbd_fast", 60, "S1", 60), ("delta", 60, "delta", 60)])
def test_fast_rbd_fast_and_delta_rank_the_leaders_mood_first(method, samples, index, runs):
    """The leader's mood drives the members' valence most; the unused parameter gets
    little (these estimators leave a small positive bias for a parameter without effect)."""
    table = sensitivity(LEADER, PARAMS, method=method, samples=samples, steps=20, seed=2,
                        metrics=["member_valence_final"], progress=False)
    assert table.attrs["runs"] == runs
    values = table.set_index("parameter")[index]
    assert values.idxmax() == "leader_mood" and values["leader_mood"] > 0.3
    assert values["expertise_gain"] < 0.2


def test_replicates_use_common_seeds_and_state_the_seed_noise():
    """With reps, Y is the mean over the same seeds for every sample; the noise share is
    the within-sample variance over reps as a share of the variance of the means."""
    f = scenario_function(LEADER, ["mirroring"], ["member_valence_final"], steps=10, seed=4,
                          reps=3)
    X = np.array([[0.2], [0.6]])
    Y = f(X)
    assert f.replicates.shape == (3, 2, 1)
    np.testing.assert_allclose(Y[:, 0], f.replicates[:, :, 0].mean(axis=0), rtol=0, atol=0)
    # replicate 0 is the single-seed run; the other replicates differ from it
    single = scenario_function(LEADER, ["mirroring"], ["member_valence_final"], steps=10,
                               seed=4)(X)
    np.testing.assert_array_equal(f.replicates[0], single)
    assert not np.allclose(f.replicates[1], f.replicates[0])
    table = sensitivity(LEADER, PARAMS, method="rbd_fast", samples=24, steps=10, seed=4,
                        reps=2, metrics=["member_valence_final", "member_arousal_final"],
                        progress=False)
    assert table.attrs["runs"] == 48 and "noise_share" in table
    shares = table.groupby("metric")["noise_share"].first()
    assert ((shares >= 0) & (shares < 1)).all()  # the parameters move the means more
    with pytest.raises(ValueError, match="reps=0"):
        sensitivity(LEADER, PARAMS, method="rbd_fast", samples=24, reps=0, progress=False)
