"""Calibrating a truth so that the observational estimator reproduces the published figures.

>>> from contagion.experiments.studies.calibrate import calibrate
>>> table = calibrate({"mirroring_per_week": [1.0, 2.0]}, seeds=(0,), people=400,
...                   draws=200, permutations=200, seed_share=0.3)
>>> list(table.columns)
['mirroring_per_week', 'distance_1', 'distance_2', 'distance_3', 'rms']

For every point of a grid of design values (crossed), the truth is simulated with
each seed and the observational estimates at distances 1-3 are averaged over the
seeds; ``rms`` is the root mean square of their differences from Fowler &
Christakis's 15.3, 9.8 and 5.6 %. docs/studies/make_confounding.py runs the grid
behind the default design and prints this table.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from contagion.experiments.studies.confounding import confounding
from contagion.experiments.studies.design import FIELDS, Design
from contagion.experiments.studies.observational import PUBLISHED
from contagion.params import unknown_name_error

__all__ = ["calibrate", "distance_to_published"]


def distance_to_published(estimates: Mapping[int, float]) -> float:
    """Root mean square difference from the published figures, in percentage points."""
    return float(np.sqrt(np.mean([(estimates[d] - value) ** 2 for d, value in PUBLISHED.items()])))


def calibrate(grid: Mapping[str, Sequence[float]], *, seeds: Sequence[int] = (0, 1),
              truth: str = "contagion", design: Design | None = None, progress: bool = False,
              **changes) -> pd.DataFrame:
    """One row per grid point: the mean observational estimates and their ``rms`` distance."""
    for name in grid:
        if name not in FIELDS:
            raise unknown_name_error("design field", name, FIELDS)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed")
    design = (design or Design()).replace(**changes)
    rows = []
    points = list(itertools.product(*grid.values()))
    for values in _bar(points, progress):
        point = dict(zip(grid, values))
        found = []
        for seed in seeds:
            table = confounding([truth], seed=seed, design=design.replace(**point)).table
            found.append(table[table["estimator"] == "observational"].set_index("distance")["estimate"])
        mean = pd.concat(found, axis=1).mean(axis=1)
        estimates = {d: float(mean[d]) for d in PUBLISHED}
        rows.append({**point, **{f"distance_{d}": v for d, v in estimates.items()},
                     "rms": distance_to_published(estimates)})
    return pd.DataFrame(rows)


def _bar(points, progress: bool):
    if not progress:
        return points
    from tqdm import tqdm

    return tqdm(points, unit="point", desc="calibrating", leave=False)
