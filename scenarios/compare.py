"""Comparing a scenario's run with its null model."""

from __future__ import annotations

import pandas as pd

__all__ = ["null_comparison"]


def null_comparison(full: dict, null: dict) -> pd.DataFrame:
    """Metric values with and without mirroring, and the part mirroring accounts for.

    One row per metric (index ``metric``); columns ``with_mirroring``, ``null``
    (mirroring 0, same seed, all else equal) and ``mirroring_part`` (the difference).
    """
    table = pd.DataFrame({"with_mirroring": full, "null": null})
    table["mirroring_part"] = table["with_mirroring"] - table["null"]
    return table.rename_axis("metric")
