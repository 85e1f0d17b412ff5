"""Simulating a panel under a known truth: waves of everyone's mood, then a randomised experiment.

A *truth* is a set of mechanisms, written joined by ``+``:

- ``contagion``: people mirror their contacts (``mirroring_per_week`` > 0); without it
  mirroring is 0 and nobody's mood depends on anybody else's;
- ``homophily``: baselines follow position on the social map, where ties form, so tied
  people have similar baselines; without it the baselines are shuffled;
- ``environment``: every neighbourhood lives under a climate (a :class:`Stimulus` that
  all its people perceive) redrawn each season; without it there are no climates.

Every truth runs with the same people, ties, baseline scores, climates and noise
(common random numbers): two truths differ only in their mechanisms.

The panel: ``burn_in_weeks`` of :class:`~contagion.model.ContagionModel` (one step a
week), then ``waves`` observations ``weeks_between_waves`` apart. After the last wave
the experiment starts from everyone's state: the treated seeds perceive a pleasant
stimulus (valence +1) for ``stimulus_weeks``, and everyone's mood is read at its end.
The same weeks are also simulated without the stimulus, with the same noise: the
difference is each person's exact effect of the experiment, the truth the
experimental estimate is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contagion.events import Stimulus
from contagion.experiments.studies.design import Design
from contagion.experiments.studies.world import World
from contagion.model import ContagionModel

__all__ = ["MECHANISMS", "Assignment", "Panel", "check_truth", "simulate"]

MECHANISMS = ("contagion", "homophily", "environment")
#: Arousal plays no part in the study; everyone rests at this level.
AROUSAL = 0.3


def check_truth(text: str) -> str:
    """A truth in its canonical spelling (mechanisms in the order of :data:`MECHANISMS`)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"truth={text!r} is not a truth: give mechanisms joined by '+', "
                         f"from {', '.join(MECHANISMS)}")
    parts = [part.strip() for part in text.split("+")]
    for part in parts:
        if part not in MECHANISMS:
            raise ValueError(f"truth={text!r}: {part!r} is not a mechanism: allowed "
                             f"{', '.join(MECHANISMS)}, joined by '+'")
    if len(set(parts)) != len(parts):
        raise ValueError(f"truth={text!r} names a mechanism twice")
    return "+".join(m for m in MECHANISMS if m in parts)


@dataclass(frozen=True)
class Assignment:
    """The experiment's randomisation: which people are seeds and which seeds are treated."""

    seeds: np.ndarray
    treated: np.ndarray

    @classmethod
    def draw(cls, people: int, design: Design, rng: np.random.Generator) -> Assignment:
        """``seed_share`` of the people as seeds, exactly half of them (rounded down) treated."""
        count = max(2, round(design.seed_share * people))
        seeds = np.sort(rng.choice(people, size=count, replace=False))
        treated = np.zeros(count, dtype=bool)
        treated[rng.choice(count, size=count // 2, replace=False)] = True
        return cls(seeds=seeds, treated=treated)


@dataclass(frozen=True)
class Panel:
    """One truth's data: valence at each wave, before and after the experiment."""

    truth: str
    valence: np.ndarray
    after: np.ndarray
    after_without: np.ndarray
    threshold: float

    @property
    def happy(self) -> np.ndarray:
        """Happy (valence above the threshold) at each wave: bool array (waves, people)."""
        return self.valence > self.threshold


def climates(world: World, design: Design, weeks: int, rng: np.random.Generator) -> np.ndarray:
    """Each neighbourhood's climate (valence) in each season: array (seasons, neighbourhoods)."""
    seasons = -(-weeks // design.weeks_per_season)
    return np.clip(rng.normal(0.0, design.climate_sd, (seasons, design.neighbourhoods)), -1.0, 1.0)


def _climate_events(members, table: np.ndarray, design: Design, first: int, last: int) -> list:
    """The climates active in weeks ``first`` .. ``last`` (steps counted from the model's start 1)."""
    events = []
    length = design.weeks_per_season
    for season, row in enumerate(table):
        start, stop = season * length + 1, (season + 1) * length + 1
        if stop <= first or start > last:
            continue
        for area, people in enumerate(members):
            if people:
                events.append(Stimulus(max(start, first) - first + 1, stop - first + 1,
                                       valence=float(row[area]), arousal=AROUSAL, who=people))
    return events


def _model(world: World, design: Design, truth: str, start: tuple, events, seed: int) -> ContagionModel:
    """The engine for ``truth``, starting from ``start`` = (valence, arousal)."""
    rates = design.engine_rates()
    if "contagion" not in truth:
        rates["mirroring"] = 0.0
    return ContagionModel(world.ties, **rates,
                          baseline=world.baselines(design, "homophily" in truth),
                          baseline_arousal=AROUSAL, initial_valence=start[0], initial_arousal=start[1],
                          dt=1.0, time_unit="week", events=events, space=False,
                          collect_every=10**9, rng=seed)


def simulate(world: World, truth: str, design: Design, assignment: Assignment,
             climate: np.ndarray, seeds: tuple[int, int]) -> Panel:
    """Run the panel and the experiment for ``truth``; ``seeds`` seed the two models' noise."""
    truth = check_truth(truth)
    members = world.members() if "environment" in truth else []
    panel_weeks = design.burn_in_weeks + (design.waves - 1) * design.weeks_between_waves
    model = _model(world, design, truth, (world.baselines(design, "homophily" in truth), AROUSAL),
                   _climate_events(members, climate, design, 1, panel_weeks), seeds[0])
    model.run(design.burn_in_weeks)
    waves = [model.valence.copy()]
    for _ in range(design.waves - 1):
        model.run(design.weeks_between_waves)
        waves.append(model.valence.copy())
    valence, arousal = np.array(waves), model.arousal.copy()
    weeks = (panel_weeks + 1, panel_weeks + design.stimulus_weeks)
    after = {}
    for treated in (True, False):
        events = _climate_events(members, climate, design, *weeks)
        if treated:
            events.append(Stimulus(1, design.stimulus_weeks + 1, valence=1.0, arousal=AROUSAL,
                                   strength=design.stimulus_strength,
                                   who=assignment.seeds[assignment.treated].tolist()))
        phase = _model(world, design, truth, (valence[-1], arousal), events, seeds[1])
        phase.run(design.stimulus_weeks)
        after[treated] = phase.valence.copy()
    threshold = float(np.quantile(valence[0], 1.0 - design.happy_share))
    return Panel(truth=truth, valence=valence, after=after[True], after_without=after[False],
                 threshold=threshold)
