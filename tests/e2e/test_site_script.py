"""The blog's script (/static/app.js, built from web/src/site/ on the generated client) in Chromium:
"Older posts" pages through the posts API and the subscribe form reports the API's answer."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.e2e.running import local_stack
from tests.e2e.test_browser import author_token, publish_and_wait


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    state = tmp_path_factory.mktemp("site-script") / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        yield outputs, state


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_older_posts_are_added_below_the_rendered_ones(
    stack: tuple[dict[str, str], Path], page: Page
) -> None:
    outputs, state = stack
    site = outputs["SiteUrl"]
    token = author_token(state)
    for n in range(2):
        publish_and_wait(site, token, f"older-{n}-{secrets.token_hex(2)}", f"Older {n}", "Text.")
    # A home page that shows only the newest post, as the real one does past its first 50.
    home = """<!doctype html><html lang="en"><title>t</title><ol id="posts"><li>newest</li></ol>
    <button type="button" id="more" data-after="1" hidden>Older posts</button>
    <script src="/static/app.js" defer></script></html>"""

    def short_home(route: Route) -> None:
        route.fulfill(body=home, content_type="text/html")

    page.route(f"{site}short-home", short_home)
    page.goto(f"{site}short-home")
    page.get_by_role("button", name="Older posts").click()
    page.locator("#posts li a", has_text="Welcome to MyBlog.com").wait_for()
    titles = page.locator("#posts li a").all_inner_texts()
    assert titles[0] == "Older 0"  # newest first, after the one the page already shows
    assert "Older 1" not in titles
    assert titles[-1] == "Welcome to MyBlog.com"
    assert page.get_by_role("button", name="Older posts").is_hidden()  # the last page


def test_the_subscribe_form_shows_the_apis_answer(
    stack: tuple[dict[str, str], Path], page: Page
) -> None:
    outputs, _ = stack
    page.goto(outputs["SiteUrl"])
    page.get_by_label("Email address").fill("not-an-address@invalid")
    page.get_by_role("button", name="Subscribe").click()
    status = page.locator("#subscribe-status")
    status.filter(has_not_text="Subscribing").wait_for()
    assert "confirm with the link" not in status.inner_text()
    assert status.inner_text() != ""
