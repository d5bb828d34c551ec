"""The console of `make run` as a person reads it: the start in numbered steps, then one line per
API request (the gateway's answer and the invocation behind it together) and one per event
invocation, naming what triggered it; the functions' JSON logs stay in their files."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.running import local_stack, make_user

pytestmark = pytest.mark.e2e


def author_token(state: Path, email: str) -> str:
    """`make user EMAIL=... AUTHOR=1` against the running stack."""
    return make_user(state, email, "--author")


def wait_for_lines(log: Path, found: Callable[[list[str]], bool], seconds: float = 30) -> list[str]:
    """The console's lines, once `found` says they hold what is awaited (or time ran out)."""
    deadline = time.monotonic() + seconds
    while True:
        lines = log.read_text(encoding="utf-8").splitlines()
        if found(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def test_one_line_per_request_and_per_event_invocation(tmp_path: Path) -> None:
    state = tmp_path / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        api = outputs["ApiUrl"]
        log = tmp_path / f"run-{urlsplit(api).port}.log"
        stage_path = urlsplit(api).path  # /local/
        start = log.read_text(encoding="utf-8")
        assert start.startswith("[1] started the emulators in ")
        assert "] created " in start
        assert "resources from template.yaml in " in start
        assert (state / "resources.txt").read_text().count(" -> ") > 20
        assert "] published 3 demo posts and rendered the site in " in start
        assert "Local stack is ready in " in start
        assert "REPORT RequestId" not in start  # Lambda's line stays in the function's log

        slug = f"console-{secrets.token_hex(4)}"
        auth = {"Authorization": f"Bearer {author_token(state, 'ada@example.com')}"}
        with httpx.Client(base_url=api, timeout=30) as http:
            assert http.get(f"posts/{slug}-missing").status_code == 404
            post = {"slug": slug, "title": "Told on the console", "body": "Hello."}
            assert http.post("posts", json=post, headers=auth).status_code == 201

        def rendered(lines: list[str]) -> list[str]:
            events = [line for line in lines if line.split()[1:2] == ["event"]]
            return [line for line in events if "RenderSiteFunction" in line]

        before = len(start.splitlines())
        after = wait_for_lines(log, lambda lines: bool(rendered(lines[before:])))[before:]
        requested = [line for line in after if f"{stage_path}posts/{slug}-missing" in line]
        assert len(requested) == 1, after
        assert requested[0].split()[1:4] == ["GET", f"{stage_path}posts/{slug}-missing", "404"]
        assert " ms  PostsFunction" in requested[0]  # the function that answered
        published = [line for line in after if line.split()[1:3] == ["POST", f"{stage_path}posts"]]
        assert len(published) == 1, after
        assert published[0].split()[3] == "201"
        events = rendered(after[after.index(published[0]) :])
        assert len(events) == 1, after
        assert events[0].split()[1:8] == [
            "event", "DynamoDB", "stream", "PostsTable,", "1", "record", "ok",
        ]  # fmt: skip
