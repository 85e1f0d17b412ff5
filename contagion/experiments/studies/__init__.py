"""Studies: simulations in which the truth is known, used to test how we find things out.

:func:`confounding` asks "is it contagion?": it simulates people whose moods are alike
because they mirror each other (contagion), because ties join similar people
(homophily) or because neighbours share what happens to them (a shared environment),
and applies the observational estimator of Fowler & Christakis (2008) and a
randomised experiment to each. See docs/studies/confounding.md.

>>> from contagion import studies
>>> studies.Design().people
5000
"""

from contagion.experiments.studies.confounding import (
    DEFAULT_TRUTHS,
    EXPERIMENTAL_DISTANCES,
    OBSERVATIONAL_DISTANCES,
    Confounding,
    confounding,
    run_study,
)
from contagion.experiments.studies.design import FIELDS, Design
from contagion.experiments.studies.observational import PUBLISHED
from contagion.experiments.studies.panel import MECHANISMS

__all__ = ["DEFAULT_TRUTHS", "EXPERIMENTAL_DISTANCES", "FIELDS", "MECHANISMS",
           "OBSERVATIONAL_DISTANCES", "PUBLISHED", "Confounding", "Design", "confounding",
           "run_study"]
