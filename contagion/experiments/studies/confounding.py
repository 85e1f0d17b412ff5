"""Is it contagion? Two estimators against three known truths and their combinations.

>>> from contagion import studies
>>> result = studies.confounding(["contagion", "homophily"], seed=1, people=400,
...                              draws=200, permutations=200, seed_share=0.3)
>>> list(result.table.columns[:6])
['truth', 'estimator', 'distance', 'estimate', 'ci_low', 'ci_high']

Each truth (see :mod:`contagion.experiments.studies.panel`) is simulated on the same
people and ties with the same noise, and both estimators are applied to its data: the
observational estimator of Fowler & Christakis at distances 1-4
(:mod:`~contagion.experiments.studies.observational`) and a randomised experiment at
distances 1-3 (:mod:`~contagion.experiments.studies.experimental`). Every random
choice comes from ``seed`` through :class:`numpy.random.SeedSequence`, one stream per
role (network, climates, noise, randomisation, pair sampling, coefficient draws,
re-randomisations), so the same seed gives the same table, and a truth's rows do not
depend on which other truths are run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from contagion.experiments.studies.design import Design
from contagion.experiments.studies.estimate import Estimate
from contagion.experiments.studies.experimental import contacts, randomised_experiment
from contagion.experiments.studies.observational import fowler_christakis, sample_alters
from contagion.experiments.studies.panel import Assignment, Panel, check_truth, climates, simulate
from contagion.experiments.studies.world import World, build_world, rings

__all__ = ["COLUMNS", "DEFAULT_TRUTHS", "EXPERIMENTAL_DISTANCES", "OBSERVATIONAL_DISTANCES",
           "Confounding", "Setting", "check_truths", "confounding", "run_study", "stream"]

DEFAULT_TRUTHS = ("contagion", "homophily", "environment", "contagion+homophily+environment")
OBSERVATIONAL_DISTANCES = (1, 2, 3, 4)
EXPERIMENTAL_DISTANCES = (1, 2, 3)
COLUMNS = ("truth", "estimator", "distance", "estimate", "ci_low", "ci_high", "true_effect",
           "observations")
#: One random stream per role, each derived from the seed (SeedSequence spawn keys).
STREAMS = {"world": 0, "climate": 1, "noise": 2, "assignment": 3, "pairs": 4, "draws": 5,
           "permutations": 6, "workshop": 7}


def stream(seed: int, role: str, *key: int) -> np.random.Generator:
    """The generator for ``role`` (and ``key``, e.g. a distance) under ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAMS[role], *key)))


