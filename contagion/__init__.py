"""contagion: an agent-based simulator of emotional contagion (mirroring) on networks.

>>> from contagion import ContagionModel, networks
>>> model = ContagionModel(networks.small_world(200, degree=8, rng=1), mirroring=0.3, rng=1)
>>> frame = model.run(50)
>>> list(frame.columns[:3])
['step', 'time', 'valence']
"""

from contagion.version import __version__

#: Re-exported names -> the module that defines them. Each is imported on first use
#: (PEP 562): ``import contagion`` costs nothing until a name is read, so the command
#: line starts fast, and importing the engine never imports the layers above it.
_EXPORTS = {
    "networks": "contagion.networks",
    "EmotionAgent": "contagion.agents",
    "Pin": "contagion.events",
    "Shock": "contagion.events",
    "Stimulus": "contagion.events",
    "ENGINES": "contagion.model",
    "ContagionModel": "contagion.model",
    "PARAMETERS": "contagion.params",
    "Param": "contagion.params",
    "fit": "contagion.experiments",
    "studies": "contagion.experiments",
    "sweep": "contagion.experiments",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        module = importlib.import_module(_EXPORTS[name])
        value = module if module.__name__ == f"contagion.{name}" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'contagion' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_EXPORTS})


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
