"""A little DOT writer: quoting, HTML-like labels, and the house style both pictures share."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "Helvetica"
MONO = "Courier"


def quote(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attributes(**values: str | float) -> str:
    """`[a="x", b=1]` in the order given (callers pass them in a fixed order)."""
    parts = []
    for key, value in values.items():
        if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            parts.append(f"{key}={value}")  # an HTML-like label
        else:
            parts.append(f"{key}={quote(str(value))}")
    return "[" + ", ".join(parts) + "]"


def row(markup: str, size: int = 0, colour: str = "", face: str = "") -> str:
    """One left-aligned row of an HTML-like table label (`markup` is already escaped)."""
    font = "".join(
        f" {name}='{value}'"
        for name, value in (("face", face), ("point-size", size), ("color", colour))
        if value
    )
    content = f"<font{font}>{markup}</font>" if font else markup
    return f"<tr><td align='left'>{content}</td></tr>"


def html_label(
    title: str, caption: str = "", lines: Sequence[str] = (), mono: Sequence[str] = ()
) -> str:
    """A node label: a bold title, a small grey caption, plain lines, then monospace lines."""
    rows = [row(f"<b>{escape(title)}</b>")]
    if caption:
        rows.append(row(escape(caption), 11, "#455a64"))
    rows += [row(escape(line), 11) for line in lines]
    rows += [row(escape(line), 11, face=MONO) for line in mono]
    return table(rows)


def table(rows: Sequence[str], border: int = 0, colour: str = "#b0bec5", padding: int = 1) -> str:
    """An HTML-like label holding `rows`."""
    frame = f"border='{border}' color='{colour}'" if border else "border='0'"
    cells = f"cellborder='0' cellspacing='0' cellpadding='{padding}'"
    return f"<<table {frame} {cells}>{''.join(rows)}</table>>"


def header(name: str, title: str, ranksep: float = 0.75) -> list[str]:
    """The graph's opening lines: left to right, white, legible at README width."""
    return [
        f"digraph {name} {{",
        "  graph "
        + attributes(
            rankdir="LR",
            bgcolor="white",
            fontname=FONT,
            fontsize=18,
            label=title,
            labelloc="t",
            labeljust="l",
            nodesep=0.18,
            ranksep=ranksep,
            newrank="true",
            pad=0.2,
        )
        + ";",
        "  node "
        + attributes(
            shape="box",
            style="rounded,filled",
            fontname=FONT,
            fontsize=13,
            margin="0.10,0.05",
            penwidth=1.2,
        )
        + ";",
        "  edge " + attributes(fontname=FONT, fontsize=11, arrowsize=0.7, penwidth=1.1) + ";",
    ]


def cluster(name: str, label: str, color: str, body: list[str]) -> list[str]:
    """A labelled box around `body` (node lines)."""
    return [
        f"  subgraph cluster_{name} {{",
        "    graph "
        + attributes(
            label=label,
            style="rounded,filled",
            color=color,
            fillcolor="#fafafa",
            fontsize=15,
            fontcolor="#263238",
            margin=10,
        )
        + ";",
        *[f"  {line}" for line in body],
        "  }",
    ]
