"""Markdown to sanitized HTML: markdown-it-py (raw HTML off) then Ammonia (nh3) as a second wall."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


class SafeMarkdown:
    """CommonMark with tables; raw HTML is escaped, and the output is sanitized anyway."""

    def __init__(self) -> None:
        self._md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

    def to_safe_html(self, markdown: str) -> str:
        """HTML with no script, event handler, style or javascript: URL."""
        rendered = self._md.render(markdown)
        return nh3.clean(
            rendered,
            tags=_ALLOWED_TAGS,
            attributes=_ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
