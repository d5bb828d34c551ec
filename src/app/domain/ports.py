"""Ports: what the domain needs from the outside world, as Protocols."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.domain.metering import KeyHistory, Usage, UsageChange
    from app.domain.posts import Post
    from app.domain.todos import Page, PageRequest, Todo


class TodoRepository(Protocol):
    """Stores to-dos partitioned by owner; never scans across owners."""

    def add(self, todo: Todo) -> None:
        """Insert a new to-do (its id is new)."""

    def get(self, owner_id: str, todo_id: str) -> Todo | None:
        """Return the owner's to-do, or None."""

    def list(self, owner_id: str, page: PageRequest) -> Page:
        """Return one page of the owner's to-dos, newest first."""

    def replace(self, todo: Todo, *, expected_version: int) -> None:
        """Overwrite the to-do if the stored version is `expected_version`, else VersionConflict."""

    def delete(self, owner_id: str, todo_id: str, *, expected_version: int | None) -> bool:
        """Delete; False when absent. With `expected_version`, VersionConflict when stale."""


class IdGenerator(Protocol):
    """Makes identifiers that sort by creation time."""

    def new_id(self) -> str:
        """Return a new, unique, time-ordered id."""


class Clock(Protocol):
    """Tells the current time, so tests can fix it."""

    def now(self) -> dt.datetime:
        """Return the current UTC time."""


class IdentityDirectory(Protocol):
    """Maps a signed-in user to their identity-pool identity id."""

    def identity_id(self, user_id: str, id_token: str) -> str:
        """The stable identity id of the user who holds `id_token`."""


class PostRepository(Protocol):
    """Stores posts by slug, listable newest first."""

    def add(self, post: Post) -> None:
        """Insert; SlugTaken when the slug exists."""

    def get(self, slug: str) -> Post | None:
        """The post, or None."""

    def list(
        self, limit: int, start_after: dict[str, str] | None
    ) -> tuple[list[Post], dict[str, str] | None]:
        """One page newest first, and the marker of the next page."""

    def replace(self, post: Post, *, expected_version: int) -> None:
        """Overwrite if the stored version is `expected_version`, else VersionConflict."""

    def delete(self, slug: str, *, expected_version: int | None) -> bool:
        """Delete; False when absent; VersionConflict when stale."""


class MarkdownRenderer(Protocol):
    """Turns Markdown into HTML that can run no script in a reader's browser."""

    def to_safe_html(self, markdown: str) -> str:
        """Sanitized HTML."""


class UsageReader(Protocol):
    """Reads what the storage meter recorded of an identity's folder."""

    def usage(self, identity_id: str) -> Usage:
        """The identity's totals (zeros when nothing is recorded), strongly consistent."""


class UsageLedger(UsageReader, Protocol):
    """The storage meter's records: each key's versions and each identity's totals."""

    def history(self, identity_id: str, key: str) -> KeyHistory:
        """What is recorded of the key (an empty history with revision 0 when nothing)."""

    def record(self, identity_id: str, key: str, history: KeyHistory, change: UsageChange) -> None:
        """Store the key's history and apply `change` to the totals, both or neither.

        KeyChanged when the stored history's revision is no longer `history.revision`;
        UsageBoundReached when a total is past the bound `change` names.
        """


class VersionRemover(Protocol):
    """Deletes object versions for good (the user-files bucket)."""

    def remove(self, key: str, version_id: str) -> None:
        """Permanently delete that version of the key; nothing when it is already gone."""
