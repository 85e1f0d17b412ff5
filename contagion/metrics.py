"""Named reporter functions: ``f(model) -> float``, used by the DataCollector.

Column names in the output are the keys of :func:`standard_reporters`:
``valence``, ``valence_sd``, ``arousal``, ``arousal_sd``, ``fraction_positive``,
``change`` and, for every group ``g``, ``g_valence``, ``g_valence_sd``,
``g_arousal``, ``g_arousal_sd``, ``g_fraction_positive``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

__all__ = [
    "arousal_sd",
    "change",
    "choice_reporters",
    "choice_share",
    "fraction_positive",
    "group_mean",
    "group_sd",
    "mean_arousal",
    "mean_valence",
    "standard_reporters",
    "valence_sd",
]

Reporter = Callable[[object], float]


def mean_valence(model) -> float:
    """Mean valence over all agents."""
    return float(model.valence.mean())


def valence_sd(model) -> float:
    """Standard deviation of valence over all agents (how divided the mood is)."""
    return float(model.valence.std())


def mean_arousal(model) -> float:
    """Mean arousal over all agents."""
    return float(model.arousal.mean())


def arousal_sd(model) -> float:
    """Standard deviation of arousal over all agents."""
    return float(model.arousal.std())


def fraction_positive(model) -> float:
    """Share of agents whose valence is above zero."""
    return float((model.valence > 0).mean())


def change(model) -> float:
    """Mean absolute change of valence plus arousal over the last step (0 at step 0)."""
    return float(np.abs(model.valence_change).mean() + np.abs(model.arousal_change).mean())


def _members(model, group: str) -> np.ndarray:
    return model.group_codes == model.group_names.index(group)


def group_mean(model, group: str, variable: str) -> float:
    """Mean of ``variable`` ("valence" or "arousal") over the members of ``group``."""
    return float(getattr(model, variable)[_members(model, group)].mean())


def group_sd(model, group: str, variable: str) -> float:
    """Standard deviation of ``variable`` over the members of ``group``."""
    return float(getattr(model, variable)[_members(model, group)].std())


def group_fraction_positive(model, group: str) -> float:
    """Share of the members of ``group`` whose valence is above zero."""
    return float((model.valence[_members(model, group)] > 0).mean())


def standard_reporters(group_names: list[str]) -> dict[str, Reporter]:
    """The reporters every model collects, overall and per group."""
    reporters: dict[str, Reporter] = {
        "valence": mean_valence,
        "valence_sd": valence_sd,
        "arousal": mean_arousal,
        "arousal_sd": arousal_sd,
        "fraction_positive": fraction_positive,
        "change": change,
    }
    for g in group_names:
        reporters[f"{g}_valence"] = partial(group_mean, group=g, variable="valence")
        reporters[f"{g}_valence_sd"] = partial(group_sd, group=g, variable="valence")
        reporters[f"{g}_arousal"] = partial(group_mean, group=g, variable="arousal")
        reporters[f"{g}_arousal_sd"] = partial(group_sd, group=g, variable="arousal")
        reporters[f"{g}_fraction_positive"] = partial(group_fraction_positive, group=g)
    return reporters


def choice_share(model, choice: str, option: int) -> float:
    """Share of the agents who make ``choice`` that chose option number ``option`` this step."""
    who = model.choosers[choice]
    return float((model.choices[choice][who] == option).mean()) if len(who) else float("nan")


def choice_reporters(choices) -> dict[str, Reporter]:
    """``<choice>_<option>``: the share choosing each option of each :class:`Choice`."""
    return {f"{c.name}_{o.name}": partial(choice_share, choice=c.name, option=k)
            for c in choices for k, o in enumerate(c.options)}


def settle_step(steps, changes, tolerance: float = 1e-3) -> int | None:
    """The step from which ``change`` stays below ``tolerance``; None if it never does.

    ``steps`` and ``changes`` are the ``step`` and ``change`` columns of a run.
    Returns 0 when nothing ever moved by ``tolerance``, and None when the run was
    still moving at its last recorded step.
    """
    steps = np.asarray(steps)
    moving = steps[(np.asarray(changes, dtype=float) >= tolerance) & (steps > 0)]
    if len(moving) == 0:
        return 0
    last = int(moving[-1])
    return None if last >= int(steps[-1]) else last + 1
