"""One row of a study's table: an estimate, its 95% interval, what is known to be true."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Estimate"]


@dataclass(frozen=True)
class Estimate:
    """An estimate with its 95% interval and the number of observations behind it.

    ``true_effect`` is the value the estimate should find, where the simulation knows
    it (NaN where no such value is defined).
    """

    estimate: float
    ci_low: float
    ci_high: float
    observations: int
    true_effect: float = math.nan
