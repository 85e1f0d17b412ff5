"""Experiments over many runs: sweeps over grids, sensitivity analysis, fits to data, studies,
their figures.

This layer sits above the scenario library and the engine: it builds models from
scenarios and never changes how one run works.
"""

from contagion.experiments import studies
from contagion.experiments.fitting import FitResult, fit
from contagion.experiments.sensitivity import scenario_function, sensitivity
from contagion.experiments.sweep import SweepResult, run_sweep, sweep

__all__ = ["FitResult", "SweepResult", "fit", "run_sweep", "scenario_function", "sensitivity",
           "studies", "sweep"]
