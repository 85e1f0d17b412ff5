"""Networks of places: an oval stadium of seats, and a gallery of rooms visited in parties.

Registered in :data:`scenarios.recipes.NETWORKS` as ``oval`` and ``gallery``; like every
recipe, ``f(rng, **keys) -> networkx.Graph`` and nothing else.
"""

from __future__ import annotations

import math

import numpy as np

from contagion.events import Stimulus
from contagion.lazy import lazy

nx = lazy("networkx")

__all__ = ["gallery", "oval", "reach_offsets", "tour", "trigger_block"]


def reach_offsets(reach_seats: float, reach_rows: float) -> list[tuple[int, int]]:
    """``(row offset, seat offset)`` of the seats inside the ellipse a fan watches.

    ``(ds / reach_seats)^2 + (dr / reach_rows)^2 <= 1``, the fan's own seat excluded.
    """
    if not (reach_seats >= 1 and reach_rows >= 0):
        raise ValueError(f"reach_seats={reach_seats!r}, reach_rows={reach_rows!r}: allowed "
                         "reach_seats >= 1 and reach_rows >= 0")
    out = []
    for dr in range(-math.floor(reach_rows), math.floor(reach_rows) + 1):
        for ds in range(-math.floor(reach_seats), math.floor(reach_seats) + 1):
            rows_part = (dr / reach_rows) ** 2 if reach_rows > 0 else 0.0
            if (dr, ds) != (0, 0) and (ds / reach_seats) ** 2 + rows_part <= 1.0 + 1e-9:
                out.append((dr, ds))
    return out


def trigger_block(rows: int, seats: int, size: int) -> list[int]:
    """Seat indices of a near-square block of ``size`` fans in the middle rows at mid-ring.

    ``floor(sqrt(size))`` rows of ``ceil(size / rows)`` seats, filled row by row.
    """
    height = max(1, min(rows, math.isqrt(size)))
    width = math.ceil(size / height)
    first_row, first_seat = rows // 2 - height // 2, seats // 2 - width // 2
    block = [(first_row + a) * seats + (first_seat + b) % seats
             for a in range(height) for b in range(width)]
    return block[:size]


def oval(rng, rows=32, seats=640, reach_seats=3.0, reach_rows=3.0, trigger=25):
    """An oval stadium: ``rows`` rings of ``seats`` seats, each fan watching a small ellipse.

    Seat numbers grow clockwise and the ring closes. Every tie has strength one over the
    number of seats in a full view (28 for a reach of 3 seats and 3 rows), so a fan whose
    whole view stands perceives 1; the front and back rows see fewer neighbours. Nodes are ``row * seats + seat`` with attributes ``row``, ``seat``,
    ``pos`` = (seat, row) and ``group``: ``initiators`` for a block of ``trigger`` fans
    in the middle rows at mid-ring, ``fans`` for everyone else.
    """
    rows, seats, trigger = int(rows), int(seats), int(trigger)
    if rows < 1 or seats < 8:
        raise ValueError(f"rows={rows}, seats={seats}: allowed rows >= 1 and seats >= 8")
    if not 0 < trigger <= rows * seats:
        raise ValueError(f"trigger={trigger} is out of range: allowed 1 .. {rows * seats}")
    offsets = reach_offsets(float(reach_seats), float(reach_rows))
    if 2 * max(abs(ds) for _, ds in offsets) >= seats:
        raise ValueError(f"reach_seats={reach_seats!r} reaches round the ring of {seats} seats: "
                         "give more seats or a shorter reach")
    starters = set(trigger_block(rows, seats, trigger))
    graph = nx.Graph()
    graph.add_nodes_from((r * seats + s, {"row": r, "seat": s, "pos": (float(s), float(r)),
                                          "group": "initiators" if r * seats + s in starters
                                          else "fans"})
                         for r in range(rows) for s in range(seats))
    row, seat = np.divmod(np.arange(rows * seats), seats)
    weight = 1.0 / len(offsets)
    for dr, ds in offsets:
        if (dr, ds) > (0, 0):  # each pair once: the graph is undirected
            keep = row + dr < rows
            other = (row[keep] + dr) * seats + (seat[keep] + ds) % seats
            graph.add_edges_from(zip(np.flatnonzero(keep).tolist(), other.tolist()),
                                 weight=weight)
    return graph


def gallery(rng, parties=40, rooms=4, company_share=0.7, largest_party=4):
    """Visitors of a gallery, alone or in parties who perceive each other.

    A share ``company_share`` of the ``parties`` come with 2 .. ``largest_party`` people
    (everyone in a party perceives everyone else in it), the others alone. Nodes carry
    ``party`` (its number), ``start_room`` (where it begins its round of the ``rooms``,
    parties spread evenly) and ``group``: ``company`` or ``alone``.
    """
    parties, rooms, largest = int(parties), int(rooms), int(largest_party)
    if parties < 1 or rooms < 1 or largest < 2:
        raise ValueError(f"parties={parties}, rooms={rooms}, largest_party={largest}: allowed "
                         "parties >= 1, rooms >= 1, largest_party >= 2")
    together = rng.random(parties) < company_share
    sizes = np.where(together, rng.integers(2, largest + 1, size=parties), 1)
    graph = nx.Graph()
    for party, size in enumerate(sizes.tolist()):
        members = list(range(len(graph), len(graph) + size))
        graph.add_nodes_from(members, party=party, start_room=party % rooms,
                             group="company" if size > 1 else "alone")
        graph.add_edges_from((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return graph


def tour(spec, model) -> list[Stimulus]:
    """Each party's round of the gallery: the works it faces, room after room.

    ``works`` lists one ``[strength, valence, arousal]`` per room; a party starts in
    its ``start_room`` (node attribute) at step ``start`` and moves to the next room
    every ``room_steps`` steps (the declared ``start`` and ``room_time`` turned into
    steps by :func:`scenarios.timing.event_in_steps`), until it has seen every room once. In a room, each
    member perceives the work as a stimulus of that strength (salience), taken up
    with the member's reactivity and attention.
    """
    works = [tuple(float(x) for x in work) for work in spec["works"]]
    stay, begin = int(spec["room_steps"]), int(spec["start"])
    parties: dict[int, list] = {}
    for node, data in model.graph.nodes(data=True):
        if "party" not in data or "start_room" not in data:
            raise ValueError("a tour needs the node attributes 'party' and 'start_room' "
                             "(network recipe gallery)")
        parties.setdefault((int(data["party"]), int(data["start_room"])), []).append(node)
    events = []
    for (_, first_room), members in sorted(parties.items()):
        for visit in range(len(works)):
            strength, valence, arousal = works[(first_room + visit) % len(works)]
            start = begin + visit * stay
            events.append(Stimulus(start, start + stay, valence, arousal, strength, members))
    return events
