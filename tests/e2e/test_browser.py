"""The blog in a real browser: headless Debian Chromium driven by Playwright, on `make run`'s stack.

Screenshots of every page land in test-artifacts/screenshots/ (kept by CI as artifacts).
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, Route

from tests.conftest import REPO_ROOT
from tests.e2e.chromium import SHOTS
from tests.e2e.running import local_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    state = tmp_path_factory.mktemp("browser") / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        yield outputs, state


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    yield page
    assert dialogs == [], f"a page opened dialogs: {dialogs}"
    context.close()


def author_token(state: Path) -> str:
    """What `make user EMAIL=... AUTHOR=1` prints."""
    return subprocess.run(
        [sys.executable, "-m", "app.devstack", "--state-dir", str(state), "user", "--author",
         f"author-{secrets.token_hex(3)}@example.com"],
        env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip


def publish_and_wait(site: str, token: str, slug: str, title: str, body: str) -> None:
    """Publish through the API under /api/ and wait for the render function's page."""
    with httpx.Client(base_url=site, timeout=10) as http:
        created = http.post(
            "api/posts",
            json={"slug": slug, "title": title, "body": body, "summary": "From the browser test."},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        deadline = time.monotonic() + 20
        while http.get(f"posts/{slug}/").status_code != 200:
            assert time.monotonic() < deadline, "the page was not rendered"
            time.sleep(0.2)
        while title not in http.get("").text:
            assert time.monotonic() < deadline, "the home page was not re-rendered"
            time.sleep(0.2)


def test_home_lists_the_posts(stack: tuple[dict[str, str], Path], page: Page) -> None:
    outputs, _ = stack
    page.goto(outputs["SiteUrl"])
    assert page.title() == "MyBlog.com"
    titles = page.locator("#posts h2 a").all_inner_texts()
    assert "Welcome to MyBlog.com" in titles
    assert page.get_by_label("Email address").is_visible()
    page.screenshot(path=SHOTS / "home.png", full_page=True)


def test_a_post_page_renders(stack: tuple[dict[str, str], Path], page: Page) -> None:
    outputs, _ = stack
    page.goto(outputs["SiteUrl"])
    page.get_by_role("link", name="Welcome to MyBlog.com").click()
    page.wait_for_url("**/posts/welcome/")
    assert page.locator("article h1").inner_text() == "Welcome to MyBlog.com"
    assert page.locator("article .body strong").first.inner_text() == "rendered once"
    page.screenshot(path=SHOTS / "post.png", full_page=True)


def test_a_new_post_appears_after_publishing(
    stack: tuple[dict[str, str], Path], page: Page
) -> None:
    outputs, state = stack
    slug = f"fresh-{secrets.token_hex(3)}"
    publish_and_wait(outputs["SiteUrl"], author_token(state), slug, "Hot off the press", "News!")
    page.goto(outputs["SiteUrl"])
    assert "Hot off the press" in page.locator("#posts").inner_text()
    page.goto(f"{outputs['SiteUrl']}posts/{slug}")
    assert page.locator("article h1").inner_text() == "Hot off the press"
    page.screenshot(path=SHOTS / "new-post.png", full_page=True)


def test_a_hostile_post_runs_nothing(stack: tuple[dict[str, str], Path], page: Page) -> None:
    outputs, state = stack
    slug = f"hostile-{secrets.token_hex(3)}"
    body = (
        "Look:\n\n<script>window.__owned = 'script'; alert('script')</script>\n\n"
        "<img src=x onerror=\"window.__owned = 'onerror'; alert('onerror')\">\n\n"
        "[click me](javascript:window.__owned='link')"
    )
    publish_and_wait(outputs["SiteUrl"], author_token(state), slug, "Hostile", body)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{outputs['SiteUrl']}posts/{slug}/")
    page.wait_for_load_state("networkidle")
    page.get_by_text("click me").click()
    assert page.evaluate("window.__owned") is None
    assert page.locator("article img").count() == 0
    assert page.locator("article script").count() == 0
    assert "<script>" in page.locator("article").inner_text()  # shown as text
    assert errors == []
    page.screenshot(path=SHOTS / "hostile-post.png", full_page=True)


def outbox(state: Path) -> str:
    """What `make outbox` prints."""
    return subprocess.run(
        [sys.executable, "-m", "app.devstack", "--state-dir", str(state), "outbox"],
        env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip


def wait_for_mail(state: Path, address: str, count: int) -> str:
    deadline = time.monotonic() + 20
    while outbox(state).count(f"To: {address}") < count:
        assert time.monotonic() < deadline, f"no email #{count} to {address}"
        time.sleep(0.3)
    time.sleep(1.5)  # let a duplicate, if any, arrive
    return outbox(state)


def test_subscribing_is_confirmed_in_the_browser_before_the_welcome(
    stack: tuple[dict[str, str], Path], page: Page
) -> None:
    """Double opt-in as a reader meets it: the form, the email, the link's page and its button,
    then exactly one welcome."""
    outputs, state = stack
    address = f"reader-{secrets.token_hex(3)}@example.com"
    page.goto(outputs["SiteUrl"])
    for _ in range(2):  # a second submission must not send a second email
        page.get_by_label("Email address").fill(address)
        page.get_by_role("button", name="Subscribe").click()
        status = page.locator("#subscribe-status")
        status.filter(has_text="confirm with the link").wait_for(timeout=10_000)
    page.screenshot(path=SHOTS / "subscribed.png", full_page=True)
    sent = wait_for_mail(state, address, 1)
    assert sent.count(f"To: {address}") == 1
    assert "Subject: Confirm your subscription to MyBlog.com" in sent
    link = re.search(r"https?://\S+/api/subscriptions/confirm\?token=\S+", sent)
    assert link is not None
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Confirm your subscription"
    page.screenshot(path=SHOTS / "confirm-subscription.png", full_page=True)
    page.get_by_role("button", name="Confirm my subscription").click()
    page.locator("h1", has_text="Subscribed").wait_for(timeout=10_000)
    sent = wait_for_mail(state, address, 2)
    assert sent.count(f"To: {address}") == 2
    assert "Subject: Welcome to MyBlog.com" in sent
    assert "--- html ---" in sent


@pytest.mark.parametrize("where", ["ApiUrl", "SiteUrl"])
def test_the_api_docs_render_offline_from_one_origin(
    stack: tuple[dict[str, str], Path], page: Page, where: str
) -> None:
    """Swagger UI renders every operation with every other origin unreachable, as on a laptop
    without internet: the page, its script, stylesheet and the spec all come from the API."""
    outputs, _ = stack
    docs = outputs["ApiUrl"] + "docs" if where == "ApiUrl" else outputs["SiteUrl"] + "api/docs"
    if where == "SiteUrl":
        page.set_viewport_size({"width": 390, "height": 844})  # a phone, through the site
    origin = "/".join(docs.split("/")[:3])
    elsewhere: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(origin) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", offline)
    page.goto(docs)
    page.locator(".opblock").first.wait_for(timeout=15_000)
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/todos/{todo_id}" in operations
    assert "/posts/{slug}/photos" in operations
    # "Try it out" reaches the API beside the spec (servers: "."), under either prefix.
    health = page.locator(".opblock", has_text="/health").first
    health.locator(".opblock-summary").click()
    health.get_by_role("button", name="Try it out").click()
    health.get_by_role("button", name="Execute").click()
    status = health.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=10_000)
    assert status.inner_text().strip() == "200"
    assert (
        health.locator(".request-url pre").inner_text().strip() == docs[: -len("docs")] + "health"
    )
    assert elsewhere == []
    page.screenshot(path=SHOTS / f"api-docs-{where.lower()}.png")
