"""How much each person a discrete-rule agent perceives counts: strengths, not shares.

The mirroring rule averages what one perceives (weights normalised to sum to 1). The
discrete rules count it: person j counts for i with ``w_ji e_j |c_ij|`` (channel
strength, j's expressiveness, and ``|outgroup_sign|`` across groups), unnormalised, so a
person who sees fewer people perceives less (a fan in the front row; someone with few
friends). Both engines use these numbers, built the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

__all__ = ["ContactMatrix", "contacts_of"]


class ContactMatrix:
    """Row i, column j: how much j counts for i; rebuilt when expressiveness, groups or
    ``outgroup_sign`` change."""

    def __init__(self):
        self._key = None
        self.matrix = None

    def update(self, model) -> sp.csr_array:
        """The matrix for ``model`` as it is now."""
        expressiveness = model.traits["expressiveness"]
        key = (float(model.outgroup_sign), expressiveness.tobytes(), model.group_codes.tobytes())
        if key != self._key:
            coo = model.in_edges.tocoo()
            codes = model.group_codes
            across = np.where(codes[coo.row] != codes[coo.col], abs(model.outgroup_sign), 1.0)
            data = coo.data * expressiveness[coo.col] * across
            self.matrix = sp.csr_array((data, (coo.row, coo.col)), shape=model.in_edges.shape)
            self._key = key
        return self.matrix


def contacts_of(agent) -> Iterator[tuple[int, float]]:
    """``(j, how much j counts)`` for everyone ``agent`` perceives, in index order."""
    model = agent.model
    if not model.social:
        return
    mine = model.group_codes[agent.index]
    for sender, w in agent.senders():
        j = sender.index
        across = 1.0 if model.group_codes[j] == mine else abs(model.outgroup_sign)
        yield j, w * model.traits["expressiveness"][j] * across
