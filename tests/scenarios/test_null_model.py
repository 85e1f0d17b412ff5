"""The nulls of every scenario: no social contagion (the fair null) and no stimulus.

``Scenario.build(null="social")`` cuts social contagion and keeps every stimulus: its
run is the same as on the same network with every tie cut, on every column of its
table (nobody sees what anybody feels or chooses). ``null="stimulus"``
removes the stimuli. ``Scenario.compare_null`` and ``contagion run NAME --null``
report each key metric and outcome for the full model and both nulls over ten seeds,
and the social part (full minus no social, paired by seed) with its 95 % interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scenario_helpers import short, small

import scenarios
from contagion.model import ContagionModel
from scenarios.compare import COLUMNS, interval

STIMULUS_SCENARIOS = {"borderline_profile": "control_valence", "football_crowd": "home_valence",
                      "sad_film": "audience_valence", "vicarious_shame": "observer_valence",
                      "art_gallery": "company_arousal", "mexican_wave": "initiators_arousal"}


def _cut_ties(graph_function):
    def build(rng):
        graph = graph_function(rng)
        alone = graph.__class__()
        alone.add_nodes_from(graph.nodes(data=True))
        return alone
    return build


def _alone(scenario, name: str, seed: int, null: ContagionModel) -> ContagionModel:
    """The people of ``null`` (same seed) on their network with every tie cut.

    Measures that sort people by the network as drawn (``contacts_*``: who is a friend
    of the profile) read the same ties as in the null; only perception is cut. The
    model's first row is collected again with them.
    """
    kwargs = scenario.model_kwargs(**small(name))
    kwargs["graph"] = _cut_ties(kwargs["graph"])
    alone = ContagionModel(**kwargs, rng=seed)
    if "_contact_cache" in null.__dict__:
        alone._contact_cache = dict(null._contact_cache)
        alone.datacollector.collect(alone)
    return alone


@pytest.mark.parametrize("name", scenarios.names())
def test_the_fair_null_is_the_same_people_with_every_tie_cut(name):
    """Every column of the run table: moods, and what people choose (nobody sees what
    anybody did), in every rule."""
    scenario = scenarios.get(name)
    steps = min(scenario.steps, 40)
    for seed in (0, 1, 2):
        null = scenario.build(seed, null="social", **small(name))
        alone = _alone(scenario, name, seed, null)
        assert alone.in_edges.nnz == 0 and null.in_edges.nnz > 0
        pd.testing.assert_frame_equal(null.run(steps), alone.run(steps), check_exact=False,
                                      rtol=0, atol=1e-12, obj=f"{name} seed {seed}")
        np.testing.assert_allclose(null.valence, alone.valence, rtol=0, atol=1e-12)
        np.testing.assert_allclose(null.arousal, alone.arousal, rtol=0, atol=1e-12)
        for choice, chosen in null.choices.items():
            np.testing.assert_array_equal(chosen, alone.choices[choice])
        if null.dynamics is not None:  # a discrete rule: everyone's state too
            np.testing.assert_array_equal(null.state, alone.state)


@pytest.mark.parametrize("name", sorted(STIMULUS_SCENARIOS))
def test_the_fair_null_keeps_the_stimuli_and_the_other_null_removes_them(name):
    scenario, column = scenarios.get(name), STIMULUS_SCENARIOS[name]
    no_social = scenario.run(None, 0, null="social", **small(name))
    no_stimulus = scenario.run(None, 0, null="stimulus", **small(name))
    assert np.ptp(no_social[column]) > 0.05  # people still react to what they see
    assert np.ptp(no_social[column]) > 5 * np.ptp(no_stimulus[column])


def test_an_unknown_null_is_refused_by_name():
    with pytest.raises(ValueError, match=r"null='mirroring' is not known: allowed social, "
                                         r"stimulus or None"):
        scenarios.get("leader_team").build(0, null="mirroring")


@pytest.mark.parametrize("name", scenarios.names())
def test_compare_null_reports_full_both_nulls_and_the_social_part_with_its_interval(name):
    scenario = scenarios.get(name)
    table = scenario.compare_null(steps=short(name), rng=3, seeds=3, **small(name))
    assert list(table.columns) == list(COLUMNS)
    assert table.index.name == "metric"
    expected = [f"{m}_final" for m in scenario.key_metrics] + list(scenario.outcomes)
    assert list(table.index) == expected
    runs = {null: [scenario.summary_values(scenario.run(short(name), seed, null=null,
                                                        **small(name)))
                   for seed in (3, 4, 5)] for null in (None, "social", "stimulus")}
    for metric in expected:
        full = np.array([r[metric] for r in runs[None]])
        no_social = np.array([r[metric] for r in runs["social"]])
        part, low, high, n = interval(full - no_social)
        row = table.loc[metric]
        assert row["seeds"] == n
        np.testing.assert_allclose([row["social"], row["social_low"], row["social_high"]],
                                   [part, low, high], rtol=0, atol=1e-12, equal_nan=True)
        if n:
            assert row["social_low"] <= row["social"] <= row["social_high"]


def test_the_interval_is_students_t():
    mean, low, high, n = interval([1.0, 2.0, 3.0, np.nan])
    assert (mean, n) == (2.0, 3)
    assert high - mean == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))
    assert interval([]) [3] == 0 and np.isnan(interval([5.0])[1])


def test_every_scenario_has_an_emergent_result_that_the_fair_null_does_not_have():
    """Some key metric or outcome differs between full and fair null, beyond chance."""
    for name in scenarios.names():
        table = scenarios.get(name).compare_null(rng=0, seeds=5, **small(name))
        clear = table[(table["social_low"] > 0) | (table["social_high"] < 0)]
        assert len(clear) > 0, name


def test_compare_null_table_is_the_same_for_the_same_seeds():
    scenario = scenarios.get("vicarious_shame")
    first = scenario.compare_null(rng=2, seeds=3, **small("vicarious_shame"))
    second = scenario.compare_null(rng=2, seeds=3, **small("vicarious_shame"))
    pd.testing.assert_frame_equal(first, second)
