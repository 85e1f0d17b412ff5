"""Planning a sweep: the grid, the runs it expands to, and each run's identity and seed.

A design says which points of parameter space are run: ``grid`` crosses every list of
values (full factorial); ``lhs`` (Latin hypercube) and ``mc`` (Monte Carlo, independent
uniform draws) take ``points`` points in the box each list spans (from its lowest to
its highest value; a list of words: one of them), drawn from the root seed, so the
same call gives the same points and a resumed sweep finds its runs again.

A run is identified by the scenario's name, its parameter values (the sweep's grid
point, sorted by name) and its replicate number. Its ``run_id`` and its ``seed`` are
both derived from that identity (and the sweep's root seed) with SHA-256, never
from the order in which runs are submitted or finish, so the same sweep gives the
same table whatever the number of processes, the executor or the order of
completion, and a resumed sweep recognises the runs it already has.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

import scenarios
from contagion.params import check_limit
from scenarios.params import parse_scenario_value

__all__ = ["DESIGNS", "Plan", "Run", "load_scenario", "make_plan", "parse_grid_value",
           "run_identity", "run_seed"]

#: Ways to choose the points of a sweep (see the module docstring).
DESIGNS = ("grid", "lhs", "mc")

#: Columns every sweep table has before the parameter columns.
META_COLUMNS = ("run_id", "replicate", "seed")


@dataclass(frozen=True)
class Run:
    """One model run of a sweep: which parameters, which replicate, which seed."""

    run_id: str
    replicate: int
    seed: int
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Plan:
    """A sweep's full design: crossed values, constants, replicates and root seed."""

    scenario_name: str
    crossed: Mapping[str, list]
    constants: Mapping[str, Any]
    reps: int
    root_seed: int
    design: str = "grid"
    #: the points of an ``lhs`` or ``mc`` design (values of the crossed names), else None
    points: tuple | None = None

    @property
    def names(self) -> list[str]:
        """Grid parameter names in the order given (the table's parameter columns)."""
        return [*self.crossed, *self.constants]

    @property
    def total(self) -> int:
        """Number of runs."""
        if self.points is not None:
            return len(self.points) * self.reps
        return math.prod(len(v) for v in self.crossed.values()) * self.reps

    def grid_record(self) -> dict:
        """The grid as plain JSON data (lists are crossed, scalars are constant)."""
        return {name: _plain(value) for name, value in {**self.crossed, **self.constants}.items()}

    def runs(self) -> Iterator[Run]:
        """Every run, lazily: grid points in the order given, replicates innermost."""
        names = list(self.crossed)
        points = self.points if self.points is not None else itertools.product(
            *self.crossed.values())
        for point in points:
            params = {**dict(zip(names, point)), **self.constants}
            params = {name: params[name] for name in self.names}
            for replicate in range(self.reps):
                digest = run_identity(self.scenario_name, params, replicate)
                yield Run(digest.hex()[:16], replicate, _seed(self.root_seed, digest), params)


    def owns(self, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` (a stored row of one run) is of a run of this plan.

        Its ``run_id`` must be the identity of its own parameter values and replicate:
        a row of another sweep, or a damaged one, is not.
        """
        try:
            replicate = row["replicate"]
            params = {name: row[name] for name in self.names}
        except (KeyError, TypeError):
            return False
        if not isinstance(replicate, int) or isinstance(replicate, bool) \
                or not 0 <= replicate < self.reps:
            return False
        try:
            digest = run_identity(self.scenario_name, params, replicate)
        except (TypeError, ValueError):
            return False
        return row.get("run_id") == digest.hex()[:16]


def run_identity(scenario_name: str, params: Mapping[str, Any], replicate: int) -> bytes:
    """SHA-256 of the run's identity: scenario name, sorted parameter values, replicate."""
    text = json.dumps({"scenario": scenario_name, "params": _plain(dict(sorted(params.items()))),
                       "replicate": replicate}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).digest()


def run_seed(root_seed: int, scenario_name: str, params: Mapping[str, Any],
             replicate: int = 0) -> int:
    """The model seed of the run with this identity under ``root_seed`` (as sweeps derive it)."""
    return _seed(root_seed, run_identity(scenario_name, params, replicate))


def _seed(root_seed: int, digest: bytes) -> int:
    """A 63-bit model seed from the root seed and the identity digest."""
    key = tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))
    state = np.random.SeedSequence(root_seed, spawn_key=key).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def load_scenario(scenario):
    """A Scenario from a Scenario, a registered name or a ``.toml`` path."""
    if isinstance(scenario, scenarios.Scenario):
        return scenario
    if not isinstance(scenario, str):
        raise ValueError(f"scenario={scenario!r} is invalid: give a Scenario, a name or a .toml file")
    return scenarios.by_name_or_file(str(scenario))


def check_count(name: str, value, minimum: int) -> int:
    """``value`` as an int >= ``minimum``, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name}={value!r} is invalid: allowed integers >= {minimum}")
    return int(value)


def _is_list(value) -> bool:
    return isinstance(value, list | tuple | range | np.ndarray) or (
        hasattr(value, "tolist") and hasattr(value, "__len__") and not isinstance(value, str))


def _no_negative_zero(value: Any) -> Any:
    """-0.0 is 0.0: one grid point, one run identity, one seed."""
    return 0.0 if isinstance(value, float) and value == 0 else value


def _grid_entry(declaration, value) -> tuple[bool, Any]:
    """(crossed?, checked value or values) for one grid entry."""
    if declaration.kind == "goals":  # a goals value is itself a list
        try:
            return False, declaration.check(value)
        except ValueError:
            if not _is_list(value):
                raise
    if not _is_list(value):
        return False, _no_negative_zero(declaration.check(value))
    check_limit("grid_values", len(value), where=f"grid {declaration.name}: values")
    values = [_no_negative_zero(declaration.check(v.item() if isinstance(v, np.generic) else v))
              for v in (value.tolist() if hasattr(value, "tolist") else value)]
    if not values:
        raise ValueError(f"grid {declaration.name}: the list of values is empty")
    seen = set()
    for v in values:
        key = json.dumps(_plain(v))
        if key in seen:
            raise ValueError(f"grid {declaration.name}: value {v!r} is listed twice")
        seen.add(key)
    return True, values


def make_plan(scenario, grid: Mapping[str, Any] | None, reps: int, seed: int,
              design: str = "grid", points: int | None = None) -> Plan:
    """Validate ``grid`` against the scenario's parameters and expand it into a Plan.

    Lists (tuples, arrays, ranges) are crossed (``design="grid"``) or span the box
    that ``points`` points are drawn from (``"lhs"``, ``"mc"``); scalars are
    constants; every value is checked against the parameter's declared range.
    """
    if design not in DESIGNS:
        raise ValueError(f"design={design!r} is not known: allowed {', '.join(DESIGNS)}")
    if design == "grid" and points is not None:
        raise ValueError(f"points={points!r}: a grid runs every point it crosses; give "
                         "points with design='lhs' or 'mc'")
    if design != "grid":
        if points is None:
            raise ValueError(f"design={design!r} needs points=N (how many points to draw)")
        points = check_limit("grid_values", check_count("points", points, 1),
                             where="points")
    reps = check_count("reps", reps, 1)
    seed = check_limit("seed", check_count("seed", seed, 0))
    if grid is not None and not isinstance(grid, Mapping):
        raise ValueError(f"grid={grid!r} is invalid: give a mapping of parameter name -> values")
    crossed, constants = {}, {}
    for name, value in (grid or {}).items():
        if name in META_COLUMNS or name == "step":
            raise ValueError(f"grid: {name!r} is a column of the sweep table, not a parameter")
        is_list, checked = _grid_entry(scenario.parameter(name), value)
        (crossed if is_list else constants)[name] = checked
    drawn = None
    if design != "grid":
        if not crossed:
            raise ValueError(f"design={design!r} draws points in the ranges of the grid's "
                             "lists: give at least one parameter a range, e.g. mirroring=0:1")
        declarations = {name: scenario.parameter(name) for name in crossed}
        drawn = tuple(_draw(design, points, crossed, declarations, seed))
    plan = Plan(scenario.name, crossed, constants, reps, seed, design, drawn)
    check_limit("runs", plan.total, where="runs (grid points x reps)")
    return plan


def _draw(design: str, count: int, crossed: Mapping[str, list], declarations,
          seed: int) -> list[tuple]:
    """``count`` points in the box of ``crossed`` by Latin hypercube or Monte Carlo.

    A numeric list spans [lowest, highest] (integer parameters are rounded); any other
    list is a set of choices, one drawn per point. The draw depends only on the root
    seed and the design, so a resumed sweep draws the same points. A point drawn twice
    (integer parameters rounded alike) is run once.
    """
    from scipy.stats import qmc

    key = int.from_bytes(hashlib.sha256(f"sweep-design:{design}".encode()).digest()[:4], "little")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))
    names = list(crossed)
    if design == "lhs":
        unit = qmc.LatinHypercube(d=len(names), rng=rng).random(count)
    else:
        unit = rng.random((count, len(names)))
    points, seen = [], set()
    for row in unit:
        point = tuple(_scale(crossed[name], declarations[name], u) for name, u in zip(names, row))
        key_text = json.dumps(_plain(list(point)))
        if key_text not in seen:
            seen.add(key_text)
            points.append(point)
    return points


def _scale(values: list, declaration, u: float):
    """The value at ``u`` in [0, 1) of a list's range (numbers) or choices (anything else)."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) == len(values) and len(values) > 1:
        low, high = min(numbers), max(numbers)
        x = low + float(u) * (high - low)
        if declaration.kind == "int":
            return declaration.check(int(min(math.floor(low + float(u) * (high - low + 1)),
                                             high)))
        return _no_negative_zero(declaration.check(float(x)))
    return values[min(int(float(u) * len(values)), len(values) - 1)]


def parse_grid_value(name: str, text: str) -> Any:
    """CLI grid syntax: ``a:b:n`` (n evenly spaced values, ends included), ``a,b,c``, or one value.

    Returns a list for ranges and comma lists, a scalar for one value; values are
    numbers where they parse as numbers (``random`` or JSON lists stay as given).
    """
    text = text.strip()
    if not text:
        raise ValueError(f"--grid {name}= has no value: use a:b:n, a,b,c or one value")
    if ":" in text and not text.startswith("["):
        return _parse_range(name, text)
    if "," in text and not text.startswith("["):
        items = [t.strip() for t in text.split(",")]
        if any(not t for t in items):
            raise ValueError(f"--grid {name}={text}: empty item in the list")
        return [parse_scenario_value(t) for t in items]
    return parse_scenario_value(text)


def _parse_range(name: str, text: str) -> list[float]:
    parts = text.split(":")
    usage = f"--grid {name}={text} is malformed: use a:b:n (n evenly spaced values from a to b)"
    if len(parts) != 3:
        raise ValueError(usage)
    try:
        low, high = float(parts[0]), float(parts[1])
        count = int(parts[2])
    except ValueError:
        raise ValueError(usage) from None
    if count < 1 or not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"--grid {name}={text}: n must be an integer >= 1 and a, b finite")
    check_limit("grid_values", count, where=f"--grid {name}={text}: n")
    if count == 1:
        if low != high:
            raise ValueError(f"--grid {name}={text}: one value from {low:g} to {high:g} is "
                             "ambiguous; use n >= 2 or a single value")
        return [low]
    # 12 significant digits: 0:1:11 gives 0.3, not 0.30000000000000004
    return [float(f"{x:.12g}") for x in np.linspace(low, high, count)]
