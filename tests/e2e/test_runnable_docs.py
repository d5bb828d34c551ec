"""The docs' runnable shell blocks, run as a reader pastes them, against a `make run` stack."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.running import local_stack
from tests.runnable_docs import Block, localize, runnable_blocks, script

pytestmark = pytest.mark.e2e
BASH = shutil.which("bash") or "/bin/bash"
PAGES = {
    page.name: page
    for page in [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
}
RUNNABLE = {
    name: blocks
    for name, page in PAGES.items()
    if (blocks := runnable_blocks(name, page.read_text(encoding="utf-8")))
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    """One `make run` stack on free ports, nothing recorded; its state folder for `make user`."""
    state = tmp_path_factory.mktemp("docs") / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        yield outputs, state


def reader_environment(state: Path) -> dict[str, str]:
    """A reader's shell: no AWS settings or keys of the test session (the docs name what they
    need), the state folder of the stack under test."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return {
        **environment,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "DEVSTACK_DIR": str(state),
    }


Stack = tuple[dict[str, str], Path]


def run(blocks: list[Block], stack: Stack) -> subprocess.CompletedProcess[str]:
    outputs, state = stack
    return subprocess.run(
        [BASH, "-c", localize(script(blocks), outputs, state)],
        cwd=REPO_ROOT,
        env=reader_environment(state),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_every_topic_page_shows_commands_that_run() -> None:
    # Pages whose commands need AWS or minutes (deploys, benchmarks) show them unmarked.
    assert set(RUNNABLE) >= {
        "mobile-app.md", "blog.md", "microservices.md", "caching.md", "local-stack.md",
        "operating.md", "security.md", "README.md",
    }  # fmt: skip


@pytest.mark.parametrize("page", sorted(RUNNABLE))
def test_runnable_blocks_run_as_written(page: str, stack: Stack) -> None:
    result = run(RUNNABLE[page], stack)
    assert result.returncode == 0, (
        f"{page}: a runnable block failed\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


def test_a_failing_command_fails_its_page(stack: Stack) -> None:
    """The check can fail: a request the stack refuses stops the page (curl -f, set -e)."""
    markdown = (
        "<!-- runnable -->\n```sh\ncurl -fsS http://127.0.0.1:3000/local/health\n```\n"
        "<!-- runnable -->\n```sh\ncurl -fsS http://127.0.0.1:3000/local/todos\necho after\n```\n"
    )
    result = run(runnable_blocks("planted.md", markdown), stack)
    assert result.returncode != 0
    assert '"status":"ok"' in result.stdout.replace(" ", "")  # the first block reached the stack
    assert "after" not in result.stdout
