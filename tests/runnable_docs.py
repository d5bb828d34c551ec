"""The shell blocks of docs/*.md marked as runnable, and how to run them against a local stack.

A block is runnable when the line before its opening fence is `<!-- runnable -->` (invisible on
GitHub) and its fence says `sh`. The blocks of one page run in order, in one `bash` with
`set -euo pipefail`, from the repository's root, as a reader pastes them after `make run`. They
name `make run`'s default ports and `.devstack/`; `localize` points those at the stack under test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from app.devstack.config import StackConfig

MARKER = "<!-- runnable -->"
FENCE = re.compile(r"^(```+|~~~+)\s*(\S*)")


class DocsError(ValueError):
    """A page whose runnable marks cannot be read."""


@dataclass(frozen=True)
class Block:
    """One runnable shell block: where it starts (1-based line of its fence) and its text."""

    page: str
    line: int
    text: str


def runnable_blocks(page: str, markdown: str) -> list[Block]:
    """Every block of `markdown` marked runnable, in order; a mark that is not followed by a
    `sh` fence, or a fence never closed, is an error (a block silently skipped proves nothing)."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != MARKER:
            index += 1
            continue
        opening = FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if opening is None or opening.group(2) != "sh":
            raise DocsError(f"{page}:{index + 1}: {MARKER} must be followed by a ```sh block")
        fence = opening.group(1)
        end = index + 2
        while end < len(lines) and not lines[end].startswith(fence):
            end += 1
        if end == len(lines):
            raise DocsError(f"{page}:{index + 2}: the block is never closed")
        blocks.append(Block(page, index + 2, "\n".join(lines[index + 2 : end]) + "\n"))
        index = end + 1
    return blocks


def localize(text: str, outputs: dict[str, str], state_dir: Path) -> str:
    """The block as it runs against the stack of `outputs`: `make run`'s default ports replaced
    by that stack's, and `.devstack/` by its state folder (`make user` and the other targets find
    it through DEVSTACK_DIR)."""
    default = StackConfig(state_dir=Path(".devstack"))
    ports = {
        default.api_port: _port(outputs["ApiUrl"]),
        default.site_port: _port(outputs["SiteUrl"]),
        default.emulator_port: _port(outputs["AwsEndpointUrl"]),
        default.user_files_port: _port(outputs["UserFilesS3Endpoint"]),
        default.identity_port: _port(outputs["CognitoIdentityEndpoint"]),
    }
    localized = re.sub(
        r"127\.0\.0\.1:(\d+)",
        lambda match: f"127.0.0.1:{ports.get(int(match.group(1)), int(match.group(1)))}",
        text,
    )
    return re.sub(r"(?<![\w/.])\.devstack/", f"{state_dir}/", localized)


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None, url
    return port


def script(blocks: list[Block]) -> str:
    """One bash script of a page's blocks: stop at the first failing command."""
    parts = ["set -euo pipefail"]
    for block in blocks:
        parts.append(f"echo '--- {block.page}:{block.line}' >&2")
        parts.append(block.text)
    return "\n".join(parts)
