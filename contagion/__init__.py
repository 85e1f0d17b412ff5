"""contagion: an agent-based simulator of emotional contagion (mirroring) on networks.

>>> from contagion import ContagionModel, networks
>>> model = ContagionModel(networks.small_world(200, degree=8, rng=1), mirroring=0.3, rng=1)
>>> frame = model.run(50)
>>> list(frame.columns[:3])
['step', 'time', 'valence']
"""

from contagion import networks
from contagion.agents import EmotionAgent
from contagion.events import Pin, Shock, Stimulus
from contagion.model import ENGINES, ContagionModel
from contagion.params import PARAMETERS, Param
from contagion.version import __version__

#: Names re-exported from the experiments layer, loaded on first use (PEP 562) so that
#: importing the engine never imports the layers above it.
_FROM_EXPERIMENTS = {"fit", "studies", "sweep"}


def __getattr__(name: str):
    if name in _FROM_EXPERIMENTS:
        from contagion import experiments

        return getattr(experiments, name)
    raise AttributeError(f"module 'contagion' has no attribute {name!r}")

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
    "fit",
    "studies",
    "sweep",
]
