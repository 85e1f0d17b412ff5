"""Runs of every scenario advanced as ensembles equal the same runs made one at a time.

For each built-in scenario: variants with drawn people (heterogeneity), noise, the
scenario's events (stimuli, pins, goals, a scripted story) and choices, several seeds,
in a shuffled order, batched 1, 7 and 64 at a time. Every run's per-step table and its
summary row (finals and outcomes) equal ``Scenario.run`` and the sweep's one-run task to
1e-12; a run's numbers do not depend on its batch at all.
"""

from __future__ import annotations

import dataclasses
import random
import warnings

import mesa
import numpy as np
import pandas as pd
import pytest

import scenarios
from contagion.experiments.ensemble import batch_run, run_many
from contagion.experiments.execute import run_task
from contagion.experiments.sweep import run_sweep
from scenarios import batch_measures

TOLERANCE = 1e-12
SEEDS = (3, 4, 5)
#: Per scenario: a small size, the steps to run, and variants beyond the defaults.
CASES = {
    "leader_team": ({}, 40, [{"leader_mood": -0.8, "noise": 0.05},  # noise and choices
                             {"members": 3, "heterogeneity": 2.0}]),
    "boss_cascade": ({}, 70, [{"teams": 2, "noise": 0.05},
                              {"manager_mood": -0.9, "mirroring": 3.0}]),  # stiff: in parts
    "football_crowd": ({"rows": 6, "cols": 8}, 45, [{"goals": "random", "noise": 0.05},
                                                    {"outgroup_sign": 0.5}]),
    "borderline_profile": ({"n_agents": 30}, 50, [{"profile_share": 0.0},
                                                  {"profile_share": 0.5, "noise": 0.03}]),
    "sad_film": ({"viewers": 20}, 70, [{"together": 0}, {"amplification": 0.0, "noise": 0.02}]),
    "speaker_listener": ({"listeners": 8}, 60, [{"anticipation": 5.0}, {"listener_ties": 4}]),
    "vicarious_shame": ({"observers": 8, "rivals": 4}, 30,
                        [{"looking_away": 0.0}, {"outgroup_sign": 1.0, "noise": 0.05}]),
}


def _runs(name: str) -> list[tuple[dict, int]]:
    size, _, variants = CASES[name]
    runs = [({**size, **variant}, seed) for variant in [{}, *variants] for seed in SEEDS]
    random.Random(name).shuffle(runs)
    return runs


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    """A scenario, its runs, and each run's table made one model at a time."""
    name = request.param
    scenario = scenarios.get(name)
    steps = CASES[name][1]
    runs = _runs(name)
    return scenario, steps, runs, [scenario.run(steps, seed, **p) for p, seed in runs]


def _same_frame(got: pd.DataFrame, expected: pd.DataFrame, context) -> None:
    assert list(got.columns) == list(expected.columns), context
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=0, atol=TOLERANCE,
                                  obj=str(context))


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_every_run_of_an_ensemble_has_its_own_table(case, batch_size):
    scenario, steps, runs, expected = case
    frames = run_many(scenario, runs, steps, frames=True, batch_size=batch_size)
    for run, frame, reference in zip(runs, frames, expected):
        _same_frame(frame, reference, (scenario.name, batch_size, run))


def test_summary_rows_are_the_sweeps_rows(case):
    """Finals of every column and every outcome, as a sweep's one-run task gives them."""
    scenario, steps, runs, _ = case
    table = run_many(scenario, runs, steps, batch_size=7)
    toml = scenario.to_toml()
    outcomes_seen = set()
    for i, (params, seed) in enumerate(runs):
        task = {"scenario": toml, "params": params, "seed": seed, "steps": steps,
                "every": None, "meta": {}}
        expected = run_task(task)[0]
        row = table.iloc[i]
        for column, value in expected.items():
            context = (scenario.name, params, seed, column)
            if isinstance(value, float):
                assert row[column] == pytest.approx(value, abs=TOLERANCE, rel=0, nan_ok=True), \
                    context
            else:  # a parameter as a table cell (goals as JSON text)
                assert row[column] == value, context
        outcomes_seen |= {k for k in scenario.outcomes if not np.isnan(expected[k])}
        assert set(table.columns) >= set(expected)
    assert outcomes_seen == set(scenario.outcomes)  # every outcome compared on a value


def test_a_run_gives_the_same_numbers_in_any_batch(case):
    """Not only to 1e-12: the ensemble's own numbers do not depend on the other runs."""
    scenario, steps, runs, _ = case
    alone = run_many(scenario, runs[:2], steps, batch_size=1)
    among = run_many(scenario, runs[::-1], steps, batch_size=64).iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, among.iloc[:2][alone.columns])


