"""The experimental estimator: a randomised stimulus to some people, its effect on their contacts.

A share of the people are *seeds*; half of the seeds, drawn at random, get a pleasant
stimulus (the treated arm), the other half nothing (the control arm). The outcome
is read among the seeds' contacts at network distance exactly d who are not seeds
themselves: a person at distance d from several seeds counts once for each.

With ``p`` the share of those contacts who are happy, in each arm, before the
stimulus (the last wave) and at its end, the estimate is the difference in
differences, as a percent of the control arm's share at the end::

    100 * ((p_treated,end - p_treated,before) - (p_control,end - p_control,before)) / p_control,end

Randomisation makes the difference unbiased; subtracting the shares before the
stimulus removes the lasting differences between the seeds' circles and makes it
more precise. It is the percent increase in the probability that a person is happy
when someone at distance d got the stimulus: the units of the observational
estimate.

The interval is the estimate plus or minus 1.96 standard deviations of the estimate
over ``permutations`` re-randomisations of the arms (the outcomes held fixed). The
re-randomisations keep every dependence between the seeds' contacts (shared
contacts, shared neighbourhoods), which a formula for independent units would miss.

The *true effect* applies the same formula to each contact's exact effect of the
stimulus: happy at the end of the experiment minus happy at the end of the same
weeks simulated without the stimulus and with the same noise::

    100 * (mean effect among the treated arm's contacts - mean among the control arm's) / p_control,end

It is what the estimate would be with no chance difference between the arms; the
estimate minus the true effect is exactly the chance difference in the arms'
changes without the stimulus, which the re-randomisations measure. Without
contagion every contact's effect is exactly 0.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from contagion.experiments.studies.estimate import Estimate

__all__ = ["contacts", "randomised_experiment"]

Z_95 = 1.959963984540054


def contacts(ring: sp.csr_array, seeds: np.ndarray) -> sp.csr_array:
    """``ring`` (a row per seed) without the columns of seeds: the contacts who count."""
    keep = np.ones(ring.shape[1])
    keep[seeds] = 0.0
    return sp.csr_array(ring @ sp.diags_array(keep))


def _estimates(labels: np.ndarray, sums: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """Estimates for each row of ``labels`` (True: treated), and the arms' sums."""
    arms = {}
    for arm, z in (("treated", labels), ("control", ~labels)):
        arms[arm] = {name: z.astype(float) @ values for name, values in sums.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        share = {arm: {name: s[name] / s["count"] for name in ("before", "after", "without")}
                 for arm, s in arms.items()}
        control_end = share["control"]["after"]
        change = {arm: s["after"] - s["before"] for arm, s in share.items()}
        estimate = 100.0 * (change["treated"] - change["control"]) / control_end
        effect = {arm: s["after"] - s["without"] for arm, s in share.items()}
        true = 100.0 * (effect["treated"] - effect["control"]) / control_end
    return estimate, true, arms


def randomised_experiment(circle: sp.csr_array, treated: np.ndarray, before: np.ndarray,
                          after: np.ndarray, after_without: np.ndarray, permutations: int,
                          rng: np.random.Generator, distance: int) -> Estimate:
    """The estimate, its interval and the true effect at one distance.

    ``circle`` has a row per seed (see :func:`contacts`); ``treated`` marks the treated
    seeds; ``before``, ``after``, ``after_without`` are each person's happy state (bool)
    at the last wave, at the end of the stimulus, and at the end without it.
    """
    sums = {"count": circle @ np.ones(circle.shape[1]), "before": circle @ before.astype(float),
            "after": circle @ after.astype(float), "without": circle @ after_without.astype(float)}
    shuffled = rng.permuted(np.tile(treated, (permutations, 1)), axis=1)
    labels = np.vstack([treated, shuffled])
    estimate, true, arms = _estimates(labels, sums)
    if not np.isfinite(estimate).all():
        raise ValueError(f"too few contacts at distance {distance} (or none happy in an arm) "
                         "for the experiment: use more people or a larger seed_share")
    spread = float(np.std(estimate[1:], ddof=1))
    pairs = round(arms["treated"]["count"][0] + arms["control"]["count"][0])
    return Estimate(float(estimate[0]), float(estimate[0] - Z_95 * spread),
                    float(estimate[0] + Z_95 * spread), pairs, float(true[0]))
