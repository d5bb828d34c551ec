"""The few HTML pages the API serves: where an email's link lands (confirm, unsubscribe).

A link opens a page; only its button changes anything, with a POST to the same URL (mail
scanners and link previews follow GETs, never forms). The page names no other origin, runs no
script, keeps the token out of any Referer, cannot be framed, and is never cached.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import Final

from fastapi.responses import HTMLResponse

STYLE: Final = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;background:#fafafa;"
    "color:#222}main{max-width:32rem;margin:auto;background:#fff;padding:1.5rem;"
    "border-radius:8px;box-shadow:0 1px 3px #0002}h1{font-size:1.4rem;margin-top:0}"
    "button{font:inherit;padding:.7rem 1.4rem;border:0;border-radius:6px;background:#1a5fb4;"
    "color:#fff;cursor:pointer;min-height:44px}"
)
_STYLE_HASH: Final = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
HEADERS: Final = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def page(
    title: str,
    message: str,
    *,
    button: str | None = None,
    fields: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A page with `message`, and a form whose button POSTs `fields` back to this very URL."""
    form = ""
    if button is not None:
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in (fields or {}).items()
        )
        # No action: the form posts to the page's own URL, token included (never echoed here).
        form = f'<form method="post">{hidden}<button type="submit">{escape(button)}</button></form>'

    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · MyBlog.com</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p>{form}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)
