"""The figures of docs/scenarios/*.md, one function per scenario.

Each function draws ``docs/figures/<name>.png`` with the library's own API: the
scenario's key curves in the full model (solid) against the fair null, no social
contagion (dashed), averaged over seeds 0-4, and a second panel with the contrast the
page discusses. Run them through ``docs/make_figures.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import scenarios  # noqa: E402
from scenarios.measures import lag_profile  # noqa: E402

FIGURES = Path(__file__).resolve().parent / "figures"
SEEDS = range(5)
NULL_LABEL = "no social contagion (fair null)"


def mean_run(name: str, null=None, seeds=SEEDS, **overrides):
    """The per-step table averaged over ``seeds`` (same steps in every run)."""
    scenario = scenarios.get(name)
    frames = [scenario.run(None, seed, null=null, **overrides) for seed in seeds]
    return sum(frames) / len(frames)


def clock(name: str) -> tuple[float, str]:
    """``(factor, unit)``: a long run in seconds is drawn in minutes."""
    scenario = scenarios.get(name)
    if scenario.time_unit == "second" and scenario.dt * scenario.steps > 600:
        return 1 / 60, "minute"
    return 1.0, scenario.time_unit


def curves(ax, name: str, columns: dict, **overrides) -> None:
    """``columns`` ({column: label}) in the full model (solid) and the fair null (dashed)."""
    factor, unit = clock(name)
    full, null = mean_run(name, **overrides), mean_run(name, null="social", **overrides)
    for k, (column, label) in enumerate(columns.items()):
        ax.plot(full["time"] * factor, full[column], color=f"C{k}", lw=2.2, label=label)
        ax.plot(null["time"] * factor, null[column], color=f"C{k}", lw=1.5, ls="--")
    ax.plot([], [], color="0.3", lw=1.5, ls="--", label=NULL_LABEL)
    ax.set_xlabel(f"time ({unit}s)")


def shade(ax, name: str, start: int, stop: int, label: str) -> None:
    """Grey band over steps ``start`` .. ``stop`` on a time axis."""
    factor, _ = clock(name)
    dt = scenarios.get(name).dt * factor
    ax.axvspan(start * dt, stop * dt, color="0.88", lw=0, label=label, zorder=0)


def save(figure, name: str) -> None:
    FIGURES.mkdir(exist_ok=True)
    figure.savefig(FIGURES / f"{name}.png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    print(f"wrote docs/figures/{name}.png")


def _panels(n: int = 2):
    return plt.subplots(1, n, figsize=(6.6 * n, 4.4))


def leader_team() -> None:
    fig, (left, right) = _panels()
    curves(left, "leader_team", {"member_valence": "members' mood, cheerful leader"})
    grumpy = mean_run("leader_team", leader_mood=-0.7)
    left.plot(grumpy["time"], grumpy["member_valence"], color="C3", lw=2.2,
              label="members' mood, grumpy leader")
    left.set(ylabel="valence", title="Members take on the leader's mood only through contagion")
    left.legend(loc="center right", bbox_to_anchor=(1.0, 0.62), fontsize=8.5)
    moods = np.linspace(-1, 1, 9)
    team = scenarios.get("leader_team")
    rows = {null: [np.mean([list(team.outcome_values(team.run(None, s, null=null,
                                                              leader_mood=m)).values())[:2]
                            for s in SEEDS], axis=0) for m in moods]
            for null in (None, "social")}
    for k, label in enumerate(("coordination (pairs in step)", "extra effort (share)")):
        right.plot(moods, [r[k] for r in rows[None]], color=f"C{k}", lw=2.2, marker="o",
                   ms=4, label=label)
        right.plot(moods, [r[k] for r in rows["social"]], color=f"C{k}", lw=1.5, ls="--")
    right.plot([], [], color="0.3", ls="--", label=NULL_LABEL)
    right.set(xlabel="leader_mood", ylabel="minutes 15-60, mean of 5 seeds",
              title="Chosen behaviour follows the leader through mood")
    right.legend(fontsize=8.5)
    save(fig, "leader_team")


def boss_cascade() -> None:
    fig, (left, right) = _panels()
    curves(left, "boss_cascade", {"leader_valence": "leaders", "member_valence": "members"})
    left.set(ylabel="valence", title="A cheerful manager's mood, one and two steps down")
    left.legend(fontsize=8.5)
    moods = np.linspace(-1, 1, 9)
    cascade = scenarios.get("boss_cascade")
    for k, column in enumerate(("leader_shift", "member_shift")):
        values = [np.mean([cascade.outcome_values(cascade.run(None, s, manager_mood=m))[column]
                           for s in SEEDS]) for m in moods]
        right.plot(moods, values, color=f"C{k}", lw=2.2, marker="o", ms=4,
                   label=column.replace("_", " "))
    right.set(xlabel="manager_mood", ylabel="mean valence, minutes 60-120",
              title="Weaker at every step down")
    right.legend(fontsize=8.5)
    save(fig, "boss_cascade")


def seat_grid(model, variable: str = "valence") -> np.ndarray:
    """``variable`` of every fan at its seat: rows x columns, NaN on the pitch column."""
    positions = model.graph.nodes(data="pos")
    xs = np.array([positions[node][0] for node in model.nodes], dtype=int)
    ys = np.array([positions[node][1] for node in model.nodes], dtype=int)
    grid = np.full((ys.max() + 1, xs.max() + 1), np.nan)
    grid[ys, xs] = getattr(model, variable)
    return grid


def football_crowd() -> None:
    fig, (left, right) = _panels()
    curves(left, "football_crowd", {"home_seen_valence": "home fans who saw the goals",
                                    "home_missed_valence": "home fans who saw nothing",
                                    "away_valence": "away fans"}, seeds=range(3))
    left.set(ylabel="valence", title="Goals at minutes 15, 45 and 80")
    left.legend(fontsize=8, loc="lower left")
    curves(right, "football_crowd", {"home_expert_valence": "home experts",
                                     "home_novice_valence": "home novices"}, seeds=range(3))
    right.set(xlim=(14, 22), ylabel="valence",
              title="After the home goal: experts react faster alone, the stand evens them out")
    right.legend(fontsize=8, loc="lower right")
    save(fig, "football_crowd")
    crowd = scenarios.get("football_crowd")
    fig, axes = _panels()
    for ax, null, title in zip(axes, (None, "social"), ("with contagion", NULL_LABEL)):
        model = crowd.build(0, null=null)
        model.run(33)
        image = ax.imshow(seat_grid(model), cmap="RdBu", vmin=-1, vmax=1, origin="lower",
                          aspect="auto")
        ax.set(title=title, xlabel="seat (home left, away right)", ylabel="row")
    fig.colorbar(image, ax=axes, label="valence, 1.5 minutes after the home goal")
    save(fig, "football_crowd_seats")


def borderline_profile() -> None:
    fig, (left, right) = _panels()
    curves(left, "borderline_profile", {"profile_valence": "borderline profile",
                                        "control_valence": "controls"})
    shade(left, "borderline_profile", 10, 30, "loss scene")
    left.set(ylabel="valence", title="Deeper and slower, less so among friends")
    left.legend(fontsize=8.5, loc="lower right")
    frame = mean_run("borderline_profile")
    right.plot(frame["time"], frame["spill_over"], color="C2", lw=2.2,
               label="friends of a profile agent minus other controls")
    null = mean_run("borderline_profile", null="social")
    right.plot(null["time"], null["spill_over"], color="C2", lw=1.5, ls="--",
               label=NULL_LABEL)
    shade(right, "borderline_profile", 10, 30, "loss scene")
    right.axhline(0, color="0.5", lw=0.8)
    right.set(xlabel="time (minutes)", ylabel="valence below own baseline, difference",
              title="Spill-over onto the profile's friends")
    right.legend(fontsize=8.5)
    save(fig, "borderline_profile")


def vicarious_shame() -> None:
    fig, (left, right) = _panels()
    curves(left, "vicarious_shame", {"saw_it_valence": "observers who saw it",
                                     "looked_away_valence": "observers who looked away",
                                     "rival_valence": "rivals"})
    shade(left, "vicarious_shame", 10, 22, "the moment")
    left.set(ylabel="valence", title="The cringe travels to those who looked away")
    left.legend(fontsize=8, loc="lower right")
    rates = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0]
    shame = scenarios.get("vicarious_shame")
    for k, column in enumerate(("saw_it_trough", "looked_away_trough", "observer_trough")):
        values = [np.mean([shame.outcome_values(shame.run(None, s, mirroring=m))[column]
                           for s in SEEDS]) for m in rates]
        right.plot(rates, values, color=f"C{k}", lw=2.2, marker="o", ms=4,
                   label=column.replace("_", " "))
    right.set(xlabel="mirroring (per minute)", ylabel="deepest valence",
              title="More mirroring: less cringe for those who saw it, more for the rest")
    right.legend(fontsize=8.5)
    save(fig, "vicarious_shame")


def sad_film() -> None:
    fig, axes = _panels()
    for ax, amplification in zip(axes, (0.0, 0.5)):
        for together, color, label in ((1, "C0", "together"), (0, "C1", "alone")):
            frame = mean_run("sad_film", together=together, amplification=amplification)
            ax.plot(frame["time"], frame["audience_valence"], color=color, lw=2.2, label=label)
            ax.fill_between(frame["time"], frame["audience_valence"] - frame["audience_valence_sd"],
                            frame["audience_valence"] + frame["audience_valence_sd"],
                            color=color, alpha=0.15, lw=0)
        shade(ax, "sad_film", 5, 65, "the film")
        ax.set(xlabel="time (minutes)", ylabel="valence: mean and spread (sd)",
               title=f"amplification {amplification:g}")
        ax.legend(fontsize=8.5, loc="lower right")
    save(fig, "sad_film")


def speaker_listener() -> None:
    fig, (left, right) = _panels()
    story = scenarios.get("speaker_listener")
    frame = story.run(None, 0)
    left.plot(frame["time"], frame["speaker_valence"], color="0.2", lw=2, label="storyteller")
    for k, (label, overrides) in enumerate((("listeners", {}),
                                            ("listeners, anticipation 2 s", {"anticipation": 2.0}),
                                            ("listeners watching 4 others", {"listener_ties": 4}))):
        follow = story.run(None, 0, **overrides)
        left.plot(follow["time"], follow["listener_valence"], color=f"C{k}", lw=1.6, label=label)
        profile = np.mean([lag_profile(story.run(None, s, **overrides), "speaker_valence",
                                       "listener_valence", 10, 5) for s in SEEDS], axis=0)
        right.plot(np.arange(-10, 11), profile, color=f"C{k}", lw=2.2, marker="o", ms=3,
                   label=label)
    left.set(xlim=(40, 120), xlabel="time (seconds)", ylabel="valence",
             title="Following a story (seed 0)")
    left.legend(fontsize=8, loc="lower left")
    right.axvline(0, color="0.5", lw=0.8)
    right.set(xlabel="lag (seconds; > 0: listeners follow)", ylabel="correlation",
              title="Lag of the best match")
    right.legend(fontsize=8.5)
    save(fig, "speaker_listener")


FIGURES_BY_NAME = {f.__name__: f for f in (leader_team, boss_cascade, football_crowd,
                                           borderline_profile, vicarious_shame, sad_film,
                                           speaker_listener)}
