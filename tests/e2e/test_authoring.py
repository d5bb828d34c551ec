"""MyBlog's authoring page (`{SiteUrl}write/`) in a real browser on a phone-sized screen.

An author signs in, writes Markdown beside a live preview from the API's own sanitizer,
publishes, drops a photo (presigned POST straight to the photos bucket), inserts its thumbnail
once the thumbnail function made it, saves, and the post appears on the site with the photo, and
in the feed.
Edits meet If-Match (412 from a change made elsewhere), other authors' posts are not offered for
editing, deleting takes a second press, and a signed-in non-author is told why they cannot write.
"""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Callable, Iterator
from functools import partial
from xml.etree import ElementTree

import httpx
import pytest
from PIL import Image
from playwright.sync_api import (
    Browser,
    Dialog,
    Locator,
    Page,
    ViewportSize,
    expect,
)

from app.devstack.cognito.users import DEFAULT_LOCAL_PASSWORD, sign_in
from tests.conftest import REPO_ROOT
from tests.e2e.chromium import SHOTS
from tests.e2e.running import local_stack

ATOM = "{http://www.w3.org/2005/Atom}"
PHONE: ViewportSize = {"width": 390, "height": 844}
AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    state = tmp_path_factory.mktemp("authoring") / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        yield outputs


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def refuse(dialog: Dialog) -> None:  # the page asks nothing in a dialog
        errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", refuse)
    yield page
    context.close()
    assert errors == [], errors


def user(stack: dict[str, str], *groups: str) -> tuple[str, str]:
    """A confirmed user in `groups`; returns (email, ID token)."""
    email = f"writer-{secrets.token_hex(4)}@example.com"
    tokens = sign_in(stack, email, DEFAULT_LOCAL_PASSWORD, groups)
    return email, str(tokens["IdToken"])


def open_desk(page: Page, stack: dict[str, str], email: str) -> None:
    page.goto(f"{stack['SiteUrl']}write/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEFAULT_LOCAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#who")).to_have_text(email)


