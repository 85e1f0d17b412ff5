"""contagion: an agent-based simulator of emotional contagion (mirroring) on networks.

>>> from contagion import ContagionModel, networks
>>> model = ContagionModel(networks.small_world(200, degree=8, rng=1), mirroring=0.3, rng=1)
>>> frame = model.run(50)
>>> list(frame.columns[:3])
['step', 'valence', 'valence_sd']
"""

from contagion.agents import EmotionAgent
from contagion.events import Broadcast, Pin, Shock
from contagion.model import ENGINES, ContagionModel
from contagion.params import PARAMETERS, Param
from contagion.sweep import sweep

__all__ = [
    "ENGINES",
    "PARAMETERS",
    "Broadcast",
    "ContagionModel",
    "EmotionAgent",
    "Param",
    "Pin",
    "Shock",
    "sweep",
]

__version__ = "0.1.0"
