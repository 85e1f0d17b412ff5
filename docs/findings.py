"""The measured findings of every scenario: full model, fair null, and the social part.

Each finding is a number computed from runs of a scenario on one seed (an outcome, or
the difference of an outcome between two settings on the same seed). It is computed
three ways on seeds 0-9: the full model, without social contagion (the fair null:
ties cut, stimuli kept) and without stimuli; the social part is full minus no-social
on the same seed, with a 95 % t-interval over the seeds.

    uv run python docs/findings.py                 # every scenario, prints the tables
    uv run python docs/findings.py football_crowd  # one

``docs/make_figures.py`` writes these tables into docs/scenarios/<name>.md.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import scenarios
from scenarios.compare import interval

SEEDS = range(10)
NULLS = {"full": None, "no social contagion": "social", "no stimulus": "stimulus"}


@dataclass(frozen=True)
class Finding:
    """One measured quantity: ``compute(scenario, seed, null) -> float``."""

    label: str
    compute: Callable


@functools.lru_cache(maxsize=512)
def _frame(toml: str, seed: int, null: str | None):
    """One run's per-step table (several findings read the same run)."""
    return scenarios.loads(toml).run(rng=seed, null=null)


def frame(scenario, seed, null):
    """The per-step table of ``scenario`` on ``seed`` with ``null``."""
    return _frame(scenario.to_toml(), seed, null)


def outcome(name: str, **overrides) -> Callable:
    """The outcome ``name`` of one run."""
    def compute(scenario, seed, null):
        run = scenario.replace(**overrides)
        return run.outcome_values(frame(run, seed, null))[name]
    return compute


def window(expression: Callable, start: float, stop: float) -> Callable:
    """The mean of ``expression(table)``, a column, over the rows with time in [start, stop)
    (times in the scenario's unit, so the window stays put when dt changes)."""
    def compute(scenario, seed, null):
        table = frame(scenario, seed, null)
        eps = 1e-9 * scenario.dt
        inside = (table["time"] >= start - eps) & (table["time"] < stop - eps)
        return float(expression(table)[inside].mean())
    return compute


def contrast(measure: Callable, first: dict, second: dict) -> Callable:
    """``measure`` at setting ``first`` minus at ``second``, on the same seed."""
    def compute(scenario, seed, null):
        return (measure(scenario.replace(**first), seed, null)
                - measure(scenario.replace(**second), seed, null))
    return compute


def _speaker_lag_gap(scenario, seed, null):
    ties = outcome("peak_lag", listener_ties=4)(scenario, seed, null)
    alone = outcome("peak_lag")(scenario, seed, null)
    return ties - alone


CHEERFUL, GRUMPY = {"leader_mood": 0.7}, {"leader_mood": -0.7}
TOGETHER, ALONE = {"together": 1}, {"together": 0}

