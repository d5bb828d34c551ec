"""README and docs/: short front page, every page linked, every link resolves, marks readable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.runnable_docs import DocsError, localize, runnable_blocks

README = REPO_ROOT / "README.md"
DOCS = sorted((REPO_ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower-cased, punctuation dropped, spaces to hyphens."""
    slugs = set()
    for heading in re.findall(r"^#+\s+(.*)$", markdown, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        slugs.add(slug)
    return slugs


def test_readme_is_a_front_door() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    first_screen = "\n".join(text.splitlines()[:60])
    assert "make run" in first_screen
    assert "make test" in first_screen
    assert "make deploy" in first_screen
    assert "docs/architecture.svg" in text
    assert "docs/local-stack.svg" in text
    for page in DOCS:
        assert f"](docs/{page.name})" in text, f"README does not link {page.name}"


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda page: page.name)
def test_every_relative_link_resolves(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("{"):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name}: {target} does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file.read_text(encoding="utf-8")), f"{page.name}: {target}"


def test_marks_are_read_and_refused_when_wrong() -> None:
    markdown = "x\n<!-- runnable -->\n```sh\necho one\n```\n```sh\necho unmarked\n```\n"
    assert [block.text for block in runnable_blocks("p.md", markdown)] == ["echo one\n"]
    with pytest.raises(DocsError, match="must be followed"):
        runnable_blocks("p.md", "<!-- runnable -->\n```python\nprint()\n```\n")
    with pytest.raises(DocsError, match="never closed"):
        runnable_blocks("p.md", "<!-- runnable -->\n```sh\necho\n")


def test_every_page_marks_parse() -> None:
    for page in [README, *DOCS]:
        runnable_blocks(page.name, page.read_text(encoding="utf-8"))


def test_localize_points_the_defaults_at_the_stack_under_test() -> None:
    outputs = {
        "ApiUrl": "http://127.0.0.1:41000/local/",
        "SiteUrl": "http://127.0.0.1:41001/",
        "AwsEndpointUrl": "http://127.0.0.1:41002",
        "UserFilesS3Endpoint": "http://127.0.0.1:41003",
        "CognitoIdentityEndpoint": "http://127.0.0.1:41004",
    }
    text = "curl http://127.0.0.1:3000/local/health http://127.0.0.1:8080/ && cat .devstack/o.json"
    assert localize(text, outputs, Path("/state")) == (
        "curl http://127.0.0.1:41000/local/health http://127.0.0.1:41001/ && cat /state/o.json"
    )
