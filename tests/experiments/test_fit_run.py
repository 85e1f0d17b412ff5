"""Fits that run: recovery with coverage, what group means cannot identify, reproducibility,
workers and Dask, the output folder.

Settings are small on purpose (the small team: 7 people, 10 steps; 20 particles, 2
populations, a pilot of 60 simulations): each fit takes a few seconds on one core.
"""

import concurrent.futures as cf
import multiprocessing

import numpy as np
import pandas as pd
import pytest

from contagion.experiments.fitting import fit
from contagion.experiments.fitting.results import SUMMARY_COLUMNS
from fit_helpers import PRIORS, QUICK, TRUTH, data, team


def _panel_fit(seed_data: int, seed: int = 0, **kw):
    d = data(seed_data)
    return fit(team(), d.panel, PRIORS, network=d.graph, seed=seed, **{"jobs": 1, **QUICK, **kw})


@pytest.fixture(scope="module")
def reference():
    """One seeded one-worker fit: the posterior every other run is compared with."""
    return _panel_fit(1, seed=3)


def test_a_fit_returns_weighted_particles_summary_and_report(reference):
    posterior = reference.posterior
    assert list(posterior.columns) == ["mirroring", "regulation", "weight"]
    assert len(posterior) == 20 and posterior["weight"].sum() == pytest.approx(1.0)
    assert posterior["mirroring"].between(0, 1).all() and posterior["regulation"].between(0, 0.4).all()
    assert list(reference.summary.columns) == SUMMARY_COLUMNS
    assert list(reference.summary["parameter"]) == ["mirroring", "regulation"]
    assert len(reference.populations) == 2 and reference.simulations >= 2 * 20
    assert reference.pilot == 60
    assert set(reference.report.identified) == {"mirroring", "regulation"}


def test_same_seed_one_worker_gives_the_same_posterior(reference):
    again = _panel_fit(1, seed=3)
    pd.testing.assert_frame_equal(again.posterior, reference.posterior)
    other = _panel_fit(1, seed=4)
    assert not np.allclose(other.posterior["mirroring"], reference.posterior["mirroring"])


def _agree(a, b, sigmas: float = 5.0):
    """Posterior means within ``sigmas`` Monte Carlo standard errors (sd / sqrt(ESS) of each)."""
    for name in PRIORS:
        means, errors = [], []
        for result in (a, b):
            w = result.posterior["weight"].to_numpy()
            x = result.posterior[name].to_numpy()
            mean = float(w @ x)
            ess = 1.0 / float(np.sum(w**2))
            means.append(mean)
            errors.append(np.sqrt(w @ (x - mean) ** 2 / ess))
        assert abs(means[0] - means[1]) <= sigmas * np.hypot(*errors), (name, means, errors)


def test_several_local_workers_agree_with_one_within_monte_carlo_error(reference):
    """The check: each posterior mean within 5 Monte Carlo standard errors of the one-worker fit,
    the standard error of a weighted mean being sd / sqrt(effective sample size)."""
    _agree(_panel_fit(1, seed=3, jobs=2), reference)


@pytest.mark.slow
def test_a_dask_cluster_agrees_with_one_worker_within_monte_carlo_error(reference):
    import distributed

    # Two workers in this process: pyabc's Dask sampler still pickles each task (the
    # transport a remote cluster uses) but no worker pays for importing the project.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = _panel_fit(1, seed=3, executor=client)
    _agree(result, reference)


def _coverage_fit(seed_data: int) -> dict:
    result = _panel_fit(seed_data, seed=seed_data)
    return result.summary.set_index("parameter").to_dict("index")


@pytest.mark.slow
def test_recovery_in_an_identifiable_design_covers_the_truth():
    """20 data sets of panels with the network, each fitted (one worker, its own seed).

    Measured (these settings, 2026-11-26): the 90 % interval held the true mirroring in
    20 of 20 data sets and the true regulation in 19 of 20; the posterior means averaged
    0.451 (mirroring, true 0.4, prior [0, 1]) and 0.141 (regulation, true 0.1, prior
    [0, 0.4]); the median interval widths were 0.49 and 0.22. With correct 90 % intervals
    the count is Binomial(20, 0.9): at least 15 happens with probability 0.99, so the
    test asks for 15; ABC with a finite tolerance is usually wider, hence more often
    right. The average posterior mean must lie within 0.15 of the prior's width of the
    truth: with these small budgets the posteriors are wide and their means are pulled
    towards the prior's centre (regulation's by about a tenth of its prior width).
    """
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        fits = list(pool.map(_coverage_fit, range(100, 120)))
    for name, truth in TRUTH.items():
        low = np.array([f[name]["q05"] for f in fits])
        high = np.array([f[name]["q95"] for f in fits])
        means = np.array([f[name]["mean"] for f in fits])
        covered = int(((low <= truth) & (truth <= high)).sum())
        width = {"mirroring": 1.0, "regulation": 0.4}[name]
        assert covered >= 15, (name, covered)
        assert abs(means.mean() - truth) <= 0.15 * width, (name, means.mean())


@pytest.mark.slow
def test_group_means_leave_mirroring_and_the_leaders_expressiveness_unidentified():
    """The leader's pull on the members' mean is mirroring x (the leader's share of what
    members perceive): group means fix only that, so the report must not call mirroring
    identified (the same data as individual panels with the network do identify it)."""
    d = data(7, leader_expressiveness=0.6)
    priors = {"mirroring": "0:1", "leader_expressiveness": "0:1", "regulation": "0:0.4"}
    result = fit(team(), d.group, priors, seed=1, jobs=1, **{**QUICK, "particles": 30,
                                                             "populations": 3})
    assert result.report.identified["mirroring"] is False
    verdict = result.report.table.set_index("parameter").loc["mirroring", "verdict"]
    assert verdict in ("not identified", "weakly identified",
                       "only jointly with leader_expressiveness"), verdict