FINDINGS: dict[str, list[Finding]] = {
    "leader_team": [
        Finding("members' mood (minutes 15-60), cheerful minus grumpy leader",
                contrast(outcome("member_mood"), CHEERFUL, GRUMPY)),
        Finding("coordination (pairs acting in step), cheerful minus grumpy",
                contrast(outcome("coordination"), CHEERFUL, GRUMPY)),
        Finding("extra effort (share of members), cheerful minus grumpy",
                contrast(outcome("effort"), CHEERFUL, GRUMPY)),
        Finding("coordination with a cheerful leader", outcome("coordination")),
        Finding("coordination with a grumpy leader", outcome("coordination", leader_mood=-0.7)),
        Finding("extra effort with a grumpy leader", outcome("effort", leader_mood=-0.7)),
    ],
    "boss_cascade": [
        Finding("leaders' mood shift (minutes 60-120)", outcome("leader_shift")),
        Finding("members' mood shift, who never meet the manager", outcome("member_shift")),
        Finding("attenuation: members' shift / leaders' shift", outcome("attenuation")),
        Finding("members' shift, cheerful minus grumpy manager",
                contrast(outcome("member_shift"), {"manager_mood": 0.7}, {"manager_mood": -0.7})),
    ],
    "football_crowd": [
        Finding("home fans who saw nothing: mood in the 5 minutes after the home goal",
                outcome("missed_reaction")),
        Finding("home fans who saw the goal: mood in the 5 minutes after it",
                outcome("seen_reaction")),
        Finding("split between the stands in the 5 minutes after the goal",
                outcome("split_after_goal")),
        Finding("home experts minus home novices, 5 minutes after the goal",
                window(lambda t: t["home_expert_valence"] - t["home_novice_valence"], 930, 1230)),
        Finding("home fans' arousal in the 5 minutes after the goal",
                window(lambda t: t["home_arousal"], 930, 1230)),
        Finding("final mood, home minus away (2-1 home win)",
                window(lambda t: t["home_valence"] - t["away_valence"], 5700, 5730)),
    ],
    "borderline_profile": [
        Finding("spill-over: friends of a profile agent vs other controls "
                "(valence below own baseline)", outcome("spill_over")),
        Finding("profile trough", outcome("profile_trough")),
        Finding("control trough", outcome("control_trough")),
        Finding("profile trough minus control trough",
                lambda s, seed, null: (outcome("profile_trough")(s, seed, null)
                                       - outcome("control_trough")(s, seed, null))),
        Finding("profile half-life of recovery (minutes)", outcome("profile_half_life")),
        Finding("control half-life of recovery (minutes)", outcome("control_half_life")),
        Finding("profile minus control trough, pleasant scene (+0.7)",
                lambda s, seed, null: (outcome("profile_trough", scene_valence=0.7)(s, seed, null)
                                       - outcome("control_trough", scene_valence=0.7)(
                                           s, seed, null))),
    ],
    "vicarious_shame": [
        Finding("observers who looked away: deepest cringe (valence)",
                outcome("looked_away_trough")),
        Finding("observers who saw it: deepest cringe", outcome("saw_it_trough")),
        Finding("rivals: highest valence (schadenfreude)", outcome("rival_peak")),
        Finding("observers: highest arousal", outcome("observer_arousal_peak")),
        Finding("observers' deepest cringe, mirroring 3 minus mirroring 0.5 per minute",
                contrast(outcome("observer_trough"), {"mirroring": 3.0}, {"mirroring": 0.5})),
    ],
    "sad_film": [
        Finding("saddest moment, together minus alone (amplification 0.5)",
                contrast(outcome("saddest"), TOGETHER, ALONE)),
        Finding("saddest moment, together minus alone, amplification 0 (plain mirroring)",
                contrast(outcome("saddest", amplification=0.0), TOGETHER, ALONE)),
        Finding("spread of mood during the film, together minus alone (amplification 0)",
                contrast(outcome("spread_during_film", amplification=0.0), TOGETHER, ALONE)),
        Finding("half-life of recovery after the film, together minus alone (minutes)",
                contrast(outcome("recovery_half_life"), TOGETHER, ALONE)),
    ],
    "mexican_wave": [
        Finding("a wave goes a full lap (share of runs)", outcome("survives_lap")),
        Finding("wave speed (seats per second)", outcome("speed_seats")),
        Finding("wave speed (metres per second)", outcome("speed_metres")),
        Finding("wave width (seats)", outcome("width_seats")),
        Finding("direction (+1 clockwise, -1 counter-clockwise)", outcome("direction")),
    ],
    "happiness_framingham": [
        Finding("content share (years 50-150)", outcome("content_share")),
        Finding("discontent share (years 50-150)", outcome("discontent_share")),
        Finding("neutral share (years 50-150)", outcome("neutral_share")),
        Finding("lowest content share after the first year", outcome("content_lowest")),
        Finding("lowest discontent share after the first year", outcome("discontent_lowest")),
    ],
    "art_gallery": [
        Finding("untrained visitors in company: arousal during the tour",
                outcome("novices_in_company")),
        Finding("trained visitors in company: arousal during the tour",
                outcome("trained_in_company")),
        Finding("untrained visitors alone: arousal during the tour", outcome("novices_alone")),
        Finding("trained visitors alone: arousal during the tour", outcome("trained_alone")),
        Finding("expertise gap in company (trained minus untrained)",
                lambda s, seed, null: (outcome("trained_in_company")(s, seed, null)
                                       - outcome("novices_in_company")(s, seed, null))),
        Finding("spread of arousal within a party", outcome("party_spread")),
    ],
    "speaker_listener": [
        Finding("lag of best match, plain mirroring (seconds)", outcome("peak_lag")),
        Finding("lag of best match, anticipation 2 s", outcome("peak_lag", anticipation=2.0)),
        Finding("lag with listeners watching 4 others minus watching none (s)",
                _speaker_lag_gap),
        Finding("peak correlation with the storyteller", outcome("peak_correlation")),
    ],
}


def measure(name: str, seeds=SEEDS) -> list[dict]:
    """One row per finding: mean of full and each null, social part with its interval."""
    scenario = scenarios.get(name)
    rows = []
    for finding in FINDINGS[name]:
        values = {label: [finding.compute(scenario, seed, null) for seed in seeds]
                  for label, null in NULLS.items()}
        part, low, high, n = interval(np.subtract(values["full"], values["no social contagion"]))
        row = {"finding": finding.label}
        for label, series in values.items():
            finite = np.asarray(series, dtype=float)
            finite = finite[np.isfinite(finite)]
            row[label] = float(finite.mean()) if len(finite) else float("nan")
        row.update(social=part, low=low, high=high, seeds=n)
        rows.append(row)
    return rows


def _number(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:+.3f}" if abs(x) < 10 else f"{x:+.1f}"


def table(rows: list[dict]) -> str:
    """Markdown table of :func:`measure`'s rows."""
    lines = [f"Measured by `docs/findings.py` on seeds {SEEDS.start}-{SEEDS.stop - 1}: means over "
             "the seeds; the social part is full minus no social contagion on the same seed, "
             "with its 95 % t-interval.", "",
             "| finding | full | no social contagion | no stimulus | social part [95 % CI] |",
             "|---|---|---|---|---|"]
    for r in rows:
        ci = (f"[{_number(r['low'])}, {_number(r['high'])}]" if np.isfinite(r["low"])
              else "")
        lines.append(f"| {r['finding']} | {_number(r['full'])} | "
                     f"{_number(r['no social contagion'])} | {_number(r['no stimulus'])} | "
                     f"{_number(r['social'])} {ci} |")
    return "\n".join(lines)


if __name__ == "__main__":
    for scenario_name in sys.argv[1:] or list(FINDINGS):
        print(f"## {scenario_name}\n")
        print(table(measure(scenario_name)))
        print()
