"""Write or check the committed pictures (docs/*.svg), or print one's DOT.

    python -m tools.diagrams write          # docs/architecture.svg and docs/local-stack.svg
    python -m tools.diagrams check          # fail when a committed picture differs from now's
    python -m tools.diagrams dot NAME       # the DOT text of one (architecture, local-stack)

DOT comes from template.yaml and the local stack's code; Graphviz (compiled to WebAssembly, npm
package pinned in tools/diagrams/package-lock.json) renders it: `npm ci --prefix tools/diagrams`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app.devstack.provisioning.intrinsics import load_template
from tools.diagrams.architecture import architecture_dot
from tools.diagrams.local_stack import local_stack_dot

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TEMPLATE = ROOT / "template.yaml"
DOCS = ROOT / "docs"
PICTURES: dict[str, Callable[[], str]] = {
    "architecture": lambda: architecture_dot(load_template(TEMPLATE)),
    "local-stack": lambda: local_stack_dot(load_template(TEMPLATE)),
}


def render(dot: str) -> str:
    """SVG of `dot`, by render.mjs (the same DOT always gives the same bytes)."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node (Node.js 20 or later) is needed to render the pictures")
    result = subprocess.run(
        [node, str(HERE / "render.mjs")], input=dot, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"rendering failed: {result.stderr.strip()}")
    return result.stdout


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status."""
    command = argv[0] if argv else ""
    if command == "dot" and len(argv) == 2 and argv[1] in PICTURES:
        sys.stdout.write(PICTURES[argv[1]]())
        return 0
    if command not in ("write", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    stale = []
    for name, build in sorted(PICTURES.items()):
        path = DOCS / f"{name}.svg"
        svg = render(build())
        if command == "write":
            path.write_text(svg, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
        elif not path.exists() or path.read_text(encoding="utf-8") != svg:
            stale.append(str(path.relative_to(ROOT)))
    if stale:
        print(
            f"{', '.join(stale)}: not what template.yaml and the local stack's code draw now; "
            "run `make diagrams` and commit the result",
            file=sys.stderr,
        )
        return 1
    if command == "check":
        print("diagrams: in sync with template.yaml and the local stack")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
