"""Rates measured back from a SISa run: do the simulated people do what the rates say?

:func:`record` steps a model of ``rule="sisa"`` and counts, for neutral people by their
whole numbers of content and discontent contacts, how many person-steps there were and
how many became content or discontent; and for content and discontent people, how
many person-steps there were and how many left. :func:`estimate` turns the counts into
rates per year with 95 % intervals:

- the exit rates g = -ln(1 - exits / person-steps) / dt (the step's exact probability
  inverted), with a delta-method interval;
- the onset rates (a_C, b_C, a_D, b_D) by maximum likelihood of the step's competing
  risks, ``P(-> C) = (1 - exp(-H dt)) h_C / H`` with ``h_C = a_C + b_C n_C``, over the
  table of contact counts, with Wald intervals from the observed information.

Contacts are counted with channel strengths (:mod:`contagion.discrete.contacts`);
the table uses them rounded, so give the network plain ties (strength 1).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from contagion.rules.sisa import CONTENT, DISCONTENT, NEUTRAL

__all__ = ["ONSETS", "estimate", "record"]

#: The onset rates, in the order :func:`estimate` fits them.
ONSETS = ("content_rate", "content_contagion", "discontent_rate", "discontent_contagion")


def record(model, steps: int, burn_in: int = 0, most: int = 40) -> dict:
    """Step ``model`` ``burn_in + steps`` steps; count exposures over the last ``steps``."""
    if model.rule != "sisa":
        raise ValueError(f"record() reads a model of rule='sisa', not rule={model.rule!r}")
    model.run(burn_in)
    size = most + 1
    tables = {key: np.zeros((size, size), np.int64) for key in ("at_risk", "to_content",
                                                               "to_discontent")}
    stays = {mood: np.zeros(3, np.int64) for mood in (CONTENT, DISCONTENT)}
    for _ in range(steps):
        before = model.state.copy()
        content, discontent = model.dynamics.contacts(model)
        model.step()
        neutral = before == NEUTRAL
        cell = (np.minimum(np.rint(content[neutral]).astype(int), most) * size
                + np.minimum(np.rint(discontent[neutral]).astype(int), most))
        after = model.state[neutral]
        for key, chosen in (("at_risk", slice(None)), ("to_content", after == CONTENT),
                            ("to_discontent", after == DISCONTENT)):
            tables[key] += np.bincount(cell[chosen], minlength=size * size).reshape(size, size)
        for mood in stays:
            stays[mood] += np.bincount(model.state[before == mood], minlength=3)
    return {**tables, "content_steps": stays[CONTENT], "discontent_steps": stays[DISCONTENT],
            "dt": model.dynamics.dt_years(model)}


def _exit_rate(steps_by_destination, stay: int, dt: float) -> tuple[float, float, float]:
    total = steps_by_destination.sum()
    left = total - steps_by_destination[stay]
    share = left / total
    rate = -np.log1p(-share) / dt
    error = np.sqrt(share * (1 - share) / total) / ((1 - share) * dt)
    return rate, rate - 1.96 * error, rate + 1.96 * error


def _log_likelihood(theta, counts, dt):
    content, discontent, at_risk, to_c, to_d = counts
    a_c, b_c, a_d, b_d = theta
    h_c, h_d = a_c + b_c * content, a_d + b_d * discontent
    total = h_c + h_d
    leave = -np.expm1(-total * dt)
    p_c, p_d = leave * h_c / total, leave * h_d / total
    stay = at_risk - to_c - to_d
    return float(np.sum(to_c * np.log(p_c) + to_d * np.log(p_d) + stay * np.log1p(-leave)))


def _information(theta, counts, dt, relative=1e-4):
    """Observed information: minus the Hessian of the log-likelihood (central differences)."""
    k = len(theta)
    steps = relative * np.maximum(np.abs(theta), 1e-6)
    hessian = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            total = 0.0
            for si, sj, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                shifted = np.array(theta, dtype=float)
                shifted[i] += si * steps[i]
                shifted[j] += sj * steps[j]
                total += sign * _log_likelihood(shifted, counts, dt)
            hessian[i, j] = total / (4 * steps[i] * steps[j])
    return -hessian


def estimate(tables: dict) -> dict[str, tuple[float, float, float]]:
    """``{rate: (estimate, low, high)}`` per year, 95 % intervals (see the module docstring)."""
    dt = tables["dt"]
    content, discontent = np.nonzero(tables["at_risk"])
    counts = (content.astype(float), discontent.astype(float),
              *(tables[key][content, discontent].astype(float)
                for key in ("at_risk", "to_content", "to_discontent")))
    start = np.array([0.1, 0.01, 0.05, 0.01])
    fit = minimize(lambda th: -_log_likelihood(th, counts, dt), start, method="L-BFGS-B",
                   bounds=[(1e-9, None)] * 4, options={"ftol": 1e-15, "gtol": 1e-10})
    errors = np.sqrt(np.diag(np.linalg.inv(_information(fit.x, counts, dt))))
    out = {name: (float(x), float(x - 1.96 * e), float(x + 1.96 * e))
           for name, x, e in zip(ONSETS, fit.x, errors)}
    out["content_recovery"] = _exit_rate(tables["content_steps"], CONTENT, dt)
    out["discontent_recovery"] = _exit_rate(tables["discontent_steps"], DISCONTENT, dt)
    return out
