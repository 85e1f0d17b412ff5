"""The parts of a fit that need no ABC run: summaries, weighted statistics, the report."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from contagion.experiments.fitting.data import Observed
from contagion.experiments.fitting.priors import make_prior
from contagion.experiments.fitting.report import identifiability
from contagion.experiments.fitting.results import posterior_summary, weighted_quantile
from contagion.experiments.fitting.summaries import POINTS, neighbour_matrix, summarise
from fit_helpers import team


def _panel(cube):
    steps, agents = cube.shape
    return Observed("panel", "test", np.arange(steps), ("valence",), cube[None],
                    tuple(range(agents)))


def test_change_regression_recovers_a_known_linear_update():
    """y' - y = 0.1 - 0.3 y + 0.2 (mean of the others), exactly: the fit returns these numbers."""
    rng = np.random.default_rng(0)
    n, steps = 12, 16
    cube = np.empty((steps, n))
    cube[0] = rng.normal(0, 0.5, n)
    for t in range(steps - 1):
        others = (cube[t].sum() - cube[t]) / (n - 1)
        cube[t + 1] = cube[t] + 0.1 - 0.3 * cube[t] + 0.2 * others + rng.normal(0, 1e-3, n)
    stats = summarise((_panel(cube),))
    windows = stats["0:change_valence"].reshape(-1, 4)  # a, b, c, residual sd per window
    assert len(windows) == 5
    np.testing.assert_allclose(windows[:, :3], np.tile([0.1, -0.3, 0.2], (5, 1)), atol=0.02)
    assert np.all(windows[:, 3] < 2e-3)


def _ring_world(social: float, seed: int):
    import networkx as nx

    rng = np.random.default_rng(seed)
    matrix = neighbour_matrix(nx.cycle_graph(30), list(range(30)))
    cube = np.empty((21, 30))
    cube[0] = rng.normal(0, 0.5, 30)
    for t in range(20):
        pull = social * (matrix @ cube[t] - cube[t]) - 0.1 * cube[t]
        cube[t + 1] = cube[t] + pull + rng.normal(0, 0.05, 30)
    return summarise((_panel(cube),), (matrix,))["0:change_valence"].reshape(-1, 5)


def test_with_the_network_the_regression_sees_the_pull_of_the_neighbours():
    """Change driven by the two ring neighbours: their coefficient g ~ 0.4 (mean over the
    windows); without them ~ 0."""
    assert _ring_world(0.4, 1)[:, 3].mean() == pytest.approx(0.4, abs=0.1)
    assert _ring_world(0.0, 1)[:, 3].mean() == pytest.approx(0.0, abs=0.1)


def test_neighbour_matrix_averages_whom_each_agent_perceives():
    import networkx as nx

    graph = nx.DiGraph([(0, 1), (2, 1), (1, 0)])  # 1 perceives 0 and 2; 0 perceives 1
    graph.add_node(3)                              # 3 perceives nobody
    matrix = neighbour_matrix(graph, [0, 1, 2, 3]).toarray()
    np.testing.assert_allclose(matrix, [[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0, 0, 1, 0],
                                        [0, 0, 0, 1]])


def test_group_series_are_thinned_to_at_most_points_time_points():
    values = np.linspace(0, 1, 101)[:, None]
    group = Observed("group", "test", np.arange(101), ("valence",), values)
    stats = summarise((group,))
    assert len(stats["0:valence"]) == POINTS
    assert stats["0:valence"][0] == 0.0 and stats["0:valence"][-1] == 1.0


def test_weighted_quantiles_and_summary():
    values = np.array([1.0, 2.0, 3.0, 4.0])
    weights = np.array([0.1, 0.1, 0.1, 0.7])
    assert weighted_quantile(values, weights, [0.05, 0.25, 0.3, 0.5, 0.95]).tolist() == \
        [1.0, 3.0, 3.0, 4.0, 4.0]
    posterior = pd.DataFrame({"mirroring": values, "weight": weights})
    row = posterior_summary(posterior, ["mirroring"]).iloc[0]
    assert row["mean"] == pytest.approx(3.4) and row["q50"] == 4.0
    assert row["sd"] == pytest.approx(np.sqrt(0.1 * (2.4**2 + 1.4**2 + 0.4**2) + 0.7 * 0.6**2))


def _priors():
    return {"mirroring": make_prior(team(), "mirroring", "0:1"),
            "leader_expressiveness": make_prior(team(), "leader_expressiveness", "0:1"),
            "regulation": make_prior(team(), "regulation", "0:0.4")}


def test_report_names_a_product_ridge_and_a_parameter_the_data_left_alone():
    """Particles spread along mirroring x leader_expressiveness = 0.2; regulation narrow."""
    rng = np.random.default_rng(2)
    n = 2000
    mirroring = rng.uniform(0.2, 1.0, n)
    posterior = pd.DataFrame({"mirroring": mirroring,
                              "leader_expressiveness": 0.2 / mirroring * rng.lognormal(0, 0.03, n),
                              "regulation": rng.normal(0.1, 0.005, n), "weight": 1.0 / n})
    report = identifiability(posterior, _priors())
    verdicts = dict(zip(report.table["parameter"], report.table["verdict"]))
    assert verdicts["regulation"] == "identified"
    assert verdicts["mirroring"] == "only jointly with leader_expressiveness"
    assert report.identified == {"mirroring": False, "leader_expressiveness": False,
                                 "regulation": True}
    (ridge,) = report.ridges
    assert ridge.scale == "log" and ridge.correlation < -0.95
    assert ("mirroring and leader_expressiveness trade off: this data fixes only their product "
            "(mirroring x leader_expressiveness)") in ridge.words()
    text = report.text()
    assert "trade off: this data fixes only their product" in text and "Posterior correlations" in text


