"""Where a function's code is run from: its `sam build` artifact when that is current, else source.

The artifact is what Lambda runs (only the function's locked dependencies, unchecked-hash .pyc, no
local stack); a bare interpreter imports it. When it is missing or older than the source, the
source folder runs instead, with the development environment's packages.
"""

from __future__ import annotations

from pathlib import Path

from app.devstack.functions.worker import CodeLocation
from app.devstack.provisioning.model import FunctionSpec

# Files of the local stack itself: never part of a function's artifact (src/Makefile drops them).
LOCAL_ONLY = ("app/devstack/",)


def newest_source(folder: Path) -> float:
    """The latest modification time of the Python files a function's artifact is built from."""
    newest = 0.0
    for path in folder.rglob("*.py"):
        relative = path.relative_to(folder).as_posix()
        if not relative.startswith(LOCAL_ONLY) and "__pycache__" not in relative:
            newest = max(newest, path.stat().st_mtime)
    return newest


def locate_code(spec: FunctionSpec, project: Path, build: Path | None) -> CodeLocation:
    """The artifact under `build` (sam build's folder) if built after the last source change."""
    if spec.code_uri is None:
        raise ValueError(f"{spec.logical_id} has inline code: it runs only on AWS")
    source = (project / spec.code_uri).resolve()
    if build is not None:
        artifact = build / spec.logical_id
        marker = artifact / spec.handler.rpartition(".")[0].replace(".", "/")
        built = marker.with_suffix(".py")
        if built.exists() and built.stat().st_mtime >= newest_source(source):
            return CodeLocation(artifact.resolve(), built=True)
    return CodeLocation(source, built=False)
