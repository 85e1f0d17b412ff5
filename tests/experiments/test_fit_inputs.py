"""Fitting inputs: data tables, priors and the checks that refuse bad ones in one line."""

import numpy as np
import pandas as pd
import pytest

from contagion.experiments.fitting import fit, make_design, make_prior, read_data, simulate_observation
from contagion.experiments.fitting.data import value_range
from fit_helpers import PRIORS, TRUTH, data, team

METRICS = ["valence", "valence_sd", "arousal", "member_valence", "member_arousal", "change"]


def _read(frame):
    return read_data(frame, team(), METRICS)


def test_a_group_table_is_read_as_arrays_in_step_order():
    group = data(1).group
    table = _read(group.iloc[::-1])  # rows in any order
    assert table.kind == "group" and table.names == ("member_valence", "member_arousal")
    assert table.steps.tolist() == list(range(11))
    np.testing.assert_array_equal(table.values, group[["member_valence", "member_arousal"]])


def test_a_panel_is_read_as_variables_by_steps_by_agents():
    panel = data(1).panel
    table = _read(panel.sample(frac=1.0, random_state=0))  # rows in any order
    assert table.kind == "panel" and table.names == ("valence", "arousal")
    assert table.values.shape == (2, 11, 7) and sorted(table.agents) == list(range(7))
    k = table.agents.index(3)
    expected = panel[panel["agent"] == 3].sort_values("step")["valence"].to_numpy()
    np.testing.assert_array_equal(table.values[0, :, k], expected)


def test_time_in_the_scenarios_unit_is_read_as_steps():
    group = data(1).group.rename(columns={"step": "time"})
    assert _read(group).steps.tolist() == list(range(11))


def test_observing_every_other_step_is_allowed_and_simulated_at_those_steps():
    panel = data(1).panel
    sparse = panel[panel["step"] % 2 == 0]
    table = _read(sparse)
    assert table.steps.tolist() == [0, 2, 4, 6, 8, 10]
    design = make_design(team(), [table])
    simulated = simulate_observation(team(), TRUTH, 1, design)[0]
    np.testing.assert_allclose(simulated.values, table.values, atol=1e-12)  # same seed: the data


def test_with_the_observed_network_every_simulation_runs_on_it():
    graph = data(1).graph
    design = make_design(team(), [_read(data(1).panel)], graph)
    for seed in (1, 2):
        model = team().build(seed, space=False, graph=design.graph)
        assert sorted(map(sorted, model.graph.edges)) == sorted(map(sorted, graph.edges))
    other = team().build(2, space=False)  # without it, the recipe draws a network per seed
    assert sorted(map(sorted, other.graph.edges)) != sorted(map(sorted, graph.edges))


def test_a_simulation_with_the_datas_seed_reproduces_the_data_exactly():
    group = _read(data(5).group)
    panel = _read(data(5).panel)
    design = make_design(team(), [group, panel])
    simulated = simulate_observation(team(), TRUTH, 5, design)
    np.testing.assert_allclose(simulated[0].values, group.values, atol=1e-12)
    np.testing.assert_allclose(simulated[1].values, panel.values, atol=1e-12)


def _with(frame, row, column, value):
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize(("change", "message"), [
    (lambda g: g.assign(mood=0.1), r"column 'mood' is not a metric of scenario small_team"),
    (lambda g: _with(g, 4, "member_valence", np.nan), r"row 5, column 'member_valence': the value is missing \(NaN\)"),
    (lambda g: _with(g, 2, "member_arousal", 1.4), r"row 3, column 'member_arousal': 1.4 is out of range: allowed \[0, 1\]"),
    (lambda g: _with(g, 6, "member_valence", "high"), r"row 7, column 'member_valence': the value = 'high' is not a finite number"),
    (lambda g: _with(g, 3, "step", 2.5), r"row 4, column 'step': 2.5 is not a step"),
    (lambda g: _with(g, 3, "step", 2), r"row 4, column 'step': step 2 appears twice"),
    (lambda g: g.drop(columns="step"), r"no 'step' or 'time' column"),
    (lambda g: g.rename(columns={"step": "time"}).assign(time=lambda d: d["time"] * 0.5),
     r"row 2, column 'time': 0.5 is not a step of scenario small_team"),
    (lambda g: g.iloc[:0], r"the table has no rows"),
])
def test_bad_group_data_gets_one_line_naming_column_and_row(change, message):
    with pytest.raises(ValueError, match=message) as info:
        _read(change(data(1).group))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p.drop(index=20), r"column 'step': agent \d+ has no row for step \d+"),
    (lambda p: _with(p, 9, "valence", -1.5), r"row 10, column 'valence': -1.5 is out of range: allowed \[-1, 1\]"),
    (lambda p: _with(p, 9, "arousal", np.nan), r"row 10, column 'arousal': the value is missing"),
    (lambda p: p.assign(group="x"), r"column 'group' is not allowed in an individual panel"),
    (lambda p: pd.concat([p, p.iloc[[3]]], ignore_index=True), r"row 78: agent 3 at step 0 appears twice"),
    (lambda p: p.drop(columns=["valence", "arousal"]), r"needs a 'valence' or 'arousal' column"),
    (lambda p: p[p["step"] == 0], r"at least two observed steps"),
])
def test_bad_panels_get_one_line_naming_column_and_row(change, message):
    with pytest.raises(ValueError, match=message) as info:
        _read(change(data(1).panel))
    assert "\n" not in str(info.value)