def check_seed(seed) -> int:
    """``seed`` as an int >= 0, or a one-line error."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} is invalid: allowed integers >= 0")
    return int(seed)


@dataclass(frozen=True)
class Setting:
    """What every truth of one run shares: design, seed, people, climates, randomisation."""

    design: Design
    seed: int
    world: World
    climate: np.ndarray
    assignment: Assignment

    @classmethod
    def build(cls, design: Design, seed: int) -> Setting:
        world = build_world(design, stream(seed, "world"))
        weeks = (design.burn_in_weeks + (design.waves - 1) * design.weeks_between_waves
                 + design.stimulus_weeks)
        return cls(design, seed, world, climates(world, design, weeks, stream(seed, "climate")),
                   Assignment.draw(world.people, design, stream(seed, "assignment")))

    def simulate(self, truth: str) -> Panel:
        noise = np.random.SeedSequence(self.seed, spawn_key=(STREAMS["noise"],))
        seeds = tuple(int(x) for x in noise.generate_state(2))
        return simulate(self.world, truth, self.design, self.assignment, self.climate, seeds)


def check_truths(truths) -> list[str]:
    """``truths`` (one truth or several) in canonical spelling; a one-line error if bad."""
    if isinstance(truths, str):
        truths = [truths]
    checked = [check_truth(t) for t in truths]
    if not checked:
        raise ValueError("truths is empty: give at least one truth, e.g. 'contagion'")
    if len(set(checked)) != len(checked):
        raise ValueError(f"truths repeat: {checked}")
    return checked


class _Estimators:
    """Both estimators on one setting: the pairs and circles are drawn once for all truths."""

    def __init__(self, setting: Setting):
        self.setting = setting
        design, world = setting.design, setting.world
        everyone = rings(world.ties, np.arange(world.people), max(OBSERVATIONAL_DISTANCES))
        self.pairs = {d: sample_alters(everyone[d - 1], design.alters_per_ego,
                                       stream(setting.seed, "pairs", d))
                      for d in OBSERVATIONAL_DISTANCES}
        seeds = setting.assignment.seeds
        self.circles = {d: contacts(everyone[d - 1][seeds], seeds) for d in EXPERIMENTAL_DISTANCES}

    def rows(self, panel: Panel) -> list[dict]:
        design, seed = self.setting.design, self.setting.seed
        out = []
        for d, (ego, alter) in self.pairs.items():
            found = fowler_christakis(panel.happy, ego, alter, design.draws, stream(seed, "draws", d))
            out.append(_row(panel.truth, "observational", d, found))
        before, threshold = panel.happy[-1], panel.threshold
        for d, circle in self.circles.items():
            found = randomised_experiment(circle, self.setting.assignment.treated, before,
                                          panel.after > threshold, panel.after_without > threshold,
                                          design.permutations, stream(seed, "permutations", d), d)
            out.append(_row(panel.truth, "experimental", d, found))
        return out


def _row(truth: str, estimator: str, distance: int, found: Estimate) -> dict:
    return {"truth": truth, "estimator": estimator, "distance": distance,
            "estimate": found.estimate, "ci_low": found.ci_low, "ci_high": found.ci_high,
            "true_effect": found.true_effect, "observations": found.observations}


@dataclass(frozen=True)
class Confounding:
    """The study's result: the tidy table, and the design and seed that made it."""

    table: pd.DataFrame
    design: Design
    seed: int

    @property
    def truths(self) -> list[str]:
        """The truths in the order they were run."""
        return list(dict.fromkeys(self.table["truth"]))

    def figure(self):
        """Estimate against distance, one panel per truth (a matplotlib Figure)."""
        from contagion.experiments.studies.figures import plot_confounding

        return plot_confounding(self.table)

    def verdict(self) -> str:
        """The result in plain language."""
        from contagion.experiments.studies.verdict import verdict

        return verdict(self.table)


def confounding(truths: Iterable[str] = DEFAULT_TRUTHS, *, seed: int = 0,
                design: Design | None = None, progress: bool = False, **changes) -> Confounding:
    """Simulate each truth and apply both estimators; see the module docstring.

    ``changes`` are design fields (see :data:`~contagion.experiments.studies.design.FIELDS`),
    e.g. ``people=2000``.
    """
    return run_study(truths, seed=seed, design=design, progress=progress, **changes)[0]


def run_study(truths: Iterable[str] = DEFAULT_TRUTHS, *, seed: int = 0,
              design: Design | None = None, progress: bool = False,
              **changes) -> tuple[Confounding, Setting, dict[str, Panel]]:
    """:func:`confounding`, also returning the shared setting and each truth's panel."""
    design = (design or Design()).replace(**changes)
    seed, truths = check_seed(seed), check_truths(truths)
    bar = _bar(2 * len(truths), progress)
    setting = Setting.build(design, seed)
    estimators = _Estimators(setting)
    rows, panels = [], {}
    for truth in truths:
        _tick(bar, f"{truth}: simulating")
        panels[truth] = setting.simulate(truth)
        _tick(bar, f"{truth}: estimating")
        rows += estimators.rows(panels[truth])
    _tick(bar, None)
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return Confounding(table=table, design=design, seed=seed), setting, panels


def _bar(total: int, progress: bool):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="phase", desc="study confounding", leave=False)


def _tick(bar, doing: str | None) -> None:
    """Count the phase just finished and show the next (``None``: done, close the bar)."""
    if bar is None:
        return
    if bar.postfix:
        bar.update(1)
    if doing is None:
        bar.close()
    else:
        bar.set_postfix_str(doing)