def test_report_flags_a_parameter_the_data_did_not_narrow():
    rng = np.random.default_rng(3)
    posterior = pd.DataFrame({"mirroring": rng.uniform(0, 1, 3000),
                              "leader_expressiveness": rng.normal(0.5, 0.02, 3000).clip(0, 1),
                              "regulation": rng.uniform(0, 0.4, 3000), "weight": 1 / 3000})
    report = identifiability(posterior, _priors())
    row = report.table.set_index("parameter").loc["mirroring"]
    assert row["verdict"] == "not identified" and row["width_ratio"] == pytest.approx(1.0, abs=0.05)
    assert report.ridges == [] and "Ridges: none" in report.text()
    assert report.record()["parameters"][0]["parameter"] == "mirroring"


def _group_design(scenario, steps=(0, 3, 7, 12)):
    from contagion.experiments.fitting.design import make_design

    names = ("valence", "arousal_sd", "fraction_positive")
    return make_design(scenario, [Observed("group", "test", np.asarray(steps), names,
                                           np.zeros((len(steps), len(names))))])


@pytest.mark.parametrize("name", ["leader_team", "sad_film"])
def test_many_simulations_of_group_data_go_through_the_ensemble_and_agree(name):
    """The pilot's and the predictive check's path: the same tables as one run at a time."""
    import scenarios
    from contagion.experiments.fitting.design import (batch_reason, simulate_observation,
                                                      simulate_observations)

    scenario = scenarios.get(name)
    design = _group_design(scenario)
    assert batch_reason(scenario, design) is None
    runs = [({"mirroring": m, "regulation": r}, seed)
            for seed, (m, r) in enumerate([(0.1, 0.02), (0.5, 0.05), (0.9, 0.2), (0.3, 0.1)])]
    batched = simulate_observations(scenario, runs, design)
    for (params, seed), tables in zip(runs, batched):
        alone = simulate_observation(scenario, params, seed, design)
        np.testing.assert_allclose(tables[0].values, alone[0].values, rtol=0, atol=1e-12)
    # grouped differently, each run is the same to the bit: the pilot does not depend
    # on how its chunks fall
    again = simulate_observations(scenario, runs[2:], design)
    for first, second in zip(batched[2:], again):
        np.testing.assert_array_equal(first[0].values, second[0].values)


@pytest.mark.parametrize("size", [None, 1, 3])
def test_panels_and_observed_networks_are_batched_and_equal_one_run_at_a_time(size):
    """Panels read from the ensemble's state, runs on the observed network stacked: the same
    tables as one model per run (to 1e-12), whatever the batch size."""
    from contagion.experiments.fitting import read_data
    from contagion.experiments.fitting.design import (batch_reason, make_design,
                                                      simulate_observation,
                                                      simulate_observations)
    from fit_helpers import data

    scenario, synthetic = team(), data(0)
    metrics = [c for c in scenario.run(0, 1).columns if c not in ("step", "time")]
    group, panel = (read_data(synthetic.group.head(6), scenario, metrics),
                    read_data(synthetic.panel, scenario, metrics))
    runs = [({"mirroring": 0.2}, 1), ({"mirroring": 0.8}, 2), ({"regulation": 0.3}, 3),
            ({"mirroring": 0.5, "regulation": 0.01}, 4)]
    for design in (make_design(scenario, [group, panel]),
                   make_design(scenario, [group, panel], synthetic.graph),
                   make_design(scenario, [panel], synthetic.graph)):
        assert batch_reason(scenario, design) is None
        batched = simulate_observations(scenario, runs, design, batch_size=size)
        for (params, seed), tables in zip(runs, batched):
            alone = simulate_observation(scenario, params, seed, design)
            for table, one in zip(tables, alone):
                assert table.values.shape == one.values.shape
                np.testing.assert_allclose(table.values, one.values, rtol=0, atol=1e-12)


def test_the_pilot_of_group_data_is_batched_and_equals_one_run_at_a_time():
    import scenarios
    from contagion.experiments.fitting.design import Simulator
    from contagion.experiments.fitting.projection import CHUNK, flatten, run_pilot

    scenario = scenarios.get("leader_team")
    design = _group_design(scenario)
    simulator = Simulator(scenario, design, 7, ["mirroring", "regulation"])
    priors = {"mirroring": make_prior(scenario, "mirroring", "0:1"),
              "regulation": make_prior(scenario, "regulation", "0:0.3")}
    size = CHUNK + 5  # two chunks, the second short
    X, Y = run_pilot(simulator, priors, size, SimpleNamespace(map=map))  # in this process
    assert X.shape[0] == Y.shape[0] == size
    for k in (0, CHUNK - 1, CHUNK, size - 1):
        alone = flatten(simulator.raw(dict(zip(priors, Y[k]))))
        np.testing.assert_allclose(X[k], alone, rtol=0, atol=1e-12)


def test_a_large_model_is_batched_too_and_agrees():
    """football_crowd's 2,000 fans: batched as well (its per-run network dominates either way)."""
    import scenarios
    from contagion.experiments.fitting.design import (batch_reason, simulate_observation,
                                                      simulate_observations)

    scenario = scenarios.get("football_crowd")
    design = _group_design(scenario, steps=(0, 2, 4))
    assert batch_reason(scenario, design) is None
    runs = [({"mirroring": 0.5}, 1), ({"mirroring": 2.0}, 2)]
    for (params, seed), tables in zip(runs, simulate_observations(scenario, runs, design)):
        np.testing.assert_allclose(
            tables[0].values, simulate_observation(scenario, params, seed, design)[0].values,
            rtol=0, atol=1e-12)
