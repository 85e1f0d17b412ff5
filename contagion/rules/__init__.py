"""The update rules, one module per rule, each a set of pure functions over numbers or arrays.

- :mod:`contagion.rules.mirroring` (``rule="mirroring"``, the default): people relax
  towards the emotion they perceive in others, towards stimuli and towards their own
  baseline (a weighted average in real time);
- :mod:`contagion.rules.excitable` (``rule="excitable"``): resting, active, refractory,
  with a threshold on the activity one perceives (a stadium wave);
- :mod:`contagion.rules.sisa` (``rule="sisa"``): three discrete moods, content,
  neutral and discontent, caught per contact and ended at their own rates (Hill et
  al. 2010); its mean-field and pair-approximation predictions are in
  :mod:`contagion.rules.sisa_theory`.

Both engines call these functions: the agents engine with one agent's numbers, the
vectorised engine with whole arrays. The mirroring rule's names are re-exported here,
so ``from contagion import rules; rules.relax(...)`` works.
"""

from contagion.rules.mirroring import (
    AROUSAL_RANGE,
    MAX_SUBSTEPS,
    TOLERANCE,
    VALENCE_RANGE,
    check_step_length,
    check_tolerance,
    expertise_factor,
    loss_gain,
    noise_scale,
    rates,
    relax,
    release,
    saturate,
    share,
    stable_step,
    substeps,
)

#: The rules a model can run, by name (``ContagionModel(rule=...)``, ``rule =`` in TOML).
RULES = ("mirroring", "excitable", "sisa")

__all__ = [
    "AROUSAL_RANGE", "MAX_SUBSTEPS", "RULES", "TOLERANCE", "VALENCE_RANGE", "check_step_length",
    "check_tolerance",
    "expertise_factor", "loss_gain", "noise_scale", "rates", "relax", "release", "saturate",
    "share", "stable_step", "substeps",
]
