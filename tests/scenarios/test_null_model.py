"""The null model of every scenario: mirroring 0, all else equal.

``Scenario.compare_null`` and ``contagion run NAME --null`` report each key
metric's final value and each outcome with and without mirroring, and the
difference (``mirroring_part``). In the null model no agent is moved by another:
its run is the same as on the same network with every tie cut. Shocks (goals)
still move people; broadcasts (a film, an incident, a scene) are perceived
through mirroring, so in the null model nobody reacts to them either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scenario_helpers import SEEDS, small

import scenarios
from contagion.model import ContagionModel


def _cut_ties(graph_function):
    def build(rng):
        graph = graph_function(rng)
        alone = graph.__class__()
        alone.add_nodes_from(graph.nodes(data=True))
        return alone
    return build


@pytest.mark.parametrize("name", scenarios.names())
def test_null_model_no_agent_is_moved_by_another(name):
    scenario = scenarios.get(name)
    steps = min(scenario.steps, 40)
    for seed in SEEDS[:2]:
        null = scenario.build(seed, **small(name))
        null.mirroring = 0.0
        null.run(steps)
        kwargs = scenario.model_kwargs(**small(name))
        kwargs["graph"] = _cut_ties(kwargs["graph"])
        alone = ContagionModel(**kwargs, rng=seed)
        alone.mirroring = 0.0
        alone.run(steps)
        assert alone.in_edges.nnz == 0 and null.in_edges.nnz > 0
        np.testing.assert_array_equal(null.valence, alone.valence)
        np.testing.assert_array_equal(null.arousal, alone.arousal)


@pytest.mark.parametrize("name", scenarios.names())
def test_compare_null_reports_the_mirroring_part(name):
    scenario = scenarios.get(name)
    table = scenario.compare_null(rng=3, **small(name))
    assert list(table.columns) == ["with_mirroring", "null", "mirroring_part"]
    assert table.index.name == "metric"
    expected = [f"{m}_final" for m in scenario.key_metrics] + list(scenario.outcomes)
    assert list(table.index) == expected
    pd.testing.assert_series_equal(table["mirroring_part"], table["with_mirroring"] - table["null"],
                                   check_names=False)
    full = scenario.summary_values(scenario.run(None, 3, **small(name)))
    null = scenario.summary_values(scenario.run(None, 3, null=True, **small(name)))
    assert table["with_mirroring"].to_dict() == pytest.approx(full, nan_ok=True)
    assert table["null"].to_dict() == pytest.approx(null, nan_ok=True)


def test_leader_team_null_members_stay_at_start():
    table = scenarios.get("leader_team").compare_null(rng=0)
    assert table.loc["member_valence_final", "null"] == 0.0
    assert table.loc["member_valence_final", "mirroring_part"] == pytest.approx(0.40, abs=0.01)
    frame = scenarios.get("leader_team").run(rng=0, null=True)
    assert (frame["member_valence"] == 0.0).all() and (frame["member_arousal"] == 0.4).all()


def test_football_null_goals_still_move_fans_but_nothing_spreads():
    frame = scenarios.get("football_crowd").run(rng=0, null=True, rows=12, cols=16)
    assert frame["home_valence"].iloc[-1] > 0.3 > -0.3 > frame["away_valence"].iloc[-1]
    # without mirroring a goal's effect depends on one's own expertise only
    model = scenarios.get("football_crowd").build(0, rows=12, cols=16)
    model.mirroring = 0.0
    model.run(20)
    home = model.group_codes == model.group_names.index("home")
    x = model.traits["expertise"][home]
    assert np.corrcoef(x, model.valence[home])[0, 1] > 0.99


def test_broadcast_scenarios_null_nobody_reacts():
    for name, column in (("sad_film", "audience_valence"), ("vicarious_shame", "observer_valence"),
                         ("borderline_profile", "control_valence")):
        frame = scenarios.get(name).run(rng=0, null=True)
        assert np.ptp(frame[column]) == 0.0, name
