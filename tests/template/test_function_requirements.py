"""Each function's dependency set: named in the template, defined in pyproject.toml, exported.

The groups repeat names and bounds of `[project] dependencies` (what the local stack runs on), so
this holds them together: a bound changed in one place only, a runtime dependency no function
ships, or a function without a group would each drift silently otherwise. `make lock-check`
re-exports the files from uv.lock and fails on any difference.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tests.templates import TEMPLATE
from tools.requirements import FOLDER, function_groups

PYPROJECT = TEMPLATE.parent / "pyproject.toml"


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower().replace("_", "-")


def _lambda_groups() -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = tomllib.loads(PYPROJECT.read_text())["dependency-groups"]
    return {name: items for name, items in groups.items() if name.startswith("lambda-")}


def _flattened(group: str, groups: dict[str, list[Any]]) -> set[str]:
    items: set[str] = set()
    for item in groups[group]:
        if isinstance(item, dict):
            items |= _flattened(item["include-group"], groups)
        else:
            items.add(item)
    return items


def test_every_built_function_names_a_lambda_group() -> None:
    groups = function_groups()
    assert "TodosFunction" in groups
    assert set(groups.values()) <= set(_lambda_groups())


def test_groups_repeat_the_project_dependencies_exactly() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    groups = _lambda_groups()
    shipped = {item for name in groups for item in _flattened(name, groups)}
    assert shipped == set(project), "lambda-* groups and [project] dependencies differ"


def test_pillow_is_in_the_thumbnail_function_only() -> None:
    groups = _lambda_groups()
    with_pillow = {
        function
        for function, group in function_groups().items()
        if "pillow" in {_name(r) for r in _flattened(group, groups)}
    }
    assert with_pillow == {"ThumbnailFunction"}


def test_every_function_has_its_exported_requirements() -> None:
    for function, group in function_groups().items():
        path: Path = FOLDER / f"{function}.txt"
        assert path.exists(), f"{path.name}: run make requirements"
        assert f"dependency group `{group}`" in path.read_text()
    assert sorted(p.stem for p in FOLDER.glob("*.txt")) == sorted(function_groups())
