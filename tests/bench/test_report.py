"""The benchmark's verdicts: a row meets its bar only when the ratio and every bound hold."""

import json
from pathlib import Path

import pytest
from rich.console import Console

from bench.report import AT_LEAST, AT_MOST, Rows, row, write_json
from bench.stats import percentile


def test_a_ratio_under_an_at_least_bar_does_not_meet_it() -> None:
    assert row("P1", "w", 500, 1000, "/s", 0.5, (AT_LEAST, 0.6)).meets is False
    assert row("P1", "w", 700, 1000, "/s", 0.7, (AT_LEAST, 0.6)).meets is True


def test_an_at_most_bar_and_a_failed_bound_are_both_enforced() -> None:
    assert row("P6", "w", 13, 10, "ms", 1.3, (AT_MOST, 1.3)).meets is True
    failed = row("P6", "w", 13, 10, "ms", 1.3, (AT_MOST, 1.3), extra=[("p99 <= 50 ms", False)])
    assert failed.meets is False
    assert failed.bar == "ratio <= 1.3; p99 <= 50 ms"


@pytest.mark.parametrize(("q", "expected"), [(50, 50), (99, 99), (100, 100), (1, 1)])
def test_percentiles_are_nearest_rank(q: float, expected: float) -> None:
    assert percentile([float(n) for n in range(100, 0, -1)], q) == expected


def test_the_json_has_the_keys_the_issue_names(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_json([row("P8", "export", 1, 2, "rows/s", 0.5, (AT_LEAST, 0.3))], target)

    (written,) = json.loads(target.read_text())
    assert {"id", "what", "ours", "baseline", "unit", "ratio", "bar", "meets"} <= set(written)
    assert written["id"] == "P8"
    assert written["meets"] is True


def test_each_row_is_written_the_moment_it_is_measured(tmp_path: Path) -> None:
    """A two-hour run that fails late must still leave the rows measured before the failure."""
    target = tmp_path / "out.json"
    rows = Rows(Console(quiet=True), target)
    rows.keep(row("P3", "import", 1, 2, "events/s", 0.5, (AT_LEAST, 0.3)))
    assert [r["id"] for r in json.loads(target.read_text())] == ["P3"]

    rows.keep(row("P1", "command", 1, 2, "/s", 0.5, (AT_LEAST, 0.6)))
    assert [r["id"] for r in json.loads(target.read_text())] == ["P1", "P3"]