def test_a_panel_agent_that_is_not_in_the_network_is_named():
    panel = data(1).panel.assign(agent=lambda p: p["agent"] + 40)
    with pytest.raises(ValueError, match=r"column 'agent': agent 40 is not a node of the network"):
        make_design(team(), [_read(panel)])


def test_files_are_read_by_suffix_and_other_files_refused(tmp_path):
    data(1).group.to_parquet(tmp_path / "group.parquet")
    assert _read(tmp_path / "group.parquet").kind == "group"
    (tmp_path / "group.txt").write_text("step\n0\n")
    with pytest.raises(ValueError, match=r"unknown suffix: allowed .csv, .parquet"):
        _read(tmp_path / "group.txt")
    with pytest.raises(ValueError, match="no such file"):
        _read(tmp_path / "missing.csv")


def test_value_ranges_follow_the_column_names():
    assert value_range("home_valence") == (-1.0, 1.0)
    assert value_range("member_arousal_sd") == (0.0, 1.0)
    assert value_range("fraction_positive") == (0.0, 1.0)
    assert value_range("pairs_in_step")[0] == -np.inf


# -- priors -------------------------------------------------------------------------------

def test_priors_by_name_and_their_90_percent_intervals():
    uniform = make_prior(team(), "mirroring", "0:1")
    assert (uniform.kind, uniform.a, uniform.b) == ("uniform", 0.0, 1.0)
    assert np.allclose(uniform.interval(), (0.05, 0.95))
    log = make_prior(team(), "regulation", "loguniform:0.01:1")
    assert np.allclose(log.interval(), (0.01 * 100**0.05, 0.01 * 100**0.95))
    normal = make_prior(team(), "leader_expressiveness", "normal:0.5:0.1")
    assert np.allclose(normal.interval(), (0.5 - 0.1645, 0.5 + 0.1645), atol=1e-3)
    assert normal.describe() == "normal(mean 0.5, sd 0.1) truncated to [0, 1]"
    assert make_prior(team(), "mirroring", (0.2, 0.4)).describe() == "uniform on [0.2, 0.4]"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("mirroring", "1:0", "LOW must be below HIGH"),
    ("mirroring", "0:31", r"reaches outside the parameter's range: mirroring allows \[0, 30\]"),
    ("leader_expressiveness", "normal:2:0.1", r"the mean is outside the parameter's range"),
    ("mirroring", "normal:0.5:0", "the sd must be > 0"),
    ("mirroring", "loguniform:0:1", "needs LOW > 0"),
    ("mirroring", "beta:1:2", "malformed: use mirroring=LOW:HIGH"),
    ("mirroring", "0:x", "malformed"),
    ("mirroring", "0:inf", "must be finite"),
    ("mirorring", "0:1", r"unknown parameter of scenario small_team 'mirorring' \(did you mean 'mirroring'\?\)"),
])
def test_bad_priors_get_one_line_naming_parameter_value_and_what_is_allowed(name, text, message):
    with pytest.raises(ValueError, match=message) as info:
        make_prior(team(), name, text)
    assert "\n" not in str(info.value)


def test_integer_parameters_cannot_be_fitted():
    import scenarios

    with pytest.raises(ValueError, match=r"members is an integer parameter.*--set members="):
        make_prior(scenarios.get("leader_team"), "members", "2:10")


def test_bad_input_leaves_no_folder_behind(tmp_path):
    out = tmp_path / "fit"
    with pytest.raises(ValueError, match="both fitted"):
        fit(team(), data(1).group, PRIORS, fixed={"mirroring": 0.2}, out=out, progress=False)
    with pytest.raises(ValueError, match="row 5"):
        fit(team(), _with(data(1).group, 4, "member_valence", np.nan), PRIORS, out=out,
            progress=False)
    with pytest.raises(ValueError, match="particles=5 is invalid"):
        fit(team(), data(1).group, PRIORS, out=out, particles=5, progress=False)
    assert not out.exists()
