"""``contagion study``: simulations in which the truth is known, used to test estimators.

``contagion study confounding`` runs :func:`contagion.experiments.studies.confounding`
and prints its table and its verdict in plain language.
"""

from __future__ import annotations

import pandas as pd

from contagion.cli.common import parse_int, parse_settings
from contagion.experiments.studies import DEFAULT_TRUTHS, MECHANISMS, confounding
from contagion.experiments.studies.confounding import check_truths
from contagion.experiments.studies.design import Design, parse_design_value
from contagion.output import Outputs

__all__ = ["register"]


def register(subparsers) -> None:
    """Add ``study`` and its studies."""
    p = subparsers.add_parser(
        "study", help="studies in which the truth is known (e.g. confounding)",
        description="Simulate worlds whose mechanisms are known and test how estimators fare.")
    studies = p.add_subparsers(dest="study", required=True)
    c = studies.add_parser(
        "confounding", help="is it contagion? mirroring against homophily and shared shocks",
        description="Simulate a panel of people under known truths (contagion, homophily, a "
                    "shared environment, and combinations), apply the observational estimator "
                    "of Fowler & Christakis (2008) and a randomised experiment to each, and "
                    "print what each finds. See docs/studies/confounding.md.")
    c.add_argument("--truth", action="append", default=[], metavar="TRUTH",
                   help=f"a truth: mechanisms from {', '.join(MECHANISMS)} joined by '+', e.g. "
                        "contagion+homophily (repeatable; default: "
                        + ", ".join(DEFAULT_TRUTHS) + ")")
    c.add_argument("--seed", metavar="S", help="random seed (default: 0)")
    c.add_argument("--people", metavar="N", help=f"people in the panel (default: {Design().people})")
    c.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="set a design number, e.g. --set mirroring_per_week=0.5 (repeatable; "
                        "see docs/studies/confounding.md for every name)")
    c.add_argument("--out", metavar="FILE", help="write the table (.csv or .parquet)")
    c.add_argument("--plot", metavar="FILE.png", help="draw estimate against distance to a PNG")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")
    c.set_defaults(handler=confounding_command)
    studies.metavar = "{" + ",".join(studies.choices) + "}"  # the one-line error names them


def _changes(args) -> dict:
    """The design changes of ``--set`` and ``--people``: each name once."""
    changes = parse_settings("--set", args.set, parse_design_value,
                             example="VALUE, e.g. mirroring_per_week=0.5")
    if args.people is not None:
        if "people" in changes:
            raise ValueError("--people and --set people both give the number of people: "
                             "give it once")
        changes["people"] = parse_design_value("people", args.people)
    return changes


def format_table(table: pd.DataFrame) -> str:
    """The table as aligned text: estimates and intervals in percent."""
    shown = pd.DataFrame({
        "truth": table["truth"], "estimator": table["estimator"], "distance": table["distance"],
        "estimate %": table["estimate"].map("{:+.1f}".format),
        "95% CI": [f"{lo:+.1f} to {hi:+.1f}" for lo, hi in zip(table["ci_low"], table["ci_high"])],
        "true effect %": table["true_effect"].map(lambda x: "" if pd.isna(x) else f"{x:+.1f}"),
    })
    return shown.to_string(index=False)


def confounding_command(args) -> int:
    """Handle ``contagion study confounding`` (Ctrl-C: one line, status 130)."""
    from contagion.cli.sweep import interruptible

    return interruptible("study", _confounding_command, args,
                         "nothing was written (the table and figure are written at the end); "
                         "run the same command again")


def _confounding_command(args) -> int:
    """Outputs checked first, written last or not at all."""
    written: list[str] = []
    with Outputs() as outputs:
        _confounding(args, outputs, written)
    for line in written:
        print(line)
    return 0


def _confounding(args, outputs: Outputs, written: list[str]) -> None:
    out = outputs.add(args.out, "table", "out")
    plot = outputs.add(args.plot, "figure", "plot")
    seed = parse_int("--seed", args.seed, 0, 0, limit="seed")
    design = Design().replace(**_changes(args))
    truths = check_truths(args.truth or DEFAULT_TRUTHS)
    print(f"confounding study: {design.people} people, {design.ties:g} ties each on average, "
          f"{design.waves} waves {design.weeks_between_waves} weeks apart, seed {seed}",
          flush=True)
    result = confounding(truths, seed=seed, design=design, progress=not args.no_progress)
    print("estimates: percent increase in the probability of being happy when a person at "
          "that network distance is happy (observational) or got the stimulus (experimental)")
    print(format_table(result.table))
    print()
    print(result.verdict())
    if out is not None:
        outputs.table(result.table, out)
        written.append(f"wrote {len(result.table)} rows to {out}")
    if plot is not None:
        outputs.figure(result.figure(), plot)
        written.append(f"wrote the figure to {plot}")
