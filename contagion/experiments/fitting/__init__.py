"""Fitting scenarios to data: ABC-SMC with pyabc, and what the data can identify.

- :func:`fit` runs a fit and writes its outputs (:mod:`.fit`);
- :func:`simulate_observation` is the one function that runs the model during a fit
  (:mod:`.design`); :func:`simulate` adds the summary statistics (:mod:`.summaries`);
- :func:`read_data` checks a data table (:mod:`.data`), :func:`make_prior` a prior
  (:mod:`.priors`), :func:`identifiability` writes the report (:mod:`.report`).
"""

from contagion.experiments.fitting.data import Observed, read_data
from contagion.experiments.fitting.design import Design, make_design, simulate, simulate_observation
from contagion.experiments.fitting.fit import FitResult, fit
from contagion.experiments.fitting.priors import Prior, make_prior
from contagion.experiments.fitting.report import Identifiability, identifiability

__all__ = ["Design", "FitResult", "Identifiability", "Observed", "Prior", "fit",
           "identifiability", "make_design", "make_prior", "read_data", "simulate",
           "simulate_observation"]
