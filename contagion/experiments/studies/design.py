"""The design of the confounding study: every number it runs on, declared once with its range.

A :class:`Design` is frozen data. Each field is declared in :data:`FIELDS` with its
type, range, default and a plain-language description; :meth:`Design.replace` and the
command line's ``--set NAME=VALUE`` are validated against the same declarations, so a
bad value gets one line naming the field, the value and what is allowed.

Rates are given per week because the study's clock ticks in weeks (one model step is
one week; :meth:`Design.engine_rates` converts them to the engine's per-minute rates).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields, replace

from contagion.clock import TIME_UNITS
from contagion.params import unknown_name_error

__all__ = ["FIELDS", "Design", "Field", "parse_design_value"]

#: Minutes in one step of the study's clock (a week).
MINUTES_PER_WEEK = TIME_UNITS["week"] / 60.0


@dataclass(frozen=True)
class Field:
    """One design number: name, type (int or float), closed range, default, meaning."""

    name: str
    kind: type
    low: float
    high: float
    default: float
    description: str

    def check(self, value) -> int | float:
        """``value`` validated against the declaration (ints stay ints)."""
        allowed = f"allowed {'integers' if self.kind is int else 'numbers'} in [{self.low:g}, {self.high:g}]"
        is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        numeric = is_int or (isinstance(value, numbers.Real) and not isinstance(value, bool)
                             and self.kind is float)
        if not numeric:
            raise ValueError(f"{self.name}={value!r} is not {'an integer' if self.kind is int else 'a number'}: {allowed}")
        if math.isnan(value) or not self.low <= value <= self.high:
            raise ValueError(f"{self.name}={value!r} is out of range: {allowed}")
        return int(value) if self.kind is int else float(value)


FIELDS = {f.name: f for f in (
    Field("people", int, 50, 20_000, 5000,
          "people in the panel (at most 20,000: every person's circle up to distance 4 is kept)"),
    Field("ties", float, 2.0, 50.0, 11.0, "mean number of ties per person (near ones plus long ones)"),
    Field("long_ties", float, 0.0, 10.0, 0.2,
          "mean number of long ties per person, to anyone at all (the rest join people close in the social map)"),
    Field("neighbourhoods", int, 1, 10_000, 64,
          "areas of the social map that share an environment; a square number (a grid over the map)"),
    Field("waves", int, 2, 50, 4, "panel waves: times at which everyone's mood is observed"),
    Field("weeks_between_waves", int, 1, 1040, 52, "weeks from one wave to the next"),
    Field("burn_in_weeks", int, 0, 5200, 104, "weeks simulated before the first wave"),
    Field("happy_share", float, 0.05, 0.95, 0.6,
          "share of people happy at the first wave; sets the valence threshold of 'happy' (Framingham: about 0.6)"),
    Field("baseline_sd", float, 0.0, 0.5, 0.3, "spread of people's baseline mood (valence)"),
    Field("homophily_share", float, 0.0, 1.0, 0.5,
          "with homophily: share of the baseline's variance that follows position in the social map"),
    Field("mirroring_per_week", float, 0.0, 50.0, 2.0,
          "with contagion: rate (per week) at which a person takes up the mood of their contacts"),
    Field("regulation_per_week", float, 0.001, 50.0, 0.05,
          "rate (per week) at which a person returns to their own baseline mood"),
    Field("reactivity_per_week", float, 0.001, 50.0, 0.05,
          "rate (per week) at which a person takes up what they experience directly"),
    Field("mood_noise", float, 0.0, 1.0, 0.3,
          "spread (valence sd) that a person's own ups and downs would reach with regulation alone"),
    Field("climate_sd", float, 0.0, 1.0, 0.25,
          "with a shared environment: spread of a neighbourhood's climate, redrawn every season"),
    Field("weeks_per_season", int, 1, 520, 13, "weeks for which a neighbourhood's climate lasts"),
    Field("seed_share", float, 0.01, 0.5, 0.04,
          "experiment: share of people picked as seeds; half of the seeds, at random, get the stimulus"),
    Field("stimulus_weeks", int, 1, 104, 4, "experiment: weeks the stimulus lasts; the outcome is read at its end"),
    Field("stimulus_strength", float, 0.0, 1000.0, 20.0,
          "experiment: strength of the stimulus (a seed takes it up at reactivity x strength)"),
    Field("alters_per_ego", int, 1, 1000, 4, "observational: alters sampled per ego at each distance"),
    Field("draws", int, 100, 100_000, 1000,
          "observational: coefficient draws for the effect and its interval (Fowler & Christakis: 1000)"),
    Field("permutations", int, 100, 100_000, 1000, "experimental: re-randomisations for the interval"),
)}


@dataclass(frozen=True)
class Design:
    """The study's numbers (see :data:`FIELDS` for each one's meaning and range)."""

    people: int = FIELDS["people"].default
    ties: float = FIELDS["ties"].default
    long_ties: float = FIELDS["long_ties"].default
    neighbourhoods: int = FIELDS["neighbourhoods"].default
    waves: int = FIELDS["waves"].default
    weeks_between_waves: int = FIELDS["weeks_between_waves"].default
    burn_in_weeks: int = FIELDS["burn_in_weeks"].default
    happy_share: float = FIELDS["happy_share"].default
    baseline_sd: float = FIELDS["baseline_sd"].default
    homophily_share: float = FIELDS["homophily_share"].default
    mirroring_per_week: float = FIELDS["mirroring_per_week"].default
    regulation_per_week: float = FIELDS["regulation_per_week"].default
    reactivity_per_week: float = FIELDS["reactivity_per_week"].default
    mood_noise: float = FIELDS["mood_noise"].default
    climate_sd: float = FIELDS["climate_sd"].default
    weeks_per_season: int = FIELDS["weeks_per_season"].default
    seed_share: float = FIELDS["seed_share"].default
    stimulus_weeks: int = FIELDS["stimulus_weeks"].default
    stimulus_strength: float = FIELDS["stimulus_strength"].default
    alters_per_ego: int = FIELDS["alters_per_ego"].default
    draws: int = FIELDS["draws"].default
    permutations: int = FIELDS["permutations"].default

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, FIELDS[f.name].check(getattr(self, f.name)))
        side = math.isqrt(self.neighbourhoods)
        if side * side != self.neighbourhoods:
            raise ValueError(f"neighbourhoods={self.neighbourhoods} is not a square number: "
                             f"allowed 1, 4, 9, ..., e.g. {side * side} or {(side + 1) ** 2}")
        if self.long_ties >= self.ties:
            raise ValueError(f"long_ties={self.long_ties:g} must be below ties={self.ties:g}: "
                             "the rest are the near ties")
        if self.ties >= self.people - 1:
            raise ValueError(f"ties={self.ties:g} is too many for people={self.people}: "
                             f"allowed below {self.people - 1}")

    def replace(self, **changes) -> Design:
        """A new design with ``changes``, validated; unknown names are refused."""
        for name in changes:
            if name not in FIELDS:
                raise unknown_name_error("design field", name, FIELDS)
        return replace(self, **changes)

    def engine_rates(self) -> dict[str, float]:
        """Mirroring, regulation, reactivity per minute and the engine's noise, for one week a step.

        ``noise`` is chosen so that a person alone, relaxing at the regulation rate,
        fluctuates with standard deviation ``mood_noise`` (Ornstein-Uhlenbeck:
        sd = noise / sqrt(2 regulation)).
        """
        regulation = self.regulation_per_week / MINUTES_PER_WEEK
        return {"mirroring": self.mirroring_per_week / MINUTES_PER_WEEK,
                "regulation": regulation,
                "reactivity": self.reactivity_per_week / MINUTES_PER_WEEK,
                "noise": self.mood_noise * math.sqrt(2.0 * regulation)}


def parse_design_value(name: str, text: str) -> int | float:
    """``text`` from a command line for design field ``name``, validated."""
    if name not in FIELDS:
        raise unknown_name_error("design field", name, FIELDS)
    field = FIELDS[name]
    try:
        value = field.kind(text) if field.kind is int else float(text)
    except ValueError:
        kind = "an integer" if field.kind is int else "a number"
        raise ValueError(f"{name}={text!r} is not {kind}: allowed [{field.low:g}, {field.high:g}]") from None
    return field.check(value)
