"""The batched sampler: the same posterior as pyabc's one-at-a-time sampler, from fewer models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fit_helpers import PRIORS, QUICK, data, team

from contagion.experiments.fitting import fit

#: The batched and the one-at-a-time fit draw the same candidates in the same order and
#: accept the same ones; they differ only by the ensemble's rounding (about 1e-15) in
#: the statistics, far below this tolerance on any posterior value or weight.
SAME = 1e-9


def _fit(seed: int, **kw):
    d = data(1)
    return fit(team(), d.panel, PRIORS, network=d.graph, seed=seed,
               **{"jobs": 1, **QUICK, **kw})


def _same(a, b):
    pd.testing.assert_frame_equal(a.posterior, b.posterior, rtol=0, atol=SAME)
    np.testing.assert_array_equal(a.populations["samples"], b.populations["samples"])
    np.testing.assert_allclose(a.populations["epsilon"], b.populations["epsilon"], rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batched_fit_gives_the_posterior_of_pyabcs_one_at_a_time_sampler(seed):
    """Over three seeds: particles, weights, evaluations and epsilons agree (to SAME)."""
    batched, alone = _fit(seed), _fit(seed, batch=False)
    assert batched.batched and not alone.batched
    _same(batched, alone)
    # a batch may simulate candidates beyond a population's last acceptance; they are
    # dropped, not counted
    assert batched.simulated >= batched.ran == alone.ran


def test_batch_size_and_worker_count_do_not_change_the_posterior():
    reference = _fit(4)
    _same(_fit(4, batch_size=3), reference)
    _same(_fit(4, jobs=2), reference)  # two processes, each given whole batches


def test_distances_as_arrays_equal_pyabcs_distance_per_candidate(monkeypatch):
    """With the array path switched off, every candidate goes through pyabc's own acceptor."""
    from contagion.experiments.fitting import sampler

    calls = []
    original = sampler.batch_distances

    def counted(*args):
        found = original(*args)
        calls.append(found is not None)
        return found

    monkeypatch.setattr(sampler, "batch_distances", counted)
    vectorised = _fit(5)
    assert calls and all(calls)
    monkeypatch.setattr(sampler, "batch_distances", lambda *args: None)
    _same(_fit(5), vectorised)


def test_different_seeds_agree_within_monte_carlo_error():
    """Batched fits from three seeds against the one-at-a-time fit of another: each posterior
    mean within 5 Monte Carlo standard errors (sd / sqrt(effective sample size))."""
    from contagion.experiments.fitting.report import effective_sample_size

    reference = _fit(10, batch=False)
    for seed in (11, 12, 13):
        batched = _fit(seed)
        for name in PRIORS:
            means, errors = [], []
            for result in (batched, reference):
                w = result.posterior["weight"].to_numpy()
                x = result.posterior[name].to_numpy()
                mean = w @ x / w.sum()
                means.append(mean)
                errors.append(np.sqrt(w @ (x - mean) ** 2 / w.sum()
                                      / effective_sample_size(w)))
            assert abs(means[0] - means[1]) <= 5 * np.hypot(*errors), (seed, name, means)


def test_the_report_gives_no_verdict_below_the_effective_sample_size_floor():
    from contagion.experiments.fitting.priors import make_prior
    from contagion.experiments.fitting.report import ESS_FLOOR, identifiability

    rng = np.random.default_rng(0)
    scenario = team()
    priors = {"mirroring": make_prior(scenario, "mirroring", "0:1")}
    narrow = pd.DataFrame({"mirroring": rng.normal(0.4, 0.01, 30)})
    even = identifiability(narrow.assign(weight=1 / 30), priors)
    assert even.ess == pytest.approx(30) and even.identified == {"mirroring": True}
    weights = np.r_[np.full(5, 1.0), np.full(25, 1e-3)]  # about 5 effective particles of 30
    skewed = identifiability(narrow.assign(weight=weights / weights.sum()), priors)
    assert skewed.ess < ESS_FLOOR and skewed.identified == {"mirroring": False}
    text = skewed.text()
    assert text.splitlines()[0].startswith("Warning: the last population's effective sample "
                                           "size is 5.")
    assert "identified" not in text.replace("called identified", "").replace("undecided", "")
    assert skewed.record()["decided"] is False
