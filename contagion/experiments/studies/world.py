"""The people of the confounding study: where they sit in a social map, whom they know, who they are.

Everyone has a position on a social map, the unit square with its edges wrapped
round (a torus, so nobody sits at an edge). Ties form between people close on the
map (a random geometric graph: everyone within a radius that gives ``ties -
long_ties`` near ties on average) plus ``long_ties`` per person to anyone at all, as
in latent-space models of networks (Hoff, Raftery & Handcock 2002). The map is cut
into a grid of neighbourhoods, the areas that share an environment.

Each person's baseline mood is ``baseline_sd`` times a standard score that mixes a
smooth random field over the map (share ``homophily_share`` of its variance) with a
personal part. With homophily the scores stay where they were drawn, so the people
close on the map, who are the people tied to each other, have similar baselines.
Without homophily the same scores are shuffled among the people: the same
population, with baselines unrelated to whom one knows.

References
----------
.. [1] Hoff, P. D., Raftery, A. E., & Handcock, M. S. (2002). Latent space approaches
   to social network analysis. JASA, 97(460), 1090-1098.
.. [2] Shalizi, C. R., & Thomas, A. C. (2011). Homophily and contagion are generically
   confounded in observational social network studies. Sociological Methods &
   Research, 40(2), 211-239.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from contagion.experiments.studies.design import Design

__all__ = ["FIELD_WAVES", "World", "build_world", "rings"]

#: Largest wave number of the smooth field (waves per side of the map): the field
#: varies over about a quarter of the map, several ties wide.
FIELD_WAVES = 4


@dataclass(frozen=True)
class World:
    """People on a social map: positions, ties, neighbourhoods, baseline scores."""

    positions: np.ndarray
    ties: sp.csr_array
    neighbourhood: np.ndarray
    score: np.ndarray
    shuffle: np.ndarray

    @property
    def people(self) -> int:
        """Number of people."""
        return len(self.positions)

    def baselines(self, design: Design, homophily: bool) -> np.ndarray:
        """Baseline valence of everyone: sorted onto the map with homophily, shuffled without."""
        score = self.score if homophily else self.score[self.shuffle]
        return np.clip(design.baseline_sd * score, -1.0, 1.0)

    def members(self) -> list[list[int]]:
        """The people of each neighbourhood, as lists of indices."""
        order = np.argsort(self.neighbourhood, kind="stable")
        cuts = np.searchsorted(self.neighbourhood[order], np.arange(1, self.neighbourhood.max() + 1))
        return [part.tolist() for part in np.split(order, cuts)]


def _near_ties(positions: np.ndarray, mean_degree: float) -> np.ndarray:
    radius = math.sqrt(mean_degree / (math.pi * len(positions)))
    tree = cKDTree(positions, boxsize=1.0)
    return tree.query_pairs(min(radius, 0.499), output_type="ndarray")


def _long_ties(n: int, per_person: float, rng: np.random.Generator) -> np.ndarray:
    count = round(n * per_person / 2)
    ends = rng.integers(0, n, size=(count, 2))
    return ends[ends[:, 0] != ends[:, 1]]


def _field(positions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A smooth random field on the torus: random Fourier modes, standardised over people."""
    k = np.arange(-FIELD_WAVES, FIELD_WAVES + 1)
    waves = np.array([(a, b) for a in k for b in k if 0 < a * a + b * b <= FIELD_WAVES ** 2])
    amplitude = rng.standard_normal(len(waves))
    phase = rng.uniform(0.0, 2.0 * np.pi, len(waves))
    field = np.cos(2.0 * np.pi * positions @ waves.T + phase) @ amplitude
    return (field - field.mean()) / field.std()


def build_world(design: Design, rng: np.random.Generator) -> World:
    """Draw the people, their ties and their baseline scores from ``rng``."""
    n = design.people
    positions = rng.random((n, 2))
    pairs = np.vstack([_near_ties(positions, design.ties - design.long_ties),
                       _long_ties(n, design.long_ties, rng)])
    both = np.concatenate([pairs, pairs[:, ::-1]])
    ties = sp.csr_array((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n))
    ties.sum_duplicates()
    ties.data[:] = 1.0
    side = math.isqrt(design.neighbourhoods)
    cell = np.minimum((positions * side).astype(int), side - 1)
    share = design.homophily_share
    score = math.sqrt(share) * _field(positions, rng) + math.sqrt(1.0 - share) * rng.standard_normal(n)
    return World(positions=positions, ties=ties, neighbourhood=cell[:, 0] * side + cell[:, 1],
                 score=score, shuffle=rng.permutation(n))


def rings(ties: sp.csr_array, sources: np.ndarray, max_distance: int) -> list[sp.csr_array]:
    """Who is at network distance exactly d from each source, for d = 1 .. ``max_distance``.

    Returns one sparse 0/1 matrix per distance, a row per source and a column per
    person (breadth-first search, all sources at once).
    """
    n = ties.shape[0]
    rows = np.arange(len(sources))
    frontier = sp.csr_array((np.ones(len(sources)), (rows, sources)), shape=(len(sources), n))
    seen = frontier.copy()
    out = []
    for _ in range(max_distance):
        reached = frontier @ ties
        reached.data[:] = 1.0
        frontier = reached - reached.multiply(seen)
        frontier.eliminate_zeros()
        frontier = sp.csr_array(frontier)
        seen = seen + frontier
        out.append(frontier)
    return out
