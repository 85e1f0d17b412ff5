"""A contagion scenario in Mesa's own SolaraViz: ``solara run examples/mesa_solaraviz.py``.

The scenario's model class is a Mesa model: its ``space`` is a
``mesa.discrete_space.Network`` and its DataCollector holds the scenario's metrics, so
Mesa's space and plot components draw it as they are. Needs the ``dashboard`` extra.
"""

from __future__ import annotations

from mesa.visualization import SolaraViz, make_plot_component, make_space_component
from mesa.visualization.components import AgentPortrayalStyle

import scenarios

SCENARIO = scenarios.get("leader_team")


class LeaderTeam(SCENARIO.model_class()):
    """The scenario's model; SolaraViz's seed box hands the seed over as text."""

    def __init__(self, rng=1, **overrides):
        super().__init__(rng=int(rng), **overrides)


def portrayal(agent) -> AgentPortrayalStyle:
    """Blue in a good mood, red in a bad one; bigger when aroused."""
    return AgentPortrayalStyle(color="tab:blue" if agent.valence >= 0 else "tab:red",
                               size=20 + 60 * agent.arousal)


model_params = {
    # SolaraViz's InputText hands the seed over as text: the model takes integers
    "rng": {"type": "InputText", "value": 1, "label": "seed"},
}

model = LeaderTeam(rng=1)
page = SolaraViz(
    model,
    components=[make_space_component(portrayal, backend="matplotlib"),
                make_plot_component("valence", backend="matplotlib")],
    model_params=model_params,
    name=SCENARIO.title,
)
