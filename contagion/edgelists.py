"""Reading edge lists (CSV, whitespace-separated) in a stream, with a progress bar.

A CSV edge list is read with pyarrow's streaming CSV reader block by block, so a file
of millions of lines never becomes millions of Python objects; a whitespace edge list
(``.edgelist``, ``.txt``) is read line by line. Either becomes an :class:`EdgeList`:
node labels in order of first appearance, and one integer code per endpoint.

The rules are explicit, never silent:

- the header names only ``source``, ``target`` and optionally ``weight`` (a column
  without a label, or with another label, is an error);
- each pair of nodes appears once (an undirected tie, in either order): a repeated
  pair is an error naming both lines, since keeping one of its weights would be a guess;
- a weight is a number (not NaN); an empty weight means strength 1;
- an empty line is skipped; a line with an empty source or target is an error.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from contagion.memory import check_memory, model_bytes
from contagion.params import check_limit

__all__ = ["CSV_COLUMNS", "EdgeList", "read_edge_list"]

CSV_COLUMNS = ("source", "target", "weight")
_BLOCK = 1 << 20


@dataclass
class EdgeList:
    """Edges read from a file: ``labels[source[i]] -- labels[target[i]]`` with ``weight[i]``.

    ``weight`` holds NaN where a line gave none (strength 1); it is None when the file
    has no weight column at all. ``lines[i]`` is the line edge ``i`` came from.
    """

    labels: list
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray | None
    lines: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.labels)

    def __len__(self) -> int:
        return len(self.source)


def _fail(path: Path, message: str) -> ValueError:
    return ValueError(f"graph file {str(path)!r} {message}")


def _header(path: Path) -> list[str]:
    """The CSV header's raw column names (a byte-order mark removed)."""
    with open(path, "rb") as handle:
        first = handle.readline(1 << 16)
    try:
        text = first.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(path, "is malformed: its header is not UTF-8 text") from None
    if "\x00" in text:
        raise _fail(path, "is malformed: it holds NUL bytes (a binary file?)")
    return next(csv.reader(io.StringIO(text)), [])


def _bar(total: int, progress: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc="reading edges", leave=False,
                delay=0.5, disable=not progress)


def _read_csv(path: Path, progress: bool, limits):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    raw = _header(path)
    names = [name.strip() for name in raw]
    if "source" not in names or "target" not in names:
        raise _fail(path, f"needs a header with 'source' and 'target' columns, found {names}")
    if any(name not in CSV_COLUMNS for name in names) or len(set(names)) != len(names):
        raise _fail(path, f"has columns {names}: allowed source, target and weight, each "
                          "once (node attributes need GraphML)")
    bad = []

    def invalid(row):  # a row with more or fewer fields than the header labels
        bad.append(row)
        return "error"

    chunks = {name: [] for name in names}
    rows, size = 0, path.stat().st_size
    with _bar(size, progress) as bar:
        try:
            reader = pacsv.open_csv(  # reads the first block already
                path, read_options=pacsv.ReadOptions(use_threads=False, block_size=_BLOCK),
                parse_options=pacsv.ParseOptions(invalid_row_handler=invalid,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(raw, pa.string()), strings_can_be_null=False))
            for batch in reader:
                rows += batch.num_rows
                check_limit("edges", rows, limits, where=f"graph file {str(path)!r}: ties")
                for raw_name, name in zip(raw, names):
                    chunks[name].append(batch.column(raw_name))
                bar.update(min(_BLOCK, size - bar.n))
        except pa.ArrowInvalid as exc:
            if bad:
                row = bad[0]
                raise _fail(path, f"line {row.number}: {row.actual_columns} fields but the "
                                  f"header labels {row.expected_columns}: every value needs a "
                                  "column label") from None
            raise _fail(path, f"is malformed: {str(exc).splitlines()[0]}") from None
    columns = {name: pa.concat_arrays(parts) if parts else pa.array([], pa.string())
               for name, parts in chunks.items()}
    return columns["source"], columns["target"], columns.get("weight"), 2


def _read_whitespace(path: Path, progress: bool, limits):
    import pyarrow as pa

    sources, targets, weights = [], [], []
    weighted = None
    with open(path, encoding="utf-8-sig") as handle, _bar(path.stat().st_size, progress) as bar:
        for number, line in enumerate(_lines(path, handle), start=1):
            bar.update(len(line))
            parts = line.split("#", 1)[0].split()
            if not parts:
                parts = ["", "", ""] if weighted else ["", ""]
            elif len(parts) not in (2, 3) or (weighted is not None
                                             and weighted != (len(parts) == 3)):
                raise _fail(path, f"line {number}: {len(parts)} fields: give 'source target' "
                                  "or 'source target weight' on every line")
            else:
                weighted = len(parts) == 3
            sources.append(parts[0])
            targets.append(parts[1])
            weights.append(parts[2] if len(parts) == 3 else "")
            check_limit("edges", len(sources), limits, where=f"graph file {str(path)!r}: ties")
    weight = pa.array(weights, pa.string()) if weighted else None
    return pa.array(sources, pa.string()), pa.array(targets, pa.string()), weight, 1


