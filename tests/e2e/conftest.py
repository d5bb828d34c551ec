"""The browser tests' Chromium; what the contract fuzz run did, reported at the session's end."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, sync_playwright

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
    """Headless Debian chromium, one per test module; screenshots go to `SHOTS`. Every context
    it opens reports Content-Security-Policy violations (see `no_csp_violation`)."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: make test installs it"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        open_context = instance.new_context

        def new_context(*args: Any, **kwargs: Any) -> BrowserContext:
            context = open_context(*args, **kwargs)
            watch_csp(context)
            return context

        instance.new_context = new_context  # type: ignore[method-assign]
        yield instance
        instance.close()


# Every page of every browser test runs under the site's Content-Security-Policy (the local site
# sends the template's): anything it blocks fails the test, whatever the test was checking.
CSP_VIOLATIONS: list[str] = []
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${location.pathname}` +
      (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : ""),
  );
});
"""


def watch_csp(context: BrowserContext) -> None:
    """Report the context's CSP violations, from the page's event and from the console."""
    context.expose_binding("__cspViolation", lambda _source, text: CSP_VIOLATIONS.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(f"console: {message.text}")

    context.on("console", console)


@pytest.fixture(autouse=True)
def no_csp_violation() -> Iterator[None]:
    """Fails any test during which a page's Content-Security-Policy refused something."""
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == [], "the site's Content-Security-Policy refused: " + "; ".join(
        CSP_VIOLATIONS
    )
