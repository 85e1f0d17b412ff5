"""The recovery study of docs/fitting.md: fit synthetic data from known parameters, four designs.

    uv run python docs/fitting_study.py                   # the study (resumes if cut off)
    uv run python docs/fitting_study.py --datasets 2      # a quick look
    uv run python docs/fitting_study.py --example         # only docs/data/meeting_*
    uv run python docs/fitting_study.py --summarise       # tables from the fits done so far

For each design and each of ``--datasets`` data sets, data are simulated from the
``meeting`` scenario (docs/data/meeting.toml) at the known values in ``TRUTH`` with
model seed 1000 + i, then fitted by ``contagion.fit`` (ABC-SMC, one worker, seed i)
with the priors in ``PRIORS``:

(a) ``group``: the members' mean valence and arousal over time;
(b) ``panel``: every person's valence and arousal over time, network unknown;
(c) ``panel+network``: (b) and the network;
(d) ``panel+network+intervention``: (c) when eight members chosen at random get a
    private pleasant message (``intervention_strength = 1``).

Each finished fit is appended to docs/fitting/recovery.jsonl (a cut-off study resumes
from it); at the end the script writes docs/fitting/recovery.csv, the figures
docs/figures/fitting-*.png and the generated tables of docs/fitting.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scenarios  # noqa: E402
from contagion.experiments.fitting import fit  # noqa: E402
from contagion.experiments.fitting.report import NARROWED  # noqa: E402
from contagion.experiments.fitting.synthetic import synthetic_data  # noqa: E402

SCENARIO = ROOT / "docs" / "data" / "meeting.toml"
OUT = ROOT / "docs" / "fitting"
FIGURES = ROOT / "docs" / "figures"
PAGE = ROOT / "docs" / "fitting.md"
TRUTH = {"mirroring": 0.4, "regulation": 0.05, "reactivity": 0.3, "leader_expressiveness": 0.6}
PRIORS = {"mirroring": "0:1", "regulation": "0:0.2", "reactivity": "0:1",
          "leader_expressiveness": "0:1"}
DESIGNS = {"group": "(a) group means", "panel": "(b) panels, network unknown",
           "panel+network": "(c) panels and network",
           "panel+network+intervention": "(d) panels, network, intervention"}
EXAMPLE_SEED = 2026


def scenario_for(design: str):
    scenario = scenarios.load(SCENARIO)
    if design.endswith("intervention"):
        scenario = scenario.replace(intervention_strength=1.0)
    return scenario


def design_data(design: str, seed: int):
    """(tables, network) one data set of ``design`` gives the fit."""
    data = synthetic_data(scenario_for(design), TRUTH, seed)
    tables = [data.group] if design == "group" else [data.panel]
    return tables, (data.graph if "network" in design else None)


def run_one(task: dict) -> dict:
    """Simulate one data set and fit it; the posterior summary and the report per parameter."""
    design, i = task["design"], task["dataset"]
    tables, graph = design_data(design, 1000 + i)
    fixed = {"intervention_strength": 1.0} if design.endswith("intervention") else {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "fit" if task["figures"] else None
        result = fit(SCENARIO, tables, PRIORS, network=graph, fixed=fixed, seed=i, jobs=1,
                     particles=task["particles"], populations=task["populations"],
                     pilot=task["pilot"], min_acceptance=task["min_acceptance"], out=out,
                     truth=TRUTH,
                     progress=False)
        if out is not None:
            for name in ("posterior", "predictive"):
                shutil.copy(out / f"{name}.png", FIGURES / f"fitting-{design.replace('+', '-')}-{name}.png")
    seconds = time.perf_counter() - start
    report = result.report.table.set_index("parameter")
    rows = []
    for _, row in result.summary.iterrows():
        name = row["parameter"]
        rows.append({"design": design, "dataset": i, "parameter": name, "truth": TRUTH[name],
                     "mean": row["mean"], "sd": row["sd"], "q05": row["q05"], "q50": row["q50"],
                     "q95": row["q95"], "covered": bool(row["q05"] <= TRUTH[name] <= row["q95"]),
                     "width_ratio": report.loc[name, "width_ratio"],
                     "verdict": report.loc[name, "verdict"]})
    ridges = [ridge.words() for ridge in result.report.ridges]
    return {"design": design, "dataset": i, "rows": rows, "ridges": ridges,
            "simulations": result.simulations, "populations": len(result.populations),
            "seconds": seconds}


def write_example() -> None:
    """docs/data/meeting_{group,panel}.csv and meeting_network.graphml: the README's example."""
    data = synthetic_data(scenario_for("panel+network+intervention"), TRUTH, EXAMPLE_SEED)
    data.group.round(6).to_csv(SCENARIO.parent / "meeting_group.csv", index=False)
    data.panel.round(6).to_csv(SCENARIO.parent / "meeting_panel.csv", index=False)
    nx.write_graphml(data.graph, SCENARIO.parent / "meeting_network.graphml")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--particles", type=int, default=30)
    parser.add_argument("--populations", type=int, default=3)
    parser.add_argument("--pilot", type=int, default=100)
    parser.add_argument("--min-acceptance", type=float, default=0.05)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--designs", default=",".join(DESIGNS))
    parser.add_argument("--example", action="store_true", help="only write the example data")
    parser.add_argument("--summarise", action="store_true",
                        help="fit nothing: the tables and figures from the fits done so far")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    journal = OUT / "recovery.jsonl"
    if args.summarise:
        summarise(_read(journal), args)
        return 0
    write_example()
    if args.example:
        return 0
    done = {(r["design"], r["dataset"]) for r in _read(journal)}
    tasks = [{"design": d, "dataset": i, "particles": args.particles,
              "populations": args.populations, "pilot": args.pilot,
              "min_acceptance": args.min_acceptance,
              "figures": i == 0}
             for i in range(args.datasets) for d in args.designs.split(",") if (d, i) not in done]
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(args.jobs, mp_context=context) as pool, \
            journal.open("a", encoding="utf-8") as sink:
        futures = {pool.submit(run_one, task): task for task in tasks}
        for k, future in enumerate(cf.as_completed(futures), 1):
            record = future.result()
            sink.write(json.dumps(record) + "\n")
            sink.flush()
            print(f"[{k}/{len(tasks)}] {record['design']} #{record['dataset']}: "
                  f"{record['simulations']} simulations, {record['seconds']:.0f} s", flush=True)
    print(f"fits: {time.perf_counter() - start:.0f} s wall")
    summarise(_read(journal), args)
    return 0


def _read(journal: Path) -> list[dict]:
    if not journal.exists():
        return []
    lines = journal.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def summarise(records: list[dict], args) -> None:
    """recovery.csv, the recovery figure and the generated tables of docs/fitting.md."""
    from fitting_tables import recovery_figure, update_page  # noqa: PLC0415 - sibling script

    rows = pd.DataFrame([row for record in records for row in record["rows"]])
    rows = rows.sort_values(["design", "dataset", "parameter"]).reset_index(drop=True)
    rows.to_csv(OUT / "recovery.csv", index=False)
    runs = pd.DataFrame([{k: r[k] for k in ("design", "dataset", "simulations", "populations",
                                            "seconds")} for r in records])
    recovery_figure(rows, TRUTH, DESIGNS, FIGURES / "fitting-recovery.png")
    update_page(PAGE, rows, runs, records, DESIGNS, NARROWED)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
