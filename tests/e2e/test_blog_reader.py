"""MyBlog as its readers' tools see it, on `make run`'s stack: a post with a photo is published
by an author, and the feed, the sitemap, robots.txt, the archive, link previews and the 404 page
all follow, through the local edge only (as through the distribution)."""

from __future__ import annotations

import io
import secrets
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.conftest import REPO_ROOT
from tests.e2e.running import local_stack

pytestmark = pytest.mark.e2e
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    state = tmp_path_factory.mktemp("reader") / "devstack"
    with local_stack(state, "--no-persist") as (outputs, _):
        yield outputs, state


def user_token(state: Path, *flags: str) -> str:
    """What `make user EMAIL=... [AUTHOR=1]` prints: an ID token."""
    email = f"reader-{secrets.token_hex(3)}@example.com"
    return subprocess.run(
        [sys.executable, "-m", "app.devstack", "--state-dir", str(state), "user", *flags, email],
        env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip


def parse(document: bytes) -> ET.Element:
    """The local stack's own rendering (no DTD, no entities): the stdlib parser is safe here."""
    return ET.fromstring(document)  # noqa: S314


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def published(stack: tuple[dict[str, str], Path]) -> dict[str, str]:
    """A post with one photo, published through the site's /api/ as the authoring page does,
    once its page shows the photo; returns the post as the API answered and the photo's paths."""
    outputs, state = stack
    headers = {"Authorization": f"Bearer {user_token(state, '--author')}"}
    slug = f"followed-{secrets.token_hex(3)}"
    post = {"slug": slug, "title": "Feeds & <friends>", "body": "Hello **readers**.",
            "summary": "A post readers follow."}  # fmt: skip
    with httpx.Client(base_url=outputs["SiteUrl"], timeout=10) as site:
        created = site.post("api/posts", json=post, headers=headers)
        assert created.status_code == 201, created.text
        ticket = site.post(
            f"api/posts/{slug}/photos", json={"contentType": "image/jpeg"}, headers=headers
        ).json()
        upload = httpx.post(
            ticket["upload"]["url"], data=ticket["upload"]["fields"],
            files={"file": ("photo.jpg", photo())},
        )  # fmt: skip
        assert upload.status_code in (200, 204), upload.text
        large = f"/thumbnails/{slug}/{ticket['photo']['photoId']}/1024.jpg"
        wait_for(lambda: large in site.get(f"posts/{slug}/").text, "the photo never showed")
    return {**created.json(), "large": large}


def test_the_feed_is_atom_with_the_new_post(
    stack: tuple[dict[str, str], Path], published: dict[str, str]
) -> None:
    outputs, _ = stack
    site_url, slug = outputs["SiteUrl"], published["slug"]
    with httpx.Client(base_url=site_url, timeout=10) as site:
        response = site.get("feed.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = parse(response.content)
    assert feed.tag == f"{ATOM}feed"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == f"{site_url}feed.xml"
    entries = {entry.findtext(f"{ATOM}id"): entry for entry in feed.findall(f"{ATOM}entry")}
    entry = entries[f"{site_url}posts/{slug}/"]
    assert entry.findtext(f"{ATOM}title") == "Feeds & <friends>"
    assert "<strong>readers</strong>" in (entry.findtext(f"{ATOM}content") or "")


def test_the_sitemap_and_robots_list_every_page(
    stack: tuple[dict[str, str], Path], published: dict[str, str]
) -> None:
    outputs, _ = stack
    site_url, slug = outputs["SiteUrl"], published["slug"]
    month = published["publishedAt"][:7].replace("-", "/")
    with httpx.Client(base_url=site_url, timeout=10) as site:
        sitemap = site.get("sitemap.xml")
        robots = site.get("robots.txt")
    assert sitemap.headers["content-type"].startswith("application/xml")
    urls = {u.findtext(f"{SITEMAP}loc") for u in parse(sitemap.content).iter(f"{SITEMAP}url")}
    assert {site_url, f"{site_url}archive/", f"{site_url}archive/{month}/"} <= urls
    assert {f"{site_url}posts/{slug}/", f"{site_url}posts/welcome/"} <= urls  # the demo posts too
    assert robots.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {site_url}sitemap.xml" in robots.text.splitlines()


def test_the_archive_reaches_the_post_without_javascript(
    stack: tuple[dict[str, str], Path], published: dict[str, str]
) -> None:
    outputs, _ = stack
    month = published["publishedAt"][:7].replace("-", "/")
    with httpx.Client(base_url=outputs["SiteUrl"], timeout=10) as site:
        assert 'href="/archive/"' in site.get("").text
        assert f'href="/archive/{month}/"' in site.get("archive/").text
        listing = site.get(f"archive/{month}/")
    assert listing.status_code == 200
    assert f'href="/posts/{published["slug"]}/"' in listing.text
    assert "Feeds &amp; &lt;friends&gt;" in listing.text


def test_link_previews_show_the_photo(
    stack: tuple[dict[str, str], Path], published: dict[str, str]
) -> None:
    outputs, _ = stack
    site_url = outputs["SiteUrl"]
    with httpx.Client(base_url=site_url, timeout=10) as site:
        page = site.get(f"posts/{published['slug']}/").text
        assert site.get(published["large"]).status_code == 200
    absolute = f"{site_url.rstrip('/')}{published['large']}"
    assert f'<meta property="og:image" content="{absolute}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:type" content="article">' in page
    feed = f'type="application/atom+xml" title="MyBlog.com" href="{site_url}feed.xml">'
    assert f'<link rel="alternate" {feed}' in page


def test_unknown_pages_get_the_404_page_and_the_api_keeps_its_problems(
    stack: tuple[dict[str, str], Path],
) -> None:
    outputs, state = stack
    with httpx.Client(base_url=outputs["SiteUrl"], timeout=10) as site:
        for path in ("no/such/page", "posts/never-was/", "archive/1999/01/", "missing.css"):
            missing = site.get(path)
            assert missing.status_code == 404, path
            assert missing.headers["content-type"].startswith("text/html")
            assert "Page not found" in missing.text
            assert '<a href="/">' in missing.text
        for path in ("api/unknown", "api/posts/never-was"):
            problem = site.get(path)
            assert problem.status_code == 404, path
            assert problem.headers["content-type"] == "application/problem+json"
            assert problem.json()["status"] == 404
        # The price of a distribution-wide mapping, as on CloudFront: an API 403 is the page too.
        reader = {"Authorization": f"Bearer {user_token(state)}"}
        refused = site.post("api/posts", json={"slug": "nope", "title": "t", "body": "b"},
                            headers=reader)  # fmt: skip
        assert refused.status_code == 404
        assert "Page not found" in refused.text
