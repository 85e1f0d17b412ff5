"""Model classes of the registered scenarios, by name (``LeaderTeamModel``, ...).

``Scenario.model_class()`` gives a class whose constructor takes the scenario's
parameters; the classes of registered scenarios resolve here by name, which is
what lets ``pickle`` (and so ``mesa.batch_run(..., number_processes=2)``) send
them to other processes.
"""

from __future__ import annotations

from scenarios.registry import get, names
from scenarios.spec import model_class_name


def __getattr__(name: str):
    """The model class of the registered scenario whose class name is ``name``."""
    for scenario_name in names():
        if model_class_name(scenario_name) == name:
            return get(scenario_name).model_class()
    raise AttributeError(f"module 'scenarios.models' has no attribute {name!r}")
