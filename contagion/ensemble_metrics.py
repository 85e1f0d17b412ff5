"""Per-run metrics of an ensemble: segment reductions over the runs' stacked arrays.

The runs of an ensemble lie end to end in every array; run r owns
``offsets[r]:offsets[r + 1]``. :class:`Segments` reduces an array, or the entries a
mask keeps, run by run in one call, with the entries of each run in their order
(a sum is accumulated in that order, so it can differ from numpy's pairwise sum of
the same numbers in the last bits: far below 1e-12). :func:`standard_columns` gives
the columns of :func:`contagion.metrics.standard_reporters` and
:func:`contagion.metrics.choice_reporters` for every run at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

__all__ = ["Segments", "choice_columns", "standard_columns"]


class Segments:
    """Run-by-run reductions of arrays laid out as the ensemble's runs (see the module)."""

    def __init__(self, offsets: np.ndarray):
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.starts = self.offsets[:-1]
        self.sizes = np.diff(self.offsets)
        self.n_runs = len(self.sizes)
        self.run_of = np.repeat(np.arange(self.n_runs), self.sizes)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """How many entries (or how many the mask keeps) each run has."""
        if mask is None:
            return self.sizes.astype(float)
        return np.bincount(self.run_of[mask], minlength=self.n_runs).astype(float)

    def sum(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Sum per run of ``values`` (over the entries the mask keeps)."""
        if mask is None:
            return np.add.reduceat(values, self.starts, axis=0)
        return np.bincount(self.run_of[mask], weights=values[mask], minlength=self.n_runs)

    def max(self, values: np.ndarray) -> np.ndarray:
        """Largest entry per run (every run has at least one agent)."""
        return np.maximum.reduceat(values, self.starts, axis=0)

    def mean(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Mean per run; NaN for a run the mask leaves empty."""
        count = self.count(mask)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, self.sum(values, mask) / count, np.nan)

    def std(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Standard deviation per run (numpy's, ddof 0); NaN for an empty run."""
        mean = self.mean(values, mask)
        deviation = values - mean[self.run_of]
        return np.sqrt(self.mean(deviation * deviation, mask))


def _mean(ensemble, variable: str, mask=None):
    return ensemble.segments.mean(getattr(ensemble, variable), mask)


def _sd(ensemble, variable: str, mask=None):
    return ensemble.segments.std(getattr(ensemble, variable), mask)


def _positive(ensemble, mask=None):
    return ensemble.segments.mean((ensemble.valence > 0).astype(float), mask)


def _change(ensemble):
    segments = ensemble.segments
    return (segments.mean(np.abs(ensemble.valence_change))
            + segments.mean(np.abs(ensemble.arousal_change)))


def _in_group(ensemble, function: Callable, group: str, **kwargs):
    return function(ensemble, mask=ensemble.members(group), **kwargs)


def standard_columns(group_names: list[str]) -> dict[str, Callable]:
    """Functions ``f(ensemble) -> array (runs,)`` for the standard columns of these groups.

    The same names and order as :func:`contagion.metrics.standard_reporters`; a
    group column is NaN for the runs that do not have that group.
    """
    columns: dict[str, Callable] = {
        "valence": partial(_mean, variable="valence"),
        "valence_sd": partial(_sd, variable="valence"),
        "arousal": partial(_mean, variable="arousal"),
        "arousal_sd": partial(_sd, variable="arousal"),
        "fraction_positive": _positive,
        "change": _change,
    }
    for g in group_names:
        columns[f"{g}_valence"] = partial(_in_group, function=_mean, group=g, variable="valence")
        columns[f"{g}_valence_sd"] = partial(_in_group, function=_sd, group=g, variable="valence")
        columns[f"{g}_arousal"] = partial(_in_group, function=_mean, group=g, variable="arousal")
        columns[f"{g}_arousal_sd"] = partial(_in_group, function=_sd, group=g, variable="arousal")
        columns[f"{g}_fraction_positive"] = partial(_in_group, function=_positive, group=g)
    return columns


def _share(ensemble, choice: str, option: int):
    choosers = ensemble.choosers[choice]
    chose = ensemble.choices[choice] == option
    return ensemble.segments.mean(chose.astype(float), choosers)


def choice_columns(choices) -> dict[str, Callable]:
    """``<choice>_<option>``: the share of each run's choosers who chose each option."""
    return {f"{c.name}_{o.name}": partial(_share, choice=c.name, option=k)
            for c in choices for k, o in enumerate(c.options)}