def png(width: int = 800, height: int = 600) -> bytes:
    image = Image.new("RGB", (width, height))
    image.putdata([(x % 256, y % 256, (x * y) % 256) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def drop(page: Page, selector: str, name: str, mime: str, data: bytes) -> None:
    """A file dragged from the desktop onto `selector`: the drop event a browser dispatches."""
    page.evaluate(
        """([selector, name, mime, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
            const zone = document.querySelector(selector);
            for (const type of ["dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true }));
            }
        }""",
        [selector, name, mime, list(data)],
    )


def wait_for(check: Callable[[], object], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def in_feed(site: httpx.Client, slug: str) -> bool:
    feed = ElementTree.fromstring(site.get("feed.xml").content)  # noqa: S314 - our own feed
    for entry in feed.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        if link is not None and link.get("href", "").endswith(f"/posts/{slug}/"):
            return "/thumbnails/" in (entry.findtext(f"{ATOM}content") or "")
    return False


def loaded(image: Locator) -> bool:
    return bool(image.evaluate("img => img.complete && img.naturalWidth > 0"))


def test_an_author_publishes_a_post_with_a_photo(stack: dict[str, str], page: Page) -> None:
    email, _ = user(stack, "authors")
    open_desk(page, stack, email)
    slug = f"from-the-desk-{secrets.token_hex(3)}"
    page.get_by_label("Title").fill("From the desk")
    assert page.get_by_label("Address").input_value() == "from-the-desk"  # derived from the title
    page.get_by_label("Address").fill(slug)
    page.get_by_label("Summary").fill("Written in the browser.")
    page.get_by_label("Markdown").fill(
        "Some **bold** words.\n\n<script>window.__owned = 1</script>"
    )
    # The live preview is the API's rendering: Markdown applied, raw HTML shown as text.
    expect(page.locator("#preview strong")).to_have_text("bold")
    expect(page.locator("#preview")).to_contain_text("<script>")
    assert page.locator("#preview script").count() == 0
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#editor-status")).to_contain_text("Published")
    expect(page.locator("#post-list li", has_text="From the desk")).to_have_count(1)

    # Photos: a GIF is refused before anything is asked; a PNG dropped on the zone uploads.
    page.locator("#photo-input").set_input_files(
        {"name": "anim.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}
    )
    expect(page.get_by_text("only JPEG, PNG or WebP")).to_be_visible()
    drop(page, "#dropzone", "harbour.png", "image/png", png())
    ready = page.locator('#photo-list li[data-status="ready"]')
    expect(ready).to_have_count(1, timeout=60_000)
    thumb = ready.locator("img")
    expect(thumb).to_have_attribute("alt", "harbour.png")
    wait_for(partial(loaded, thumb), "no thumbnail")
    ready.get_by_role("button", name="Insert into post").click()
    body = page.get_by_label("Markdown").input_value()
    assert "![harbour](/thumbnails/" in body
    expect(page.locator("#preview img")).to_have_count(1)
    page.screenshot(path=SHOTS / "authoring-phone.png", full_page=True)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#editor-status")).to_contain_text("Saved")

    # The site: the post's page shows the inserted photo in its body and the thumbnail below.
    with httpx.Client(base_url=stack["SiteUrl"], timeout=10) as site:
        wait_for(
            lambda: 'alt="harbour"' in site.get(f"posts/{slug}/").text,
            "the post page was not re-rendered with the photo in its body",
        )
        # And the feed: the post's entry carries the photo in its content.
        wait_for(partial(in_feed, site, slug), "the feed has no entry with the photo")
    page.goto(f"{stack['SiteUrl']}posts/{slug}/")
    images = page.locator("article img")
    assert images.count() >= 2  # in the body, and among the post's photos
    for image in images.all():
        image.scroll_into_view_if_needed()
        wait_for(partial(loaded, image), "a photo on the post page did not load")
    assert page.evaluate("window.__owned") is None


def test_only_own_posts_are_offered_and_a_stale_save_is_refused(
    stack: dict[str, str], page: Page, request: pytest.FixtureRequest
) -> None:
    email, token = user(stack, "authors")
    _, other_token = user(stack, "authors")
    api = httpx.Client(base_url=f"{stack['SiteUrl']}api/", timeout=10)
    request.addfinalizer(api.close)
    mine, theirs = f"mine-{secrets.token_hex(3)}", f"theirs-{secrets.token_hex(3)}"
    for slug, bearer in ((mine, token), (theirs, other_token)):
        created = api.post(
            "posts",
            json={"slug": slug, "title": slug, "body": "Text."},
            headers={"Authorization": f"Bearer {bearer}"},
        )
        assert created.status_code == 201, created.text
    open_desk(page, stack, email)
    ours = page.locator(f'#post-list li[data-slug="{mine}"]')
    expect(ours).to_have_count(1)
    expect(page.locator(f'#post-list li[data-slug="{theirs}"]')).to_have_count(1)
    expect(page.locator(f'#post-list li[data-slug="{theirs}"] button')).to_have_count(0)
    ours.get_by_role("button").click()
    expect(page.get_by_label("Markdown")).to_have_value("Text.")
    assert page.get_by_label("Address").get_attribute("readonly") is not None

    # Someone else (the author on another device) saves first: this save must not overwrite it.
    changed = api.patch(
        f"posts/{mine}",
        json={"title": "Changed elsewhere"},
        headers={"Authorization": f"Bearer {token}", "If-Match": '"v1"'},
    )
    assert changed.status_code == 200, changed.text
    page.get_by_label("Title").fill("My edit")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#editor-status")).to_contain_text("changed elsewhere")
    fresh = api.get(f"posts/{mine}", params={"fresh": secrets.token_hex(4)})
    assert fresh.json()["title"] == "Changed elsewhere"

    # Reloaded from the list, the edit goes through; deleting takes a second press.
    ours.get_by_role("button").click()
    expect(page.get_by_label("Title")).to_have_value("Changed elsewhere")
    page.get_by_label("Title").fill("My edit")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#editor-status")).to_contain_text("Saved")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("button", name="Press again to delete")).to_be_visible()
    assert api.get(f"posts/{mine}", params={"fresh": secrets.token_hex(4)}).status_code == 200
    page.get_by_role("button", name="Press again to delete").click()
    expect(page.locator("#editor-status")).to_contain_text("Deleted")
    expect(ours).to_have_count(0)
    assert api.get(f"posts/{mine}", params={"fresh": secrets.token_hex(4)}).status_code == 404


def test_a_reader_is_told_why_they_cannot_write(stack: dict[str, str], page: Page) -> None:
    email, _ = user(stack)
    open_desk(page, stack, email)
    expect(page.locator("#status")).to_contain_text("is not an author")
    expect(page.locator("#desk")).to_be_hidden()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#status")).to_have_text("Incorrect e-mail or password.")


def test_the_desk_is_accessible_and_fits_a_phone(stack: dict[str, str], page: Page) -> None:
    email, _ = user(stack, "authors")
    open_desk(page, stack, email)
    page.get_by_label("Markdown").fill(
        "# Heading\n\nA paragraph with a [link](https://example.com)."
    )
    expect(page.locator("#preview h1")).to_have_text("Heading")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Through DevTools, not as a <script> tag: the site's CSP refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_docs_screenshot_of_the_desk(stack: dict[str, str], browser: Browser) -> None:
    """The docs' picture of the authoring page, on a laptop-sized screen."""
    email, _ = user(stack, "authors")
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    open_desk(page, stack, email)
    page.get_by_label("Title").fill("Notes from the harbour")
    page.get_by_label("Markdown").fill(
        "## Morning\n\nThe boats left **early**; the *fog* stayed.\n\n"
        "- nets mended\n- coffee\n\n> Rarely written, often read."
    )
    expect(page.locator("#preview h2")).to_have_text("Morning")
    page.screenshot(path=SHOTS / "authoring-desktop.png")
    context.close()
    assert (SHOTS / "authoring-desktop.png").stat().st_size > 10_000
