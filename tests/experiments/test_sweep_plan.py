"""Grids, run identities and seeds: validation and the properties reproducibility rests on."""

import numpy as np
import pytest

import scenarios
from contagion.experiments.plan import make_plan, parse_grid_value

LEADER = scenarios.get("leader_team")
CROWD = scenarios.get("football_crowd")


def runs(grid, reps=2, seed=0, scenario=LEADER):
    return list(make_plan(scenario, grid, reps, seed).runs())


# -- the CLI grid syntax -------------------------------------------------------------
def test_range_gives_n_values_with_both_ends_and_clean_decimals():
    assert parse_grid_value("mirroring", "0:1:11") == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
                                                        0.7, 0.8, 0.9, 1.0]
    assert parse_grid_value("m", "-1:1:3") == [-1.0, 0.0, 1.0]


def test_comma_list_and_single_value():
    assert parse_grid_value("outgroup_sign", "-1,0,0.5") == [-1, 0, 0.5]
    assert parse_grid_value("mirroring", "0.3") == 0.3
    assert parse_grid_value("goals", "random") == "random"
    assert parse_grid_value("goals", '[[10, "home"]]') == [[10, "home"]]


@pytest.mark.parametrize("text, message", [
    ("0:1:0", "n must be an integer >= 1"),
    ("a:b", "malformed"),
    ("0:1", "malformed"),
    ("0:1:x", "malformed"),
    ("0:1:2:3", "malformed"),
    ("0:1:1", "ambiguous"),
    ("", "no value"),
    ("1,,2", "empty item"),
])
def test_malformed_grid_text_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_grid_value("mirroring", text)


# -- validation against the scenario's parameters -------------------------------------
def test_unknown_parameter_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown parameter .*'mirorring'.*did you mean "
                                         r"'mirroring'.*valid names: .*leader_mood"):
        make_plan(LEADER, {"mirorring": [0.1]}, 1, 0)


@pytest.mark.parametrize("grid, message", [
    ({"mirroring": [0.5, 31.5]}, r"mirroring=31.5 is out of range: allowed \[0, 30\]"),
    ({"leader_mood": -2}, r"leader_mood=-2 is out of range"),
    ({"members": [2.5]}, "members=2.5 is not an integer"),
    ({"mirroring": []}, "list of values is empty"),
    ({"mirroring": [0.1, 0.1]}, "listed twice"),
    ({"seed": [1, 2]}, "column of the sweep table"),
])
def test_bad_grid_values_are_refused(grid, message):
    with pytest.raises(ValueError, match=message):
        make_plan(LEADER, grid, 1, 0)


@pytest.mark.parametrize("reps, seed, message", [
    (0, 0, "reps=0 is invalid"), (1.5, 0, "reps=1.5"), (1, -1, "seed=-1 is invalid")])
def test_bad_reps_and_seed_are_refused(reps, seed, message):
    with pytest.raises(ValueError, match=message):
        make_plan(LEADER, {}, reps, seed)


# -- expansion ----------------------------------------------------------------------------
def test_lists_are_crossed_and_scalars_constant():
    plan = make_plan(LEADER, {"mirroring": [0.1, 0.2, 0.3], "leader_mood": (-1, 1),
                              "members": 4}, 2, 0)
    all_runs = list(plan.runs())
    assert plan.total == len(all_runs) == 3 * 2 * 2
    assert {(r.params["mirroring"], r.params["leader_mood"]) for r in all_runs} == {
        (m, s) for m in (0.1, 0.2, 0.3) for s in (-1.0, 1.0)}
    assert all(r.params["members"] == 4 for r in all_runs)
    assert [r.replicate for r in all_runs[:4]] == [0, 1, 0, 1]  # replicates innermost


def test_numpy_arrays_and_ranges_are_lists_and_values_become_plain_python():
    plan = make_plan(LEADER, {"mirroring": np.linspace(0, 1, 3), "members": range(2, 4)}, 1, 0)
    values = [r.params for r in plan.runs()]
    assert len(values) == 6
    assert all(type(p["mirroring"]) is float and type(p["members"]) is int for p in values)


def test_goals_value_is_one_constant_and_a_list_of_matches_is_crossed():
    one = make_plan(CROWD, {"goals": [[10, "home"]]}, 1, 0)
    assert one.total == 1 and one.constants["goals"] == ((10, "home"),)
    two = make_plan(CROWD, {"goals": [[[10, "home"]], "random"]}, 1, 0)
    assert two.total == 2


# -- identity and seeds ---------------------------------------------------------------------
def test_run_ids_and_seeds_are_unique_and_seeds_fit_in_int64():
    all_runs = runs({"mirroring": [0.1, 0.2, 0.3, 0.4]}, reps=25)
    assert len({r.run_id for r in all_runs}) == len({r.seed for r in all_runs}) == 100
    assert all(0 <= r.seed < 2**63 for r in all_runs)


def test_seed_depends_on_identity_not_on_position_in_the_grid():
    forward = {(r.params["mirroring"], r.replicate): (r.run_id, r.seed)
               for r in runs({"mirroring": [0.1, 0.2, 0.3], "leader_mood": 0.5})}
    backward = {(r.params["mirroring"], r.replicate): (r.run_id, r.seed)
                for r in runs({"leader_mood": 0.5, "mirroring": [0.3, 0.2, 0.1]})}
    assert forward == backward
    # a grid with fewer points: the runs it shares keep their seeds
    fewer = {(r.params["mirroring"], r.replicate): (r.run_id, r.seed)
             for r in runs({"mirroring": [0.2], "leader_mood": 0.5})}
    assert fewer.items() <= forward.items()


def test_seed_changes_with_root_seed_but_run_id_does_not():
    a, b = runs({"mirroring": [0.1]}, seed=1), runs({"mirroring": [0.1]}, seed=2)
    assert [r.run_id for r in a] == [r.run_id for r in b]
    assert not {r.seed for r in a} & {r.seed for r in b}


def test_seeds_are_pinned():
    """Regression: the seed derivation must not change silently (old datasets would not resume)."""
    run = runs({"mirroring": [0.5]}, reps=1, seed=42)[0]
    assert (run.run_id, run.seed) == (PINNED_ID, PINNED_SEED)


PINNED_ID, PINNED_SEED = "4bf58ef6e6ba3175", 4108164606962294557


def test_a_plan_owns_the_rows_of_its_runs_only():
    plan = make_plan(LEADER, {"mirroring": [0.1, 0.2]}, 2, 0)
    for run in plan.runs():
        row = {"run_id": run.run_id, "replicate": run.replicate, "seed": run.seed,
               **run.params}
        assert plan.owns(row)
        assert not plan.owns({**row, "mirroring": 0.3})  # another run's values
        assert not plan.owns({**row, "replicate": 2})  # beyond reps
        assert not plan.owns({k: v for k, v in row.items() if k != "mirroring"})
    assert not plan.owns({"run_id": "x"})
    assert not plan.owns([1, 2])
