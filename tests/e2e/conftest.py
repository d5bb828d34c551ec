"""Reports what the contract fuzz run did, at the end of the session."""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e.test_fuzz import REPORTS

SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line with the fuzz run's counts, when it ran in this session."""
    summary = REPORTS / "summary.json"
    if not summary.exists() or summary.stat().st_mtime < SESSION_STARTED:
        return
    counts = json.loads(summary.read_text(encoding="utf-8"))
    terminalreporter.write_line(
        f"contract fuzz: {counts['requests_sent']} requests sent, {counts['requests_served']} "
        f"served, {counts['test_cases']} test cases over {counts['operations']} operations, "
        f"{len(counts['failures'])} failures, seed {counts['seed']}, {counts['seconds']} s"
    )
