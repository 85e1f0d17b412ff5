"""The figures and measured effects of docs/scenarios/*.md, one function per scenario.

Each function draws ``docs/figures/<name>.png`` with the library's own API and
returns the effect sizes for the page: ``[(label, values over the seeds), ...]``.
Run them through ``docs/make_figures.py``.
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
NULL = dict(color="0.45", ls="--", lw=1.5)


def over_seeds(name: str, measure, steps=None, seeds=SEEDS, **overrides) -> np.ndarray:
    """``measure(frame, scenario)`` for each seed."""
    scenario = scenarios.get(name).replace(**overrides)
    return np.array([measure(scenario.run(steps, seed), scenario) for seed in seeds])


def measured(name: str, specs) -> list:
    """``[(label, values over seeds)]`` for ``specs`` = ``[(label, measure, overrides)]``."""
    return [(label, over_seeds(name, measure, **overrides)) for label, measure, overrides in specs]


def difference(name: str, measure_a, measure_b, **overrides) -> np.ndarray:
    """Per seed: ``measure_a - measure_b`` on the same run."""
    return over_seeds(name, lambda f, s: measure_a(f, s) - measure_b(f, s), **overrides)


def final(column):
    return lambda frame, scenario: float(frame[column].iloc[-1])


def outcome(key):
    return lambda frame, scenario: scenario.outcome_values(frame)[key]


def value_at(step, column):
    return lambda frame, scenario: float(frame.loc[frame["step"] == step, column].iloc[0])


def shade(ax, start, stop, label):
    ax.axvspan(start, stop, color="0.85", alpha=0.6, lw=0, label=label, zorder=0)


def save(figure, name: str) -> None:
    FIGURES.mkdir(exist_ok=True)
    figure.savefig(FIGURES / f"{name}.png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    print(f"wrote docs/figures/{name}.png")


# -- leader_team ---------------------------------------------------------------------

def leader_team() -> list:
    team = scenarios.get("leader_team")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    ax = axes[0]
    for mood, color in ((0.7, "C2"), (-0.7, "C3")):
        frame = team.run(rng=0, leader_mood=mood)
        ax.plot(frame["step"], frame["member_valence"], color=color, lw=2.2,
                label=f"leader mood {mood:+.1f}")
    ax.plot(frame["step"], team.run(rng=0, null=True)["member_valence"], **NULL,
            label="null model (mirroring 0)")
    ax.set(xlabel="step", ylabel="members' mean valence", title="Members take up the leader's mood")
    ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.32))
    ax = axes[1]
    moods = np.linspace(-1, 1, 21)
    finals = [team.run(rng=0, leader_mood=m).iloc[-1] for m in moods]
    ax.plot(moods, [f["coordination"] for f in finals], color="C0", lw=2.2, label="coordination")
    ax.plot(moods, [f["effort"] for f in finals], color="C1", lw=2.2, label="effort")
    ax.set(xlabel="leader_mood", ylabel="team readout at step 60 (0..1)",
           title="Good mood coordinates, bad mood drives effort")
    ax.legend(loc="upper center")
    ax = axes[2]
    mirroring = np.linspace(0, 1, 11)
    for expressiveness, color in ((0.2, "C4"), (0.5, "C5"), (1.0, "C6")):
        gap = [team.run(rng=0, leader_mood=0.7, mirroring=m, leader_expressiveness=expressiveness)
               ["member_valence"].iloc[-1] - team.run(
                   rng=0, leader_mood=-0.7, mirroring=m, leader_expressiveness=expressiveness)
               ["member_valence"].iloc[-1] for m in mirroring]
        ax.plot(mirroring, gap, marker="o", ms=4, color=color, lw=2,
                label=f"leader_expressiveness {expressiveness:g}")
    ax.set(xlabel="members' mirroring", ylabel="member valence: leader +0.7 minus -0.7",
           title="Effect grows with mirroring, expressiveness")
    ax.legend(loc="lower right")
    save(fig, "leader_team")

    def gap(column, **kw):  # independent seeds: equal seeds would share (and cancel) noise
        return (over_seeds("leader_team", final(column), leader_mood=0.7, **kw)
                - over_seeds("leader_team", final(column), seeds=[s + 100 for s in SEEDS],
                             leader_mood=-0.7, **kw))

    effects = measured("leader_team", [
        (f"{column}, leader {mood:+.1f}", final(column), {"leader_mood": mood})
        for column in ("member_valence", "coordination", "effort") for mood in (0.7, -0.7)])
    label = "member_valence gap (leader +0.7 minus -0.7)"
    return effects + [
        (f"{label}, mirroring 0.1", gap("member_valence", mirroring=0.1)),
        (f"{label}, mirroring 0.3 (default)", gap("member_valence")),
        (f"{label}, mirroring 0.6", gap("member_valence", mirroring=0.6)),
        (f"{label}, leader_expressiveness 0.2", gap("member_valence", leader_expressiveness=0.2)),
        (f"{label}, mirroring 0", gap("member_valence", mirroring=0.0)),
        (f"{label}, noise 0.02", gap("member_valence", noise=0.02)),
    ]


# -- football_crowd ------------------------------------------------------------------

def seat_grid(model, variable: str = "valence") -> np.ndarray:
    """``variable`` of every fan at its seat: rows x columns, NaN on the pitch column."""
    positions = model.graph.nodes(data="pos")
    xs = np.array([positions[node][0] for node in model.nodes], dtype=int)
    ys = np.array([positions[node][1] for node in model.nodes], dtype=int)
    grid = np.full((ys.max() + 1, xs.max() + 1), np.nan)
    grid[ys, xs] = getattr(model, variable)
    return grid


def football_crowd() -> list:
    crowd = scenarios.get("football_crowd")
    goals = crowd.parameter("goals").value
    model = crowd.build(0)
    model.run(16)
    after_goal = seat_grid(model)
    frame = model.run(crowd.steps - 16)
    null = crowd.run(rng=0, null=True)
    fig, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for ax, variable in zip(axes, ("valence", "arousal")):
        for side, color in (("home", "C0"), ("away", "C3")):
            column = f"{side}_{variable}"
            ax.plot(frame["step"], frame[column], color=color, lw=2.2, label=f"{side} fans")
            ax.plot(null["step"], null[column], color=color, ls="--", lw=1.4,
                    label=f"{side} fans, null model (mirroring 0)")
        for step, side in goals:
            ax.axvline(step, color="C0" if side == "home" else "C3", ls=":", lw=1.2)
        ax.set_ylabel(f"mean {variable}")
    top = axes[0].get_ylim()[1]
    for step, side in goals:
        axes[0].text(step + 0.8, top * 0.93, f"goal {side}", fontsize=9.5, va="top")
    axes[0].set_title("Football crowd: 2000 fans, goals home 15', away 45', home 80' (seed 0)")
    handles, labels = axes[0].get_legend_handles_labels()
    axes[1].legend(handles, labels, loc="lower right", ncol=2,
                   title="arousal: both stands alike (lines overlap)")
    axes[1].set_xlabel("step (match minute)")
    save(fig, "football_crowd")
    fig, axes = plt.subplots(1, 2, figsize=(15, 5.2))
    half = crowd.parameter("cols").value // 2
    for ax, grid, title in ((axes[0], after_goal, "Just after the first home goal (step 16)"),
                            (axes[1], seat_grid(model), "Final whistle (step 95): home wins 2-1")):
        image = ax.imshow(grid, cmap="RdBu", vmin=-1, vmax=1, origin="lower",
                          interpolation="nearest", aspect="equal")
        ax.set(xlabel="seat column (pitch between the stands)", ylabel="row", title=title)
        ax.set_xticks([half / 2 - 0.5, half + 0.5 + half / 2], ["home stand", "away stand"])
        ax.grid(False)
    fig.suptitle("Valence seat by seat (2000 fans, seed 0); experts react harder to a goal",
                 y=0.93)
    fig.colorbar(image, ax=axes, shrink=0.85, label="valence (-1 grief .. +1 joy)")
    save(fig, "football_crowd_seats")

    def jump(column, step=15):
        return lambda f, s: value_at(step, column)(f, s) - value_at(step - 1, column)(f, s)

    small, null = {"rows": 12, "cols": 16}, {"rows": 12, "cols": 16, "mirroring": 0.0}
    goal = "at the home goal (step 14 to 15)"
    return measured("football_crowd", [
        (f"home_valence jump {goal}", jump("home_valence"), small),
        (f"away_valence jump {goal}", jump("away_valence"), small),
        (f"home_arousal jump {goal}", jump("home_arousal"), small),
        (f"away_arousal jump {goal}", jump("away_arousal"), small),
        ("home experts' (expertise >= 0.7) valence jump", jump("home_expert_valence"), small),
        ("home novices' (expertise <= 0.3) valence jump", jump("home_novice_valence"), small),
        ("home_valence at the final whistle", final("home_valence"), small),
        ("away_valence at the final whistle", final("away_valence"), small),
        ("home_valence at the final whistle, 40 x 50 stadium", final("home_valence"), {}),
        ("away_valence at the final whistle, 40 x 50 stadium", final("away_valence"), {}),
        ("home_valence at the final whistle, null model", final("home_valence"), null),
    ])


# -- borderline_profile ----------------------------------------------------------------

def borderline_profile() -> list:
    scenario = scenarios.get("borderline_profile")
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.8), sharey=True)
    for ax, valence, title in ((axes[0], -0.7, "Loss scene (valence -0.7)"),
                               (axes[1], 0.7, "Pleasant scene (valence +0.7)")):
        frame = scenario.run(rng=0, scene_valence=valence)
        shade(ax, 10, 30, "scene on")
        ax.plot(frame["step"], frame["profile_valence"], color="C3", lw=2.2,
                label="borderline profile (20 %)")
        ax.plot(frame["step"], frame["control_valence"], color="C0", lw=2.2, label="controls")
        ax.plot(frame["step"], frame["profile_contacts_valence"], color="C1", lw=1.6,
                label="controls who perceive a profile agent")
        ax.plot(frame["step"], frame["other_controls_valence"], color="C2", lw=1.6,
                label="other controls")
        ax.set(xlabel="step", title=title, xlim=(0, 80))
    axes[0].set_ylabel("mean valence")
    handles, labels = axes[0].get_legend_handles_labels()
    axes[1].legend(handles, labels, loc="lower right",
                   title="pleasant scene: the four lines almost coincide")
    save(fig, "borderline_profile")

    def spill(frame, s):
        window = frame["step"].between(20, 40)
        diff = frame["profile_contacts_valence"] - frame["other_controls_valence"]
        return float(diff[window].mean())

    def gap(frame, s):
        return float((frame["profile_valence"] - frame["control_valence"]).abs().max())

    name = "borderline_profile"
    trough_gap = (lambda **kw: difference(name, outcome("profile_trough"),
                                          outcome("control_trough"), **kw))
    pleasant = {"scene_valence": 0.7, "scene_arousal": 0.5}
    return measured(name, [
        ("profile_trough", outcome("profile_trough"), {}),
        ("control_trough", outcome("control_trough"), {}),
        ("profile_half_life (steps)", outcome("profile_half_life"), {}),
        ("control_half_life (steps)", outcome("control_half_life"), {}),
        ("largest profile-control gap, loss scene", gap, {}),
        ("largest profile-control gap, pleasant scene (+0.7)", gap, pleasant),
        ("spill-over: contacts minus other controls, steps 20-40", spill, {}),
        ("spill-over with profile_gain 1", spill, {"profile_gain": 1.0}),
    ]) + [
        ("profile_trough - control_trough, profile_gain 1", trough_gap(profile_gain=1.0)),
        ("profile_trough - control_trough, profile_gain 6", trough_gap(profile_gain=6.0)),
    ]


# -- speaker_listener ----------------------------------------------------------------

def speaker_listener() -> list:
    scenario = scenarios.get("speaker_listener")
    fig, axes = plt.subplots(1, 2, figsize=(15, 4.8), gridspec_kw={"width_ratios": [1.6, 1]})
    plain, ahead = scenario.run(rng=0), scenario.run(rng=0, anticipation=3.0)
    window = plain["step"].between(60, 120)
    ax = axes[0]
    ax.plot(plain.loc[window, "step"], plain.loc[window, "speaker_valence"], color="k", lw=2.4,
            label="speaker (the story)")
    ax.plot(plain.loc[window, "step"], plain.loc[window, "listener_valence"], color="C0", lw=2,
            label="listeners, plain mirroring")
    ax.plot(ahead.loc[window, "step"], ahead.loc[window, "listener_valence"], color="C1", lw=2,
            label="listeners, anticipation 3")
    ax.set(xlabel="step", ylabel="mean valence",
           title="Listeners follow the storyteller (steps 60-120)")
    ax.legend(loc="upper left")
    ax = axes[1]
    cases = [("plain mirroring", {}, "C0"), ("anticipation 1", {"anticipation": 1.0}, "C2"),
             ("anticipation 3", {"anticipation": 3.0}, "C1"),
             ("anticipation 5", {"anticipation": 5.0}, "C4"),
             ("channel cut (0)", {"channel": 0.0}, "0.4")]
    for label, overrides, color in cases:
        profile = lag_profile(scenario.run(rng=0, **overrides), "speaker_valence",
                              "listener_valence", 8, 5)
        ax.plot(profile.index, profile.values, marker="o", ms=4, color=color, lw=1.8, label=label)
        if (profile != 0).any():
            ax.plot(profile.idxmax(), profile.max(), marker="*", ms=14, color=color, mec="k")
    ax.axvline(0, color="k", lw=0.8)
    ax.set(xlabel="lag (steps; > 0: listeners follow)", ylabel="correlation with the speaker",
           title="Lag profile (star: peak)", ylim=(-0.05, 1.05), xticks=range(-8, 9, 2))
    ax.legend(loc="center left")
    save(fig, "speaker_listener")
    return measured("speaker_listener", [
        ("peak_lag, plain mirroring", outcome("peak_lag"), {}),
        ("peak_correlation, plain mirroring", outcome("peak_correlation"), {}),
        ("peak_lag, anticipation 1", outcome("peak_lag"), {"anticipation": 1.0}),
        ("peak_lag, anticipation 3", outcome("peak_lag"), {"anticipation": 3.0}),
        ("peak_correlation, anticipation 3", outcome("peak_correlation"), {"anticipation": 3.0}),
        ("peak_lag, anticipation 5", outcome("peak_lag"), {"anticipation": 5.0}),
        ("peak_lag, mirroring 0.2", outcome("peak_lag"), {"mirroring": 0.2}),
        ("peak_correlation, channel 0", outcome("peak_correlation"), {"channel": 0.0}),
    ])


# -- vicarious_shame -----------------------------------------------------------------

def vicarious_shame() -> list:
    scenario = scenarios.get("vicarious_shame")
    frame, null = scenario.run(rng=0), scenario.run(rng=0, null=True)
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.6))
    for ax, variable in zip(axes[:2], ("valence", "arousal")):
        shade(ax, 10, 20, "incident")
        for group, color in (("observer", "C3"), ("rival", "C2"), ("target", "k")):
            ax.plot(frame["step"], frame[f"{group}_{variable}"], color=color, lw=2.2,
                    label={"observer": "observers", "rival": "rival fans",
                           "target": "the embarrassed person"}[group])
        ax.plot(null["step"], null[f"observer_{variable}"], **NULL,
                label="observers and rivals, null model")
        ax.set(xlabel="step", ylabel=f"mean {variable}")
    axes[0].set_title("Valence of the audience")
    axes[1].set_title("Arousal (observers and rivals alike)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.36, -0.03), ncol=3)
    ax = axes[2]
    levels = np.linspace(0, 1, 11)
    troughs = [scenario.replace(mirroring=m).outcome_values(scenario.run(rng=0, mirroring=m))
               for m in levels]
    ax.plot(levels, [t["observer_trough"] for t in troughs], marker="o", color="C3", lw=2,
            label="observers: lowest valence")
    ax.plot(levels, [t["rival_peak"] for t in troughs], marker="o", color="C2", lw=2,
            label="rivals: highest valence")
    ax.plot(levels, [t["observer_arousal_peak"] for t in troughs], marker="s", color="C1", lw=2,
            label="observers: highest arousal")
    ax.axhline(0.1, color="0.45", ls="--", lw=1.2, label="resting valence (0.1)")
    ax.set(xlabel="mirroring (everyone)", ylabel="extreme value during the incident",
           title="Cringe and schadenfreude grow with mirroring")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    save(fig, "vicarious_shame")
    trough = outcome("observer_trough")
    return measured("vicarious_shame", [
        ("target valence range over the run", lambda f, s: float(np.ptp(f["target_valence"])), {}),
        ("observer_valence just before the incident (step 9)", value_at(9, "observer_valence"), {}),
        ("observer_trough", trough, {}),
        ("observer_arousal_peak (resting 0.3)", outcome("observer_arousal_peak"), {}),
        ("observer_trough, mirroring 0.1", trough, {"mirroring": 0.1}),
        ("observer_trough, mirroring 0.9", trough, {"mirroring": 0.9}),
        ("observer_trough, mirroring 0", trough, {"mirroring": 0.0}),
        ("rival_valence just before the incident (step 9)", value_at(9, "rival_valence"), {}),
        ("rival_peak (schadenfreude; resting 0.1)", outcome("rival_peak"), {}),
        ("rival_peak, outgroup_sign +1", outcome("rival_peak"), {"outgroup_sign": 1.0}),
        ("observer_trough, noise 0.02", trough, {"noise": 0.02}),
    ])


# -- sad_film ------------------------------------------------------------------------

def sad_film() -> list:
    scenario = scenarios.get("sad_film")
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.8), sharey=True)
    for ax, amplification in zip(axes, (0.6, 0.0)):
        shade(ax, 5, 65, "film on")
        for together, color, label in ((1, "C3", "watching together"), (0, "C0", "watching alone")):
            frame = scenario.run(rng=0, together=together, amplification=amplification)
            ax.plot(frame["step"], frame["audience_valence"], color=color, lw=2.2, label=label)
        null = scenario.run(rng=0, null=True)
        ax.plot(null["step"], null["audience_valence"], **NULL, label="null model (mirroring 0)")
        word = ("default: company intensifies" if amplification
                else "plain mirroring: company dampens")
        ax.set(xlabel="step", title=f"amplification {amplification:g} ({word})")
    axes[0].set_ylabel("audience's mean valence")
    axes[1].legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=2)
    save(fig, "sad_film")
    together, alone = {"together": 1}, {"together": 0}
    plain = {"amplification": 0.0}
    return measured("sad_film", [
        ("saddest, together (default amplification 0.6)", outcome("saddest"), together),
        ("saddest, alone", outcome("saddest"), alone),
        ("valence at the film's last step (64), together", value_at(64, "audience_valence"),
         together),
        ("valence at the film's last step (64), alone", value_at(64, "audience_valence"), alone),
        ("valence at step 90, together", final("audience_valence"), together),
        ("valence at step 90, alone", final("audience_valence"), alone),
        ("saddest, together, amplification 0", outcome("saddest"), {**together, **plain}),
        ("saddest, alone, amplification 0", outcome("saddest"), {**alone, **plain}),
    ])


# -- boss_cascade --------------------------------------------------------------------

def boss_cascade() -> list:
    cascade = scenarios.get("boss_cascade")
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    ax = axes[0]
    for mood, color in ((0.7, "C2"), (-0.7, "C3")):
        frame = cascade.run(rng=0, manager_mood=mood)
        ax.plot(frame["step"], frame["leader_valence"], color=color, lw=2.2,
                label=f"leaders, manager {mood:+.1f}")
        ax.plot(frame["step"], frame["member_valence"], color=color, lw=2.2, ls=":",
                label=f"members, manager {mood:+.1f}")
    ax.plot(frame["step"], cascade.run(rng=0, null=True)["member_valence"], **NULL,
            label="null model (mirroring 0)")
    ax.set(xlabel="step", ylabel="mean valence",
           title="The manager's mood reaches members second hand")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax = axes[1]
    mirroring = np.linspace(0, 1, 11)
    for column, style in (("leader_valence", "-"), ("member_valence", ":")):
        gap = [cascade.run(rng=0, manager_mood=0.7, mirroring=m)[column].iloc[-1]
               - cascade.run(rng=0, manager_mood=-0.7, mirroring=m)[column].iloc[-1]
               for m in mirroring]
        ax.plot(mirroring, gap, ls=style, marker="o", ms=4, lw=2, color="C0",
                label=column.replace("_", " "))
    ax.set(xlabel="mirroring (everyone)", ylabel="valence: manager +0.7 minus -0.7",
           title="Each step down the hierarchy weakens it")
    ax.legend(loc="upper left")
    fig.tight_layout()
    save(fig, "boss_cascade")

    effects = measured("boss_cascade", [
        (f"{column}, manager {mood:+.1f}", final(column), {"manager_mood": mood})
        for column in ("leader_valence", "member_valence", "coordination", "effort")
        for mood in (0.7, -0.7)])
    ratio = over_seeds("boss_cascade", lambda f, s: f["member_valence"].iloc[-1]
                       / f["leader_valence"].iloc[-1], noise=0.0)
    return effects + [
        ("member / leader valence at the end (attenuation)", ratio),
        ("member_valence, manager +0.7, mirroring 0", over_seeds(
            "boss_cascade", final("member_valence"), mirroring=0.0)),
        ("member_valence, manager +0.7, noise 0.02", over_seeds(
            "boss_cascade", final("member_valence"), noise=0.02)),
    ]


FIGURES_BY_NAME = {f.__name__: f for f in (leader_team, football_crowd, borderline_profile,
                                           speaker_listener, vicarious_shame, sad_film,
                                           boss_cascade)}

