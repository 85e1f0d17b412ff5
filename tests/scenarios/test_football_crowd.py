"""football_crowd: goals, in-group mirroring, rival counter-mirroring, expertise.

A 12 x 16 stadium (96 fans a side) over seeds 0-4, default match (home 15,
away 45, home 80). Observed means: at the first home goal (step 14 -> 15) home
valence +0.75, away valence -0.76, arousal +0.38 on both sides; home experts'
valence (expertise >= 0.7) +0.90 against novices' (<= 0.3) +0.59; at the final
whistle home +0.37, away -0.36.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scenario_helpers import at, runs

import scenarios

SIZE = {"rows": 12, "cols": 16}
FIRST_GOAL = 15  # home; the default goals are [[15, "home"], [45, "away"], [80, "home"]]


def jumps(column, step=FIRST_GOAL):
    """Per seed: ``column`` just after minus just before the goal at ``step``."""
    return np.array([at(f, step, column) - at(f, step - 1, column) for f in runs(
        "football_crowd", **SIZE)])


def test_home_goal_lifts_home_sinks_away_and_arouses_both():
    assert (jumps("home_valence") > 0.4).all()  # observed +0.75
    assert (jumps("away_valence") < -0.4).all()  # observed -0.76
    assert (jumps("home_arousal") > 0.2).all() and (jumps("away_arousal") > 0.2).all()  # +0.38


def test_away_goal_mirrors_the_home_goal():
    assert (jumps("away_valence", 45) > 0.4).all()
    assert (jumps("home_valence", 45) < -0.4).all()


def test_experts_respond_more_than_novices():
    gap = jumps("home_expert_valence") - jumps("home_novice_valence")
    assert (gap > 0.15).all() and gap.mean() > 0.2  # observed 0.90 vs 0.59


def test_final_whistle_one_side_celebrates_the_other_grieves():
    frames = runs("football_crowd", **SIZE)
    home = np.array([f["home_valence"].iloc[-1] for f in frames])
    away = np.array([f["away_valence"].iloc[-1] for f in frames])
    assert (home > 0.2).all() and (away < -0.2).all()  # 2-1 home; observed +0.37 / -0.36
    reversed_match = runs("football_crowd", goals=[[15, "away"], [45, "home"], [80, "away"]],
                          **SIZE)
    assert all(f["home_valence"].iloc[-1] < -0.2 < 0.2 < f["away_valence"].iloc[-1]
               for f in reversed_match)


def _goals(model):
    return [(e.step, e.who) for e in model.events if e.valence > 0]


def test_random_goals_are_drawn_from_the_seed():
    crowd = scenarios.get("football_crowd").replace(goals="random", **SIZE)
    matches = [_goals(crowd.build(seed)) for seed in range(10)]
    assert matches == [_goals(crowd.build(seed)) for seed in range(10)]  # same seed, same match
    assert len({tuple(m) for m in matches}) >= 5  # different seeds, different matches
    steps = [step for match in matches for step, _ in match]
    assert steps and 1 <= min(steps) and max(steps) <= 89  # within the 90-minute match


def test_no_goals_no_split():
    for frame in runs("football_crowd", goals=[], **SIZE):
        # only the random seats and ties differ between the stands: no split (observed < 0.001)
        assert abs(frame["home_valence"].iloc[-1] - frame["away_valence"].iloc[-1]) < 0.02


def test_seat_positions_form_two_stands():
    rows, cols = 5, 8
    model = scenarios.get("football_crowd").build(0, rows=rows, cols=cols)
    pos = nx.get_node_attributes(model.graph, "pos")
    group = nx.get_node_attributes(model.graph, "group")
    assert len(pos) == rows * cols and len(set(pos.values())) == rows * cols
    home = {pos[n] for n in pos if group[n] == "home"}
    away = {pos[n] for n in pos if group[n] == "away"}
    assert home == {(float(x), float(y)) for x in range(4) for y in range(rows)}
    assert away == {(float(x), float(y)) for x in range(5, 9) for y in range(rows)}  # x=4: pitch
    for u, v, w in model.graph.edges(data="weight", default=1.0):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        if group[u] == group[v]:  # adjacent seat or a friend up to 2 seats away
            assert w == 1.0 and max(abs(x1 - x2), abs(y1 - y2)) <= 2
        else:  # a rival seen across the pitch, weaker
            assert w < 1.0
    for n, (x, y) in pos.items():  # every seat perceives the seats next to it
        neighbours = {pos[m] for m in model.graph[n]}
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            seat = (x + dx, y + dy)
            if seat in (home if group[n] == "home" else away):
                assert seat in neighbours
