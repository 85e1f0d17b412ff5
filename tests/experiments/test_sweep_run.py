"""What a sweep computes: its table, its reproducibility across executors, Mesa's batch_run."""

import mesa
import numpy as np
import pandas as pd
import pytest

import scenarios
from contagion import sweep

SMALL_CROWD = {"rows": 6, "cols": 8}  # football_crowd: 48 seats instead of 2,000

CROWD = scenarios.get("football_crowd")
GRID = {"mirroring": [0.5, 2.0], "outgroup_sign": [-1.0, 0.5], **SMALL_CROWD}
STEPS = 40  # the first goal is at step 30


@pytest.fixture(scope="module")
def dask_cluster():
    """A real two-process Dask cluster on this machine (about 5 s to start)."""
    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def table():
    return sweep(CROWD, GRID, reps=2, steps=STEPS, seed=7, progress=False)


def test_one_row_per_run_with_ids_parameters_and_final_metrics(table):
    assert len(table) == 2 * 2 * 2
    assert list(table.columns[:7]) == ["run_id", "replicate", "seed", "mirroring",
                                       "outgroup_sign", "rows", "cols"]
    assert table["run_id"].is_unique and table["seed"].is_unique
    for column in ("home_valence_final", "away_arousal_final", "valence_sd_final",
                   "home_expert_valence_final", "home_valence_end"):  # standard, group,
        assert column in table                                          # scenario, outcome
    assert not any(c in table for c in ("home_valence", "step"))
    assert table.filter(like="_final").dtypes.eq(np.float64).all()


def test_each_row_is_reproducible_from_its_seed_alone(table):
    """A row equals the scenario run by hand with the row's seed and parameters (exactly)."""
    for _, row in table.iloc[[0, 5]].iterrows():
        params = {name: row[name] for name in GRID}
        frame = CROWD.run(STEPS, int(row["seed"]), **params)
        final = frame.iloc[-1]
        for column in frame.columns.drop("step"):
            assert row[f"{column}_final"] == final[column]
        for name, value in CROWD.replace(**params).summary_values(frame).items():
            assert row[name] == value


def test_replicates_differ_and_parameters_matter(table):
    first = table[(table["mirroring"] == 2.0) & (table["outgroup_sign"] == -1.0)]
    assert first["home_expert_valence_final"].nunique() == 2  # replicates: different draws
    by_sign = table.groupby("outgroup_sign")["home_valence_final"].mean()
    assert by_sign[-1.0] > by_sign[0.5] + 0.05  # counter-mirroring keeps the home joy


def test_same_call_gives_the_same_table_and_another_root_seed_does_not(table):
    again = sweep(CROWD, GRID, reps=2, steps=STEPS, seed=7, progress=False)
    pd.testing.assert_frame_equal(table, again)
    other = sweep(CROWD, GRID, reps=2, steps=STEPS, seed=8, progress=False)
    assert list(other["run_id"]) == list(table["run_id"])
    assert not (other["seed"] == table["seed"]).any()


def test_every_keeps_every_kth_step_and_the_last():
    grid = {"mirroring": [0.2], "members": 4}
    steps = sweep("leader_team", grid, reps=2, steps=23, seed=3, every=5, progress=False)
    assert list(steps["step"][:6]) == [0, 5, 10, 15, 20, 23]
    assert len(steps) == 12 and "member_valence" in steps and "pairs_in_step" in steps
    run = steps[steps["replicate"] == 1]
    frame = scenarios.get("leader_team").run(23, int(run["seed"].iloc[0]), mirroring=0.2,
                                             members=4)
    expected = frame.set_index("step").loc[[0, 5, 10, 15, 20, 23], "member_valence"]
    np.testing.assert_array_equal(run["member_valence"], expected.to_numpy())


@pytest.mark.slow
def test_jobs_1_jobs_2_and_dask_cluster_give_equal_tables(dask_cluster):
    """Same seeds from the run identity: the executor and completion order do not matter."""
    import distributed

    grid = {"mirroring": [0.1, 0.4, 0.7], "outgroup_sign": -0.5, **SMALL_CROWD}
    kwargs = dict(reps=2, steps=15, seed=11, progress=False)
    serial = sweep(CROWD, grid, jobs=1, **kwargs)
    parallel = sweep(CROWD, grid, jobs=2, **kwargs)
    by_address = sweep(CROWD, grid, dask=dask_cluster.scheduler_address, **kwargs)
    with distributed.Client(dask_cluster) as client:
        by_client = sweep(CROWD, grid, executor=client, **kwargs)
    for other in (parallel, by_address, by_client):
        pd.testing.assert_frame_equal(serial, other)


def test_a_failing_run_names_itself_and_its_parameters():
    """A run that cannot be built stops the sweep with a message naming the run."""
    broken = scenarios.loads(CROWD.to_toml().replace('goals = "$goals"',
                                                     'goals = [[1, "nobody"]]'))
    with pytest.raises(ValueError, match=r"run [0-9a-f]{16} with \{'mirroring': 0.1.*"
                                         r"group 'nobody'"):
        sweep(broken, {"mirroring": [0.1], **SMALL_CROWD}, steps=2, progress=False)


@pytest.mark.parametrize("processes", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_mesa_batch_run_works_on_a_scenario_model(processes):
    """For people who already use Mesa: batch_run with explicit seeds, final step only.

    With two processes the model class travels by pickle (scenarios.models).
    """
    scenario = scenarios.get("leader_team")
    results = mesa.batch_run(scenario.model_class(),
                             parameters={"mirroring": [0.2, 0.6], "members": 4},
                             rng=[101, 102], max_steps=15, data_collection_period=-1,
                             number_processes=processes, display_progress=False)
    assert len(results) == 4
    for result in results:
        assert result["Step"] == 15
        expected = scenario.run(15, result["rng"], mirroring=result["mirroring"], members=4)
        for column in ("member_valence", "work_in_step", "pairs_in_step"):
            assert result[column] == expected[column].iloc[-1]
