"""A round of the workshop game "which one is contagion?": three worlds, one network.

The same people with the same ties live under the three pure truths (contagion only,
homophily only, shared environment only). The room sees the three worlds side by
side, in an order drawn from the seed and labelled A, B, C, each with what an
observational study of it finds; it guesses which one is contagion; the reveal
names each world's truth and shows what the randomised experiment found there.

The dashboard (dashboards/confounding.py) only draws what :func:`workshop_round`
returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from contagion.experiments.studies.confounding import run_study, stream
from contagion.experiments.studies.estimate import Estimate
from contagion.experiments.studies.panel import MECHANISMS

__all__ = ["LABELS", "WORKSHOP_DESIGN", "WorkshopPanel", "WorkshopRound", "workshop_round"]

LABELS = ("A", "B", "C")
#: The study's people and experiment (fewer people would need a larger share of seeds,
#: and treating more people lifts everyone's mood until nobody can become happier),
#: with two waves after one year instead of four after two, and fewer draws, so that a
#: round is ready in seconds.
WORKSHOP_DESIGN = {"waves": 2, "burn_in_weeks": 52, "draws": 400, "permutations": 400}


@dataclass(frozen=True, eq=False)
class WorkshopPanel:
    """One world of the round: its label, its truth, who is happy, what each estimator found."""

    label: str
    truth: str
    happy: np.ndarray
    observational: Estimate
    experimental: Estimate


@dataclass(frozen=True, eq=False)
class WorkshopRound:
    """Three worlds on one network: positions and near ties to draw, the panels, the table."""

    seed: int
    positions: np.ndarray
    ties: np.ndarray
    panels: tuple[WorkshopPanel, ...]
    table: pd.DataFrame

    @property
    def answer(self) -> str:
        """The label of the contagion world."""
        return next(p.label for p in self.panels if p.truth == "contagion")


def _estimate(table: pd.DataFrame, truth: str, estimator: str) -> Estimate:
    row = table[(table["truth"] == truth) & (table["estimator"] == estimator)
                & (table["distance"] == 1)].iloc[0]
    return Estimate(row.estimate, row.ci_low, row.ci_high, int(row.observations), row.true_effect)


def _near_ties(positions: np.ndarray, ties, longest: float) -> np.ndarray:
    """The ties shorter than ``longest`` on the map (the rest would cross the picture)."""
    upper = ties.tocoo()
    pairs = np.column_stack([upper.row, upper.col])
    pairs = pairs[pairs[:, 0] < pairs[:, 1]]
    length = np.linalg.norm(positions[pairs[:, 0]] - positions[pairs[:, 1]], axis=1)
    return pairs[length < longest]


def workshop_round(seed: int = 0, **changes) -> WorkshopRound:
    """Simulate the three pure truths and estimate both effects; the panels in a seeded order.

    ``changes`` are design fields on top of :data:`WORKSHOP_DESIGN`.
    """
    result, setting, panels = run_study(MECHANISMS, seed=seed, **{**WORKSHOP_DESIGN, **changes})
    order = stream(result.seed, "workshop").permutation(len(MECHANISMS))
    shown = []
    for label, index in zip(LABELS, order):
        truth = MECHANISMS[index]
        panel = panels[truth]
        shown.append(WorkshopPanel(label, truth, panel.happy[-1],
                                   _estimate(result.table, truth, "observational"),
                                   _estimate(result.table, truth, "experimental")))
    positions = setting.world.positions
    return WorkshopRound(seed=result.seed, positions=positions,
                         ties=_near_ties(positions, setting.world.ties, 0.1),
                         panels=tuple(shown), table=result.table)
