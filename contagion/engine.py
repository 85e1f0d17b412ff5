"""The vectorised engine: the same rule as ``EmotionAgent.step`` for all agents at once.

The network is held as a sparse in-edge matrix ``A`` (row i = receiver, column j
= sender, value = channel strength w_ji), split into same-group and cross-group
parts so that the out-group sign is a scalar factor::

    num_v = A_same (e v) + outgroup_sign * A_cross (e v)
    num_a = (A_same + A_cross) (e a)
    total = (A_same + A_cross) e

One sparse product with an (N, 3) or (N, 5) dense block per part and step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from contagion import rules

__all__ = ["StepInputs", "split_by_group", "vectorized_update"]


@dataclass
class StepInputs:
    """What the events and noise contribute to one step; ``None`` means nothing."""

    kick_valence: np.ndarray | None = None
    kick_arousal: np.ndarray | None = None
    broadcast_valence: np.ndarray | None = None
    broadcast_arousal: np.ndarray | None = None
    broadcast_weight: np.ndarray | None = None

    def kicks(self, i: int) -> tuple[float, float]:
        """Shock plus noise for agent ``i``."""
        if self.kick_valence is None:
            return 0.0, 0.0
        return float(self.kick_valence[i]), float(self.kick_arousal[i])


def split_by_group(in_edges: sp.csr_array, codes: np.ndarray) -> tuple[sp.csr_array, sp.csr_array]:
    """Split the in-edge matrix into same-group and cross-group parts."""
    if len(codes) == 0 or (codes == codes[0]).all():  # one group: nothing to split or copy
        return in_edges, sp.csr_array(in_edges.shape, dtype=float)
    coo = in_edges.tocoo()
    same = codes[coo.row] == codes[coo.col]
    shape = in_edges.shape

    def part(mask):
        return sp.csr_array((coo.data[mask], (coo.row[mask], coo.col[mask])), shape=shape)

    return part(same), part(~same)


def vectorized_update(model) -> tuple[np.ndarray, np.ndarray]:
    """Next (valence, arousal) of every agent; the state itself is not touched."""
    traits = model.traits
    v, a = model.valence, model.arousal
    e = traits["expressiveness"]
    columns = [e * v, e * a, e]
    anticipating = bool(traits["anticipation"].any())
    if anticipating:
        columns += [e * model.valence_change, e * model.arousal_change]
    block = np.column_stack(columns)
    sums = model.same_edges @ block
    if model.cross_edges.nnz:
        signs = np.ones(block.shape[1])
        signs[0::3] = float(model.outgroup_sign)  # valence columns: e v and e dv
        sums += (model.cross_edges @ block) * signs
    num_v, num_a, total = sums[:, 0], sums[:, 1], sums[:, 2]
    if anticipating:
        num_v = num_v + traits["anticipation"] * sums[:, 3]
        num_a = num_a + traits["anticipation"] * sums[:, 4]
    inputs = model.step_inputs
    if inputs.broadcast_weight is not None:
        num_v = num_v + inputs.broadcast_valence
        num_a = num_a + inputs.broadcast_arousal
        total = total + inputs.broadcast_weight
    seen_v = rules.perceived(num_v, total, v)
    seen_a = rules.perceived(num_a, total, a)
    if traits["amplification"].any():
        seen_v = rules.amplify(seen_v, total, traits["amplification"])
    k_v, k_a = rules.gains(traits["mirroring"], traits["expertise"], model.expertise_gain,
                           traits["negativity_gain"], seen_v, v)
    kick_v = 0.0 if inputs.kick_valence is None else inputs.kick_valence
    kick_a = 0.0 if inputs.kick_arousal is None else inputs.kick_arousal
    r_v = rules.release(traits["regulation"], traits["negativity_gain"], v, traits["baseline"])
    new_v = rules.update(v, seen_v, k_v, r_v, traits["baseline"], kick_v,
                         rules.VALENCE_RANGE)
    new_a = rules.update(a, seen_a, k_a, traits["regulation"], traits["baseline_arousal"],
                         kick_a, rules.AROUSAL_RANGE)
    return new_v, new_a
