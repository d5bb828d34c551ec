"""Archive pages: every post reachable without JavaScript, by month, newest first."""

from __future__ import annotations

import calendar
from collections import defaultdict
from html import escape
from typing import Final

from app.domain.posts import Post
from app.site.layout import ARCHIVE_PATH, SITE_NAME, PageMeta, page
from app.site.pages import post_list

ARCHIVE_INDEX: Final = "archive/index.html"


def month_of(post: Post) -> str:
    """The archive month a post is listed in: `YYYY/MM` of its publication (UTC)."""
    return f"{post.published_at:%Y/%m}"


def month_path(month: str) -> str:
    """Where a month's page is stored (served at `/archive/YYYY/MM/`)."""
    return f"archive/{month}/index.html"


def month_url(month: str) -> str:
    """A month's page as readers link it."""
    return f"{ARCHIVE_PATH}{month}/"


def by_month(posts: list[Post]) -> dict[str, list[Post]]:
    """Posts grouped by month, newest month first, each month's posts newest first."""
    months: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        months[month_of(post)].append(post)
    return {
        month: sorted(months[month], key=lambda p: (p.published_at, p.slug), reverse=True)
        for month in sorted(months, reverse=True)
    }


def _month_name(month: str) -> str:
    year, number = month.split("/")
    return f"{calendar.month_name[int(number)]} {year}"


def render_archive_index(site_url: str, months: dict[str, list[Post]]) -> str:
    """The archive's front page: years, and each year's months with their post counts."""
    years: dict[str, list[str]] = defaultdict(list)
    for month in months:  # newest first
        years[month.split("/")[0]].append(month)
    sections = "\n".join(
        f'<section aria-labelledby="y{year}"><h2 id="y{year}">{year}</h2><ul>\n'
        + "\n".join(
            f'<li><a href="{month_url(m)}">{_month_name(m)}</a> ({len(months[m])} '
            f"post{'s' if len(months[m]) != 1 else ''})</li>"
            for m in year_months
        )
        + "\n</ul></section>"
        for year, year_months in years.items()
    )
    main = f"<h1>Archive</h1>\n{sections or '<p>No posts yet.</p>'}"
    meta = PageMeta(f"Archive | {SITE_NAME}", f"Every post on {SITE_NAME}, by month.", ARCHIVE_PATH)
    return page(site_url, meta, main)


def render_archive_month(site_url: str, month: str, posts: list[Post]) -> str:
    """Every post of one month, newest first."""
    name = _month_name(month)
    main = f"""<h1>Posts of {escape(name)}</h1>
<ol class="posts">
{post_list(posts)}
</ol>
<p><a href="{ARCHIVE_PATH}">All months</a> · <a href="/">Home</a></p>"""
    meta = PageMeta(
        f"{name} | {SITE_NAME}", f"Posts published on {SITE_NAME} in {name}.", month_url(month)
    )
    return page(site_url, meta, main)