def _lines(path: Path, handle):
    """The file's lines; invalid UTF-8 is reported with the file and the line."""
    number = 0
    try:
        for number, line in enumerate(handle, start=1):  # noqa: B007 - kept for the message
            yield line
    except UnicodeDecodeError:
        raise _fail(path, f"is malformed: line {number + 1} is not UTF-8 text") from None


def _labels(tokens) -> tuple[list, np.ndarray]:
    """First-seen order of the (Arrow string) ``tokens`` and each one's code.

    Labels that all read as distinct integers become integers.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    uniques = pc.unique(tokens)
    codes = pc.index_in(tokens, value_set=uniques).to_numpy(zero_copy_only=False)
    try:
        as_int = pc.cast(uniques, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return uniques.to_pylist(), codes
    if len(pc.unique(as_int)) != len(as_int):
        return uniques.to_pylist(), codes
    return as_int.to_pylist(), codes


def read_edge_list(path: str | Path, progress: bool = False, limits=None) -> EdgeList:
    """Read a CSV or whitespace edge list (see the module docstring for the rules)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    path = Path(path)
    reader = _read_csv if path.suffix.lower() == ".csv" else _read_whitespace
    sources, targets, weights, first_line = reader(path, progress, limits)
    sources, targets = pc.utf8_trim_whitespace(sources), pc.utf8_trim_whitespace(targets)
    empty_source = pc.equal(sources, "").to_numpy(zero_copy_only=False)
    empty_target = pc.equal(targets, "").to_numpy(zero_copy_only=False)
    lines = np.arange(first_line, first_line + len(sources))
    half = np.flatnonzero(empty_source != empty_target)
    if len(half):
        raise _fail(path, f"line {lines[half[0]]}: empty source or target")
    keep = pa.array(~empty_source)  # lines with neither are blank: skipped
    sources, targets, lines = sources.filter(keep), targets.filter(keep), lines[~empty_source]
    weight = None if weights is None else _weights(path, weights.filter(keep), lines)
    n = len(sources)
    interleave = np.empty(2 * n, dtype=np.int64)
    interleave[0::2], interleave[1::2] = np.arange(n), np.arange(n, 2 * n)
    labels, codes = _labels(pa.concat_arrays([sources, targets]).take(pa.array(interleave)))
    edges = EdgeList(labels, codes[0::2].astype(np.int64), codes[1::2].astype(np.int64),
                     weight, lines)
    if not edges.n_nodes:
        raise _fail(path, "has no nodes")
    check_limit("agents", edges.n_nodes, limits, where=f"graph file {str(path)!r}: nodes")
    check_memory(f"graph file {str(path)!r} ({edges.n_nodes:,} nodes, {len(edges):,} ties)",
                 model_bytes(edges.n_nodes, 2 * len(edges)), limits)
    _check_repeats(path, edges)
    return edges


def _weights(path: Path, texts, lines: np.ndarray) -> np.ndarray:
    """Numbers from the weight column; NaN where it is empty (strength 1)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pc.utf8_trim_whitespace(texts)
    given = pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()), texts)
    try:
        values = pc.cast(given, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        for i, text in enumerate(given.to_pylist()):
            if text is None:
                continue
            try:
                float(text)
            except ValueError:
                raise _fail(path, f"line {lines[i]}: weight={text!r} is not a number") from None
        raise _fail(path, "has a weight that is not a number") from None
    nan = np.flatnonzero(np.isnan(values) & pc.is_valid(given).to_numpy(zero_copy_only=False))
    if len(nan):  # "nan" is not a weight: only an empty one means strength 1
        i = int(nan[0])
        raise _fail(path, f"line {lines[i]}: weight={given[i].as_py()!r} is not a number")
    return values


def _check_repeats(path: Path, edges: EdgeList) -> None:
    """Each pair once, in either order: a repeat names both lines."""
    low = np.minimum(edges.source, edges.target)
    high = np.maximum(edges.source, edges.target)
    key = low * np.int64(edges.n_nodes) + high
    order = np.argsort(key, kind="stable")
    same = np.flatnonzero(key[order][1:] == key[order][:-1])
    if len(same) == 0:
        return
    seconds = order[same + 1]
    second = int(seconds[np.argmin(edges.lines[seconds])])
    first = int(order[np.searchsorted(key[order], key[second])])
    u, v = edges.labels[edges.source[second]], edges.labels[edges.target[second]]
    raise _fail(path, f"line {edges.lines[second]}: the tie {u}-{v} is listed again (first on "
                      f"line {edges.lines[first]}); give each pair once, in either order")
