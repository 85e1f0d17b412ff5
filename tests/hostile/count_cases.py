"""Count the hostile-input suite's cases by class (what the issue's note reports).

    uv run python tests/hostile/count_cases.py

Collects the suite with pytest (nothing runs) and sorts every case into the class of
failure it stands for, by its test function and, where one function covers several
classes, by its parameter id.
"""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: test function -> class; a function mapped to a dict picks by a word of the case id.
CLASSES = {
    "test_command_line_sizes": "sizes and memory",
    "test_scenario_file_sizes": "sizes and memory",
    "test_a_set_value_within_the_declared_range_is_still_bounded": "sizes and memory",
    "test_a_graphml_file_above_its_size_limit_is_not_parsed": "sizes and memory",
    "test_python_sizes": "sizes and memory",
    "test_scenario_files_refused_at_load": {"name": "declared names (markup, identifiers)",
                                            "syntax": "messages", "utf8": "messages",
                                            "": "validated at load"},
    "test_the_python_loader_refuses_them_too": {"name": "declared names (markup, identifiers)",
                                                "syntax": "messages", "utf8": "messages",
                                                "": "validated at load"},
    "test_a_file_refused_by_show_is_refused_by_run": "validated at load",
    "test_key_metrics_are_checked_before_null_and_plot": "validated at load",
    "test_names_and_special_files": "messages",
    "test_a_byte_order_mark_is_accepted": "messages",
    "test_control_characters_in_a_title_never_reach_the_terminal": "messages",
    "test_outputs_are_checked_before_any_work": "outputs checked first, none left",
    "test_nothing_is_written_when_a_later_output_fails": "outputs checked first, none left",
    "test_settings_are_never_silently_changed": "never silently wrong",
    "test_plot_refuses_what_the_dataset_does_not_hold": "validated at load",
    "test_plot_of_a_missing_dataset": "messages",
    "test_an_unreachable_dask_scheduler_is_one_line": "no traceback (Dask)",
    "test_edge_lists_follow_explicit_rules": "network files",
    "test_other_network_files_are_refused": "network files",
    "test_an_edge_list_with_a_byte_order_mark_is_read": "network files",
    "test_a_large_edge_list_is_streamed_within_bounds": "network files",
    "test_a_damaged_journal_line_is_reported_and_skipped": "sweep store",
    "test_a_kill_during_the_first_manifest_write_needs_no_force": "sweep store",
    "test_a_stale_shard_temp_file_is_removed": "sweep store",
    "test_sweeps_are_never_nested_or_silently_replaced": "sweep store",
    "test_a_refused_folder_is_left_as_it_was": "sweep store",
    "test_sweep_arguments": "sweep store",
    "test_a_sweep_killed_with_sigkill_leaves_no_process": "kill -9, no orphans",
    "test_kill_9_during_start_up_leaves_no_worker": "kill -9, no orphans",
    "test_two_ctrl_c_stop_a_two_worker_sweep_cleanly_and_it_resumes": "Ctrl-C, clean stop",
    "test_two_ctrl_c_stop_the_command_in_one_line": "Ctrl-C, clean stop",
    "test_fit_sizes_are_bounded_before_anything_is_allocated": "sizes and memory",
    "test_huge_steps_and_numbers_wider_than_a_float_name_file_column_and_range":
        "sizes and memory",
    "test_a_time_column_far_beyond_the_steps_limit_is_refused": "sizes and memory",
    "test_a_sparse_panel_with_many_steps_and_agents_is_refused_without_its_array":
        "sizes and memory",
    "test_rows_beyond_the_limit_are_refused_while_reading": "sizes and memory",
    "test_a_corrupt_database_is_one_line_naming_the_file_and_what_to_do": "fit database",
    "test_force_replaces_a_corrupt_database_and_the_fit_runs": "fit database",
    "test_kill_9_of_a_fit_with_two_workers_leaves_no_process_behind": "kill -9, no orphans",
    "test_ctrl_c_stops_a_fit_within_3_s_with_one_line_on_how_to_resume": "interrupts",
    # checks of the suite and its docs, not hostile cases: not counted
    "test_the_limits_page_is_what_the_code_declares": None,
    "test_every_limit_is_on_the_page_with_a_reason": None,
    "test_every_hostile_case_has_a_class_in_the_count": None,
}


def classify(node: str) -> str | None:
    """The class of case ``node`` (a pytest node id); None for a check that is no case."""
    function, _, case = node.split("::")[-1].partition("[")
    if function not in CLASSES:
        raise SystemExit(f"count_cases.py: no class for {node}: add it to CLASSES")
    kind = CLASSES[function]
    if isinstance(kind, dict):
        kind = next(v for word, v in kind.items() if word in case)
    return kind


def main() -> None:
    listing = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                              "-p", "no:cacheprovider", str(HERE)],
                             capture_output=True, text=True, check=True).stdout
    nodes = [line for line in listing.splitlines() if "::" in line]
    counts = collections.Counter(kind for node in nodes if (kind := classify(node)))
    width = max(map(len, counts))
    for kind, count in counts.most_common():
        print(f"{kind:<{width}}  {count:>4}")
    print(f"{'total':<{width}}  {sum(counts.values()):>4}")


if __name__ == "__main__":
    main()
