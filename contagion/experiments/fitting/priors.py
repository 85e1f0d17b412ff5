"""Priors for fitting: one per fitted parameter, checked against the parameter's range.

On the command line a prior is ``NAME=LOW:HIGH`` (uniform) or ``NAME=KIND:A:B``:

- ``uniform:LOW:HIGH`` (the default kind),
- ``loguniform:LOW:HIGH`` (uniform in the logarithm; ``LOW > 0``): for a rate whose
  order of magnitude is unknown,
- ``normal:MEAN:SD``, truncated to the parameter's allowed range.

>>> import scenarios
>>> prior = make_prior(scenarios.get("leader_team"), "mirroring", "0:1")
>>> prior.kind, prior.low, prior.high
('uniform', 0.0, 1.0)
>>> make_prior(scenarios.get("leader_team"), "leader_mood", "normal:0:0.5").describe()
'normal(mean 0, sd 0.5) truncated to [-1, 1]'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["KINDS", "Prior", "make_prior", "make_priors", "parse_prior"]

#: Prior kinds and the two numbers each takes.
KINDS = {"uniform": ("low", "high"), "loguniform": ("low", "high"), "normal": ("mean", "sd")}


@dataclass(frozen=True)
class Prior:
    """A prior for one parameter: ``kind`` with numbers ``a``, ``b``, support [low, high]."""

    name: str
    kind: str
    a: float
    b: float
    low: float
    high: float

    def frozen(self):
        """The distribution as a frozen ``scipy.stats`` object."""
        from scipy import stats

        if self.kind == "uniform":
            return stats.uniform(self.a, self.b - self.a)
        if self.kind == "loguniform":
            return stats.loguniform(self.a, self.b)
        return stats.truncnorm((self.low - self.a) / self.b, (self.high - self.a) / self.b,
                               loc=self.a, scale=self.b)

    def rv(self):
        """The distribution as a ``pyabc.RV``."""
        import pyabc

        if self.kind == "uniform":
            return pyabc.RV("uniform", self.a, self.b - self.a)
        if self.kind == "loguniform":
            return pyabc.RV("loguniform", self.a, self.b)
        return pyabc.RV("truncnorm", (self.low - self.a) / self.b, (self.high - self.a) / self.b,
                        loc=self.a, scale=self.b)

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """The central ``level`` interval of the prior (the reference for width ratios)."""
        tail = (1.0 - level) / 2.0
        dist = self.frozen()
        return float(dist.ppf(tail)), float(dist.ppf(1.0 - tail))

    def describe(self) -> str:
        """The prior in words, e.g. ``uniform on [0, 1]``."""
        if self.kind == "normal":
            return (f"normal(mean {self.a:g}, sd {self.b:g}) truncated to "
                    f"[{self.low:g}, {self.high:g}]")
        return f"{self.kind} on [{self.a:g}, {self.b:g}]"

    def record(self) -> dict:
        """Plain data for a manifest."""
        return {"kind": self.kind, "a": self.a, "b": self.b}


def parse_prior(name: str, text) -> tuple[str, float, float]:
    """``"0:1"`` or ``"normal:0.5:0.1"`` (or a tuple ``(low, high)``) -> ``(kind, a, b)``."""
    usage = (f"prior {name}={text!r} is malformed: use {name}=LOW:HIGH (uniform) or "
             f"{name}=KIND:A:B with KIND one of {', '.join(KINDS)}")
    if isinstance(text, (tuple, list)):
        parts = ["uniform", *text] if len(text) == 2 else list(text)
    elif isinstance(text, str):
        parts = [p.strip() for p in text.split(":")]
        if len(parts) == 2:
            parts = ["uniform", *parts]
    else:
        raise ValueError(usage)
    if len(parts) != 3 or parts[0] not in KINDS:
        raise ValueError(usage)
    try:
        a, b = float(parts[1]), float(parts[2])
    except (TypeError, ValueError):
        raise ValueError(usage) from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"prior {name}={text!r}: both numbers must be finite")
    return str(parts[0]), a, b


def make_prior(scenario, name: str, text) -> Prior:
    """A checked :class:`Prior` for parameter ``name`` of ``scenario``."""
    declaration = scenario.parameter(name)  # unknown names raise, naming the valid ones
    if declaration.kind != "float":
        raise ValueError(f"{name} is {'an integer' if declaration.kind == 'int' else 'a match'} "
                         f"parameter: only continuous parameters can be fitted; fix it with "
                         f"--set {name}=VALUE")
    kind, a, b = parse_prior(name, text)
    low, high = float(declaration.low), float(declaration.high)
    allowed = f"{name} allows [{low:g}, {high:g}]"
    if kind in ("uniform", "loguniform"):
        if not a < b:
            raise ValueError(f"prior {name}={kind}:{a:g}:{b:g}: LOW must be below HIGH")
        if a < low or b > high:
            raise ValueError(f"prior {name}={kind}:{a:g}:{b:g} reaches outside the parameter's "
                             f"range: {allowed}")
        if kind == "loguniform" and a <= 0:
            raise ValueError(f"prior {name}=loguniform:{a:g}:{b:g}: a log-uniform prior needs "
                             "LOW > 0")
        return Prior(name, kind, a, b, a, b)
    if b <= 0:
        raise ValueError(f"prior {name}=normal:{a:g}:{b:g}: the sd must be > 0")
    if not low <= a <= high:
        raise ValueError(f"prior {name}=normal:{a:g}:{b:g}: the mean is outside the "
                         f"parameter's range: {allowed}")
    if math.isinf(low) or math.isinf(high):
        raise ValueError(f"prior {name}: a normal prior needs a bounded parameter; {allowed}")
    return Prior(name, kind, a, b, low, high)


def make_priors(scenario, params: Mapping) -> dict[str, Prior]:
    """Priors for every entry of ``params`` (name -> prior text or ``(low, high)``)."""
    if not params:
        raise ValueError("give at least one parameter to fit, e.g. --param mirroring=0:1")
    return {name: make_prior(scenario, name, text) for name, text in params.items()}
