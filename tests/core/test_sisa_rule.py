"""The sisa rule: its step, and agreement with its mean field in a large well-mixed population.

A well-mixed population (a complete graph whose every pair has weight k / (N - 1)) of
N = 10,000 must settle within 2 % of the mean-field shares. The right limit to compare
with is the fixed point of the dt-step map (the rule integrates the hazards over steps
of dt): it differs from the ODE's by O(dt), 1.3 % on the neutral share at dt = 0.1 year.
"""

from __future__ import annotations

import numpy as np
import pytest

from contagion import ContagionModel, networks
from contagion.params import PARAMETERS
from contagion.rules import sisa
from contagion.rules.sisa_theory import (discrete_map_fixed_point, mean_field_fixed_point,
                                         mean_field_rhs, pair_fixed_point)

RATES = {name: PARAMETERS[name].default for name in (
    "content_rate", "discontent_rate", "content_contagion", "discontent_contagion",
    "content_recovery", "discontent_recovery", "content_to_discontent", "discontent_to_content")}


def test_the_step_moves_only_along_the_rules_arrows():
    rng = np.random.default_rng(0)
    state = rng.integers(0, 3, 20000).astype(np.int8)
    h1, h2 = sisa.hazards(state, rng.uniform(0, 10, 20000), rng.uniform(0, 10, 20000), 1.0,
                          {**RATES, "content_to_discontent": 0.5})
    new = sisa.transition(state, h1, h2, rng.random(20000), 1.0)
    pairs = set(zip(state.tolist(), new.tolist()))
    assert (sisa.DISCONTENT, sisa.CONTENT) not in pairs  # discontent_to_content = 0
    assert (sisa.CONTENT, sisa.DISCONTENT) in pairs and (sisa.NEUTRAL, sisa.CONTENT) in pairs
    assert set(np.unique(new)) <= {0, 1, 2}


def test_one_step_has_the_competing_risks_probabilities():
    n = 200_000
    state = np.zeros(n, dtype=np.int8)
    h1, h2, dt = np.full(n, 0.6), np.full(n, 0.2), 0.5
    new = sisa.transition(state, h1, h2, np.random.default_rng(1).random(n), dt)
    leave = -np.expm1(-0.8 * dt)
    for mood, p in ((sisa.CONTENT, leave * 0.75), (sisa.DISCONTENT, leave * 0.25)):
        observed = np.mean(new == mood)
        assert abs(observed - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_mean_field_fixed_point_is_stationary_positive_and_bounded_below():
    shares = mean_field_fixed_point(RATES, 11.0)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(mean_field_rhs(shares, RATES, 11.0), 0.0, atol=1e-12)
    neutral, content, discontent = shares
    assert content >= RATES["content_rate"] * neutral / RATES["content_recovery"]
    assert discontent >= RATES["discontent_rate"] * neutral / RATES["discontent_recovery"]
    np.testing.assert_allclose(shares, [0.2112, 0.7099, 0.0789], atol=1e-4)
    switches = {**RATES, "content_to_discontent": 0.009, "discontent_to_content": 0.07}
    other = mean_field_fixed_point(switches, 11.0)  # the ODE route, with direct switches
    np.testing.assert_allclose(mean_field_rhs(other, switches, 11.0), 0.0, atol=1e-9)


def test_the_dt_map_tends_to_the_ode_and_the_pair_approximation_to_the_mean_field():
    ode = mean_field_fixed_point(RATES, 11.0)
    gaps = [np.abs(discrete_map_fixed_point(RATES, 11.0, dt) - ode).max() for dt in (0.2, 0.1, 0.05)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[1] / gaps[2] == pytest.approx(2, rel=0.1)
    pairs = pair_fixed_point(RATES, 11.0, 10.0)  # a random 11-regular graph: q = k - 1
    assert pairs.sum() == pytest.approx(1.0, abs=1e-9)
    assert 0 < np.abs(pairs - ode).max() < 0.003  # correlations on a network: small here
    assert pairs[0] > ode[0]  # neighbours' moods correlate: fewer fresh contacts to catch from


def test_a_well_mixed_population_of_ten_thousand_settles_on_the_mean_field():
    n, dt, contacts = 10_000, 0.1, 11.0
    rng = np.random.default_rng(7)
    state = np.zeros(n, dtype=np.int8)
    shares = []
    for step in range(2000):  # 200 years, the first 50 a burn-in
        content, discontent = sisa.well_mixed_counts(state, contacts)
        h1, h2 = sisa.hazards(state, content, discontent, 1.0, RATES)
        state = sisa.transition(state, h1, h2, rng.random(n), dt)
        if step >= 500:
            shares.append(np.bincount(state, minlength=3) / n)
    simulated = np.mean(shares, axis=0)
    limit = discrete_map_fixed_point(RATES, contacts, dt)
    np.testing.assert_allclose(simulated, limit, rtol=0.02)
    np.testing.assert_allclose(simulated, mean_field_fixed_point(RATES, contacts), rtol=0.02)


def test_the_model_on_a_small_complete_graph_agrees_with_the_rule_functions():
    """The model counts contacts with channel strengths: weights k / (N - 1) make it well mixed."""
    import networkx as nx

    n, contacts = 60, 11.0
    graph = nx.complete_graph(n)
    nx.set_edge_attributes(graph, contacts / (n - 1), "weight")
    model = ContagionModel(graph, rule="sisa", dt=0.1, time_unit="year", initial_valence=0.0,
                           rng=4)
    for _ in range(100):
        content, discontent = model.dynamics.contacts(model)
        expected = sisa.well_mixed_counts(model.state, contacts)
        np.testing.assert_allclose(content, expected[0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(discontent, expected[1], rtol=1e-12, atol=1e-12)
        model.step()
    assert len(np.unique(model.state)) > 1


def test_prevalence_vanishes_without_spontaneous_rates_and_weak_contagion():
    n = 1000
    graph = networks.random_graph(n, degree=11, rng=2)
    weak = {**RATES, "content_rate": 0.0, "discontent_rate": 0.0, "content_contagion": 0.003,
            "discontent_contagion": 0.006}
    start = np.random.default_rng(2).choice([1.0, 0.0, -1.0], n, p=[0.05, 0.9, 0.05])
    model = ContagionModel(graph, rule="sisa", dt=0.1, time_unit="year", initial_valence=start,
                           rng=2, **weak)
    model.run(1000)
    assert (model.state == sisa.NEUTRAL).all()  # both moods died out within 100 years
    kept = ContagionModel(graph, rule="sisa", dt=0.1, time_unit="year", initial_valence=start,
                          rng=2, **{**weak, "content_rate": 0.18, "discontent_rate": 0.04})
    kept.run(1000)
    frame = kept.dataframe()
    content = frame["fraction_positive"].to_numpy()
    discontent = ((frame["fraction_positive"] - frame["valence"])).to_numpy()
    assert content[10:].min() > 0.05 and discontent[10:].min() > 0.01
