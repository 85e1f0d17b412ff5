"""What the SISa rule should give: mean field, the dt-step map, and the pair approximation.

Write n, c, d for the shares of neutral, content and discontent people and k for the
mean number of contacts (b_X = b_X k the contact rate at full prevalence).

**Mean field** (everyone sees the population's shares)::

    dc/dt = (a_C + b_C k c) n - (g_C + x_CD) c + x_DC d
    dd/dt = (a_D + b_D k d) n - (g_D + x_DC) d + x_CD c

Without the direct switches (x = 0) the stationary point solves
``c = a_C n / (g_C - b_C k n)`` and ``d = a_D n / (g_D - b_D k n)`` with n the root of
``F(n) = n + c(n) + d(n) - 1`` on ``0 < n < min(1, g_C / (b_C k), g_D / (b_D k))``.
F rises strictly there from -1 to above 0, so the root is unique; with a_C, a_D > 0
it has c, d > 0: prevalence never reaches 0 (c >= a_C n / g_C).

**The dt-step map.** A simulation with steps of dt years follows the map
``x -> x M(x)`` (the per-step probabilities of :func:`contagion.rules.sisa.transition`
with n_X = k x_X), whose fixed point differs from the ODE's by O(dt); a well-mixed
population converges to it as N grows.

**Pair approximation** for a network: singles x_X and directed-pair shares p_XY. A
node in state Z has on average k p_ZS / x_Z neighbours in the contagious state S; for
a pair (Z, Y) the first node changes to X at rate
``sigma_ZX + beta_ZX (1[Y = S] + q p_ZS / x_Z)``, closing triples with the excess
degree q = <k^2>/<k> - 1 (k - 1 on a k-regular graph, about k on an Erdos-Renyi one).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from contagion.rules.sisa import CONTENT, DISCONTENT, NEUTRAL

__all__ = ["discrete_map_fixed_point", "mean_field_fixed_point", "mean_field_rhs",
           "pair_fixed_point", "rate_tables"]


def rate_tables(rates: Mapping[str, float], gain: float = 1.0):
    """``(sigma, beta, source)``: spontaneous rates Z -> X, per-contact rates, contagious state."""
    sigma = np.zeros((3, 3))
    sigma[NEUTRAL, CONTENT], sigma[NEUTRAL, DISCONTENT] = rates["content_rate"], rates["discontent_rate"]
    sigma[CONTENT, NEUTRAL] = rates["content_recovery"]
    sigma[CONTENT, DISCONTENT] = rates["content_to_discontent"]
    sigma[DISCONTENT, NEUTRAL] = rates["discontent_recovery"]
    sigma[DISCONTENT, CONTENT] = rates["discontent_to_content"]
    beta = np.zeros((3, 3))
    beta[NEUTRAL, CONTENT] = gain * rates["content_contagion"]
    beta[NEUTRAL, DISCONTENT] = gain * rates["discontent_contagion"]
    source = np.zeros((3, 3), dtype=int)
    source[NEUTRAL, CONTENT], source[NEUTRAL, DISCONTENT] = CONTENT, DISCONTENT
    return sigma, beta, source


def _rates_at(shares, tables, contacts: float) -> np.ndarray:
    sigma, beta, source = tables
    rate = sigma + beta * contacts * shares[source]
    np.fill_diagonal(rate, 0.0)
    return rate


def mean_field_rhs(shares, rates, contacts: float, gain: float = 1.0) -> np.ndarray:
    """d(n, c, d)/dt in the mean field."""
    rate = _rates_at(np.asarray(shares, dtype=float), rate_tables(rates, gain), contacts)
    return shares @ rate - shares * rate.sum(axis=1)


def mean_field_fixed_point(rates, contacts: float, gain: float = 1.0) -> np.ndarray:
    """The stationary ``(n, c, d)`` of the mean field."""
    if rates["content_to_discontent"] == 0 and rates["discontent_to_content"] == 0:
        bc = gain * rates["content_contagion"] * contacts
        bd = gain * rates["discontent_contagion"] * contacts
        gc, gd = rates["content_recovery"], rates["discontent_recovery"]
        ac, ad = rates["content_rate"], rates["discontent_rate"]
        top = min(1.0, gc / bc if bc > 0 else np.inf, gd / bd if bd > 0 else np.inf)

        def excess(n):
            return n + ac * n / (gc - bc * n) + ad * n / (gd - bd * n) - 1.0

        n = brentq(excess, 0.0, top * (1 - 1e-12), xtol=1e-15)
        return np.array([n, ac * n / (gc - bc * n), ad * n / (gd - bd * n)])
    solution = solve_ivp(lambda t, x: mean_field_rhs(x, rates, contacts, gain), (0, 5000),
                         [1.0, 0.0, 0.0], method="LSODA", rtol=1e-11, atol=1e-13)
    return solution.y[:, -1]


def discrete_map_fixed_point(rates, contacts: float, dt: float, gain: float = 1.0,
                             tolerance: float = 1e-15) -> np.ndarray:
    """The fixed point of the dt-step map: the well-mixed simulation's limit as N grows."""
    tables = rate_tables(rates, gain)
    shares = np.array([1.0, 0.0, 0.0])
    for _ in range(1_000_000):
        rate = _rates_at(shares, tables, contacts)
        total = rate.sum(axis=1)
        leave = -np.expm1(-total * dt)
        step = np.where(total[:, None] > 0,
                        leave[:, None] * rate / np.where(total > 0, total, 1.0)[:, None], 0.0)
        step[np.diag_indices(3)] = 1.0 - leave
        new = shares @ step
        if np.abs(new - shares).max() < tolerance:
            return new
        shares = new
    raise RuntimeError("the dt-step map did not settle")


def _pair_rhs(y, tables, contacts: float, excess: float) -> np.ndarray:
    sigma, beta, source = tables
    x, p = y[:3], y[3:].reshape(3, 3)
    safe = np.where(x > 1e-300, x, 1e-300)
    flow = sigma * x[:, None] + beta * contacts * p[np.arange(3)[:, None], source]
    np.fill_diagonal(flow, 0.0)
    dx = flow.sum(axis=0) - flow.sum(axis=1)
    change = np.zeros((3, 3))
    for z in range(3):
        for to in range(3):
            if to == z or (sigma[z, to] == 0 and beta[z, to] == 0):
                continue
            s = source[z, to]
            for other in range(3):
                seen = (other == s) if beta[z, to] > 0 else 0.0
                r = sigma[z, to] + beta[z, to] * (seen + excess * p[z, s] / safe[z])
                change[to, other] += p[z, other] * r
                change[z, other] -= p[z, other] * r
    return np.r_[dx, (change + change.T).ravel()]


def pair_fixed_point(rates, contacts: float, excess: float, gain: float = 1.0,
                     years: float = 3000.0) -> np.ndarray:
    """The stationary ``(n, c, d)`` of the pair approximation (``excess``: q above)."""
    tables = rate_tables(rates, gain)
    x0 = np.array([1.0 - 2e-3, 1e-3, 1e-3])
    y0 = np.r_[x0, np.outer(x0, x0).ravel()]
    solution = solve_ivp(lambda t, y: _pair_rhs(y, tables, contacts, excess), (0, years), y0,
                         method="LSODA", rtol=1e-10, atol=1e-13)
    return solution.y[:3, -1]
