"""What the data could and could not identify, in numbers and in plain words.

For each fitted parameter the report compares the posterior's central 90 % interval
with the prior's: the **width ratio** (posterior width / prior width) is near 1 when
the data did not narrow the parameter at all. Pairs of parameters whose posterior
correlation reaches :data:`RIDGE` in absolute value form a **ridge**: the data fixes a
combination of the two (on the log scale: their product or their ratio), not each one.
The correlation is taken on the scale where it is stronger, linear or logarithmic
(the latter only for parameters whose posterior is positive).

Verdicts, in this order:

- ``not identified``: width ratio >= :data:`BARELY` (the data barely narrowed it);
- ``only jointly with X``: on a ridge with X, and its own width ratio >= :data:`NARROWED`;
- ``weakly identified``: width ratio in [:data:`NARROWED`, :data:`BARELY`);
- ``identified``: width ratio < :data:`NARROWED`.

None of these is given when the posterior rests on too few particles: below an
**effective sample size** (``(sum w)^2 / sum w^2`` of the last population's weights)
of :data:`ESS_FLOOR`, the 5 % tails of a 90 % interval hold half an effective
particle each: the interval's ends, its width and the correlations are set by one or
two particles. Every verdict is then
``undecided (too few effective particles)`` and the report says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from contagion.experiments.fitting.results import weighted_correlation, weighted_quantile

__all__ = ["BARELY", "ESS_FLOOR", "NARROWED", "RIDGE", "Identifiability", "Ridge",
           "effective_sample_size", "identifiability"]

LEVEL = 0.9
NARROWED = 0.5
BARELY = 0.8
RIDGE = 0.7
#: Below this effective sample size of the last population no verdict is given.
ESS_FLOOR = 10.0
UNDECIDED = "undecided (too few effective particles)"


def effective_sample_size(weights) -> float:
    """Kish's effective sample size of importance weights: (sum w)^2 / sum w^2."""
    w = np.asarray(weights, dtype=float)
    total = float(w.sum())
    return total * total / float((w * w).sum()) if total > 0 else 0.0


@dataclass(frozen=True)
class Ridge:
    """Two parameters the data ties together."""

    first: str
    second: str
    correlation: float
    scale: str  # "log" or "linear"

    def words(self) -> str:
        """The ridge in plain words."""
        a, b = self.first, self.second
        if self.scale == "log":
            what = (f"trade off: this data fixes only their product ({a} x {b})"
                    if self.correlation < 0 else
                    f"move together: this data fixes only their ratio ({a} / {b})")
        else:
            what = (f"trade off: this data fixes only a weighted sum of the two"
                    if self.correlation < 0 else
                    f"move together: this data fixes only a weighted difference of the two")
        return f"{a} and {b} {what}, not each one (correlation {self.correlation:+.2f}" \
               f"{' of the logarithms' if self.scale == 'log' else ''})"


