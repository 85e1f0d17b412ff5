"""contagion: an agent-based simulator of emotional contagion (mirroring) on networks.

>>> from contagion import ContagionModel, networks
>>> model = ContagionModel(networks.small_world(200, degree=8, rng=1), mirroring=0.3, rng=1)
>>> frame = model.run(50)
>>> list(frame.columns[:3])
['step', 'valence', 'valence_sd']
"""

from contagion import networks
from contagion.agents import EmotionAgent
from contagion.events import Pin, Shock, Stimulus
from contagion.model import ENGINES, ContagionModel
from contagion.params import PARAMETERS, Param
from contagion.version import __version__

# The engine above imports nothing of the layers above it; the package re-exports the
# experiments' entry points so that ``from contagion import sweep, studies`` works as
# documented.
from contagion.experiments import studies, sweep  # noqa: E402  (after the engine it builds on)

__all__ = [
    "ENGINES",
    "PARAMETERS",
    "ContagionModel",
    "EmotionAgent",
    "Param",
    "Pin",
    "Shock",
    "Stimulus",
    "networks",
    "__version__",
    "studies",
    "sweep",
]