def test_sixty_four_runs_in_one_ensemble():
    scenario = scenarios.get("leader_team")
    runs = [({"leader_mood": mood, "mirroring": m}, seed) for mood in (-0.7, 0.0, 0.7)
            for m in (0.1, 0.4) for seed in range(11)][:64]
    random.Random(64).shuffle(runs)
    frames = run_many(scenario, runs, 25, frames=True, batch_size=64)
    for run, frame in zip(runs, frames):
        _same_frame(frame, scenario.run(25, run[1], **run[0]), run)


def test_a_shock_declared_in_a_scenario_file():
    """Shocks reach the ensemble through a scenario file too (the library has none)."""
    team = scenarios.get("leader_team")
    shock = {"type": "shock", "at": 5.0, "valence": -1.2, "arousal": 0.4, "who": "member",
             "scale_by_expertise": True}
    scenario = dataclasses.replace(team, name="shocked_team", events=(*team.events, shock))
    runs = [({"expertise_gain": 2.0, "expertise": 0.5}, seed) for seed in (1, 2)]
    for run, frame in zip(runs, run_many(scenario, runs, 12, frames=True)):
        reference = scenario.run(12, run[1], **run[0])
        _same_frame(frame, reference, run)
        assert reference["member_valence"][5] < reference["member_valence"][4] - 0.3


def test_a_scenario_the_ensemble_cannot_run_falls_back_with_one_notice(monkeypatch):
    scenario = scenarios.get("leader_team")
    runs = [({"members": 3}, 1), ({"members": 3}, 2)]
    batched = run_many(scenario, runs, 10)
    monkeypatch.delitem(batch_measures.BATCH_MEASURES, "synchrony")
    monkeypatch.setattr("scenarios.batch.BATCH_MEASURES", batch_measures.BATCH_MEASURES)
    with pytest.warns(RuntimeWarning, match=r"leader_team: running one model at a time: metric "
                                            r"pairs_in_step uses measure 'synchrony'") as caught:
        fallback = run_many(scenario, runs, 10)
    assert len(caught) == 1
    pd.testing.assert_frame_equal(batched, fallback, check_exact=False, rtol=0, atol=TOLERANCE)
    notices = []
    result = run_sweep(scenario, {"members": 3}, reps=2, steps=10, progress=False,
                       warn=notices.append)
    assert result.ran == 2 and len(notices) == 1 and "one model at a time" in notices[0]


@pytest.mark.parametrize("period", [-1, 1, 4])
def test_batch_run_gives_mesas_rows(period):
    scenario = scenarios.get("leader_team")
    kwargs = dict(parameters={"mirroring": [0.2, 0.6], "members": 4}, rng=[101, 102],
                  max_steps=15, data_collection_period=period, display_progress=False)
    expected = mesa.batch_run(scenario.model_class(), **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback notice: this runs as an ensemble
        rows = batch_run(scenario.model_class(), **kwargs)
    assert len(rows) == len(expected) == {-1: 4, 1: 64, 4: 16}[period]
    for row, reference in zip(rows, expected):
        assert list(row) == list(reference)
        for key, value in reference.items():
            assert type(row[key]) is type(value), key
            assert row[key] == pytest.approx(value, abs=TOLERANCE, rel=0), key


def test_batch_run_of_a_model_class_of_its_own_goes_to_mesa():
    scenario = scenarios.get("leader_team")

    class Louder(scenario.model_class()):
        pass

    with pytest.warns(RuntimeWarning, match="Louder: running one model at a time with "
                                            "mesa.batch_run: it is a subclass"):
        rows = batch_run(Louder, {"members": 3}, rng=[1], max_steps=3, display_progress=False)
    assert len(rows) == 1 and rows[0]["Step"] == 3


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_size=0), "batch_size=0 is invalid: allowed integers >= 1"),
    (dict(steps=-1), "steps=-1 is invalid"),
])
def test_bad_arguments_name_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_many("leader_team", [({}, 1)], **kwargs)


@pytest.mark.parametrize("runs, message", [
    ([({}, -1)], r"run 0 with \{\}: rng=-1 is not a seed"),
    ([({}, 1), ({"members": 1}, 2)], r"run 1 with \{'members': 1\}: members=1 is out of range"),
])
def test_a_run_that_cannot_be_built_names_itself(runs, message):
    with pytest.raises(ValueError, match=message):
        run_many("leader_team", runs, 5)
