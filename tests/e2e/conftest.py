"""The browser tests' Chromium; what the contract fuzz run did, reported at the session's end."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS, SHOTS
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium, one per test module; screenshots go to `SHOTS`."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: make test installs it"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