@dataclass
class Identifiability:
    """The report: one row per parameter, the ridges, the correlation matrix."""

    table: pd.DataFrame
    ridges: list[Ridge] = field(default_factory=list)
    correlations: pd.DataFrame = field(default_factory=pd.DataFrame)
    ess: float = float("inf")
    particles: int = 0

    @property
    def decided(self) -> bool:
        """Whether the posterior holds enough effective particles for verdicts."""
        return self.ess >= ESS_FLOOR

    def ess_warning(self) -> str:
        """One line: the effective sample size is below the floor, and what to do."""
        return (f"the last population's effective sample size is {self.ess:.1f} of "
                f"{self.particles} particles, below the floor of {ESS_FLOOR:g}: no parameter "
                "is called identified; fit with more particles (--particles) or populations")

    @property
    def identified(self) -> dict[str, bool]:
        """Whether each parameter is identified on its own."""
        return dict(zip(self.table["parameter"], self.table["verdict"] == "identified"))

    def text(self) -> str:
        """The report as text (printed by ``contagion fit``, saved as report.txt)."""
        lines = [] if self.decided else [f"Warning: {self.ess_warning()}"]
        lines.append("What the data identifies (central 90 % intervals, posterior against prior):")
        width = max(9, *map(len, self.table["parameter"]))
        lines.append(f"  {'parameter':<{width}}  {'posterior':>21}  {'prior':>21}  width  verdict")
        for _, row in self.table.iterrows():
            lines.append(f"  {row['parameter']:<{width}}  {row['q05']:>9.4g} .. {row['q95']:<9.4g}"
                         f"  {row['prior_q05']:>9.4g} .. {row['prior_q95']:<9.4g}"
                         f"  {row['width_ratio']:>4.0%}  {row['verdict']}")
        lines.append("  (width: the posterior interval as a share of the prior's; near 100 %: "
                     "the data did not narrow it)")
        if self.ridges:
            lines.append("Ridges:")
            lines.extend(f"  {ridge.words()}" for ridge in self.ridges)
        else:
            lines.append(f"Ridges: none (no pair correlated beyond +-{RIDGE:g})")
        if len(self.correlations) > 1:
            lines.append("Posterior correlations:")
            names = list(self.correlations.columns)
            lines.append("  " + " " * width + "".join(f"{n[:10]:>11}" for n in names))
            for name in names:
                lines.append(f"  {name:<{width}}" + "".join(
                    f"{self.correlations.loc[name, other]:>11.2f}" for other in names))
        return "\n".join(lines)

    def record(self) -> dict:
        """Plain data for report.json."""
        return {"parameters": self.table.to_dict(orient="records"),
                "ridges": [{"first": r.first, "second": r.second, "correlation": r.correlation,
                            "scale": r.scale, "words": r.words()} for r in self.ridges],
                "correlations": self.correlations.to_dict(),
                "effective_sample_size": self.ess, "particles": self.particles,
                "decided": self.decided,
                "thresholds": {"narrowed": NARROWED, "barely": BARELY, "ridge": RIDGE,
                               "level": LEVEL, "ess_floor": ESS_FLOOR}}


def _ridges(posterior: pd.DataFrame, names, weights) -> tuple[list[Ridge], pd.DataFrame]:
    linear = weighted_correlation(posterior[names], weights)
    positive = [n for n in names if (posterior[n] > 0).all()]
    logs = weighted_correlation(np.log(posterior[positive]), weights) if positive else None
    ridges = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            r, scale = float(linear.loc[a, b]), "linear"
            if logs is not None and a in logs and b in logs and abs(logs.loc[a, b]) > abs(r):
                r, scale = float(logs.loc[a, b]), "log"
            if np.isfinite(r) and abs(r) >= RIDGE:
                ridges.append(Ridge(a, b, r, scale))
    return sorted(ridges, key=lambda ridge: -abs(ridge.correlation)), linear


def identifiability(posterior: pd.DataFrame, priors) -> Identifiability:
    """The report for a weighted posterior (columns: parameters and ``weight``)."""
    names = list(priors)
    weights = posterior["weight"].to_numpy(dtype=float)
    ridges, correlations = _ridges(posterior, names, weights)
    partners = {n: [r.second if r.first == n else r.first for r in ridges if n in (r.first, r.second)]
                for n in names}
    ess = effective_sample_size(weights)
    rows = []
    tail = (1 - LEVEL) / 2
    for name, prior in priors.items():
        q05, q95 = weighted_quantile(posterior[name], weights, [tail, 1 - tail])
        p05, p95 = prior.interval(LEVEL)
        ratio = float((q95 - q05) / (p95 - p05))
        if ratio >= BARELY:
            verdict = "not identified"
        elif partners[name] and ratio >= NARROWED:
            verdict = "only jointly with " + ", ".join(partners[name])
        elif ratio >= NARROWED:
            verdict = "weakly identified"
        else:
            verdict = "identified"
        if ess < ESS_FLOOR:
            verdict = UNDECIDED
        rows.append({"parameter": name, "q05": float(q05), "q95": float(q95), "prior_q05": p05,
                     "prior_q95": p95, "width_ratio": ratio, "verdict": verdict})
    return Identifiability(pd.DataFrame(rows), ridges, correlations, ess, len(weights))
