"""The hostile-input suite's harness: every case in a limited subprocess of its own.

``sandbox.refused(...)`` runs a ``contagion`` command line (or Python code) in a forked
child of :mod:`forkserver` with an address-space limit and a timeout, in a folder
holding only the case's input files, and asserts what every refusal must show: exit
status 2, one line on stderr naming the problem, no traceback, no file left behind,
within the time and memory bounds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_inputs import Case

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: What a case may add to the address space, and how long it may take (seconds). A
#: refusal is checked before anything large is allocated, so both are generous bounds
#: that an allocation of the sizes in the cases would break at once.
MEMORY = 1 << 30
SECONDS = 30.0


@dataclass
class Outcome:
    """What a case did."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    peak_rss: int
    pid: int


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder`` (contents for files, None for folders)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        found[name] = None if path.is_dir() and not path.is_symlink() else (
            path.read_bytes() if path.is_file() else b"<special>")
    return found


class Sandbox:
    """Runs cases through the fork server (see the module docstring)."""

    def __init__(self, process: subprocess.Popen, base_rss: int):
        self.process, self.base_rss = process, base_rss

    def _send(self, request: dict) -> Outcome:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the fork server died"
        return Outcome(**json.loads(line))

    def run(self, case: Case, argv: list[str] | None = None, code: str | None = None,
            memory: int = MEMORY, seconds: float = SECONDS, kill: dict | None = None) -> Outcome:
        request = {"cwd": str(case.path), "memory": memory, "seconds": seconds}
        if kill is not None:
            request["kill"] = kill
        request.update({"argv": argv} if argv is not None else {"code": code})
        return self._send(request)

    def refused(self, case: Case, *fragments: str, argv: list[str] | None = None,
                code: str | None = None, memory: int = MEMORY,
                seconds: float = SECONDS) -> str:
        """Run a case that must be refused; return its one line of error."""
        before = _tree(case.path)
        outcome = self.run(case, argv, code, memory, seconds)
        assert not outcome.timed_out, f"still running after {seconds} s"
        assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr
        assert outcome.code == 2, (outcome.code, outcome.stderr)
        lines = outcome.stderr.strip().splitlines()
        assert len(lines) == 1, outcome.stderr
        prefix = f"contagion {argv[0]}: error: " if argv is not None else "ValueError: "
        assert lines[0].startswith(prefix), lines[0]
        for fragment in fragments:
            assert fragment in lines[0], (fragment, lines[0])
        assert "\x1b" not in lines[0]
        assert _tree(case.path) == before, "the case left files behind or changed its inputs"
        assert outcome.seconds < seconds
        assert outcome.peak_rss - self.base_rss < memory
        return lines[0]


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forkserver")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT),
           # mimalloc, Arrow's default pool, reserves address space by the GiB: under
           # RLIMIT_AS its first small allocation fails. The system allocator does not.
           "ARROW_DEFAULT_MEMORY_POOL": "system"}
    env.pop("CONTAGION_DEBUG", None)
    process = subprocess.Popen([sys.executable, str(HERE / "forkserver.py"), str(folder)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               cwd=ROOT, env=env)
    ready = json.loads(process.stdout.readline())
    assert ready["ready"]
    yield Sandbox(process, ready["base_rss"])
    process.stdin.close()
    process.wait(timeout=30)


@pytest.fixture
def case(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    return Case(folder)

