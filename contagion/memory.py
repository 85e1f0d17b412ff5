"""How much memory a model, a network or a sweep needs, and how much there is.

Sizes have fixed maxima (:data:`contagion.params.LIMITS`), but memory is the real
constraint behind most of them, and it differs from machine to machine. The estimates
here are deliberately generous upper bounds measured on the engine (networkx graphs,
scipy sparse matrices, Mesa agents, the per-step table); :func:`check_memory` refuses
a plan whose estimate exceeds the ``memory_share`` limit of what is available, before
anything is allocated, with the estimate in the message.

>>> model_bytes(1000, 5000) < 20 * 2**20
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from contagion.params import LIMITS, Limit

__all__ = ["available_memory", "check_memory", "graph_bytes", "model_bytes", "size_text",
           "table_bytes"]

#: Bytes per node and per tie of a networkx graph while it is built (measured: 160-340).
GRAPH_NODE, GRAPH_EDGE = 500, 400
#: Bytes per agent and per tie of a model: state arrays, sparse matrices, Mesa agents and
#: their network cells (measured: 700-1,500 per agent, 45-300 per tie).
MODEL_AGENT, MODEL_EDGE = 2_500, 400
#: Bytes per cell of the per-step table while it is collected (measured: about 65).
TABLE_CELL = 150
#: Bytes of a worker process before it builds a model (an interpreter with the stack).
WORKER = 250 * 2**20


def graph_bytes(nodes: int, edges: int) -> int:
    """Estimated peak bytes of building a networkx graph of this size."""
    return GRAPH_NODE * int(nodes) + GRAPH_EDGE * int(edges)


def model_bytes(agents: int, edges: int, rows: int = 0, columns: int = 0) -> int:
    """Estimated bytes of a model of ``agents`` and ``edges`` with a table of rows x columns."""
    return MODEL_AGENT * int(agents) + MODEL_EDGE * int(edges) + table_bytes(rows, columns)


def table_bytes(rows: int, columns: int) -> int:
    """Estimated bytes of a per-step table while it is collected."""
    return TABLE_CELL * int(rows) * int(columns)


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _address_space_used() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def available_memory() -> int | None:
    """Bytes this process can still allocate: free RAM, or less under a resource limit.

    The smaller of the system's available memory (``MemAvailable``) and the headroom
    under the process's address-space limit (``RLIMIT_AS``, as ``ulimit -v`` or a
    container sets it). None where neither can be read.
    """
    candidates = []
    free = _meminfo_available()
    if free is None and hasattr(os, "sysconf"):
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError):
            free = None
    if free is not None:
        candidates.append(free)
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            candidates.append(max(0, soft - _address_space_used()))
    except (ImportError, OSError, ValueError):
        pass
    return min(candidates) if candidates else None


def size_text(size: float) -> str:
    """``8_000_000_000`` -> ``'7.45 GiB'``."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} bytes" if unit == "bytes" else f"{size:.3g} {unit}"
        size /= 1024
    return f"{size:.3g} GiB"


def check_memory(what: str, needed: int, limits: Mapping[str, Limit] | None = None,
                 available: int | None = None) -> int:
    """``needed`` if it fits the ``memory_share`` limit of ``available`` memory; else ValueError.

    ``what`` names the plan in the message ("a model of 2,000 agents and 1e9 ties").
    ``available`` defaults to :func:`available_memory`; where that is unknown nothing
    is refused.
    """
    share = (LIMITS if limits is None else limits)["memory_share"].maximum
    available = available_memory() if available is None else available
    if available is None:
        return needed
    allowed = int(share * available)
    if needed > allowed:
        raise ValueError(f"{what} needs about {size_text(needed)} of memory; "
                         f"{size_text(available)} is available and a plan may use "
                         f"{share:.0%} of it ({size_text(allowed)}; limit 'memory_share', "
                         "docs/limits.md)")
    return needed
