"""Environments cloned by stage: samconfig.toml's stages live side by side in one account."""

from __future__ import annotations

import itertools
import re
import shlex
import tomllib
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.template.test_template import resolved

STAGES = ("dev", "staging", "prod")
# Properties that name a resource in the account (or region) rather than inside a parent.
NAME_KEYS = {
    "TableName", "BucketName", "FunctionName", "LogGroupName", "UserPoolName", "IdentityPoolName",
    "ClusterName", "EmailIdentity", "Name",
}  # fmt: skip
# Names scoped by something other than the account: unique within their parent only.
PARENT_SCOPED = {"AuthorsGroup", "Api"}  # a group in its pool; SAM's API Name is not unique
LIMITS = {"ClusterName": 20, "BucketName": 63, "FunctionName": 64, "TableName": 255}


@pytest.fixture(scope="module")
def samconfig() -> dict[str, Any]:
    with (REPO_ROOT / "samconfig.toml").open("rb") as handle:
        return tomllib.load(handle)


def overrides(samconfig: dict[str, Any], stage: str) -> dict[str, str]:
    text = samconfig[stage]["deploy"]["parameters"]["parameter_overrides"]
    return dict(item.split("=", 1) for item in shlex.split(text))


def account_names(
    template: dict[str, Any], parameters: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """`Resource.Property` -> (property, resolved name) for every account-wide name deployed."""
    names = {}
    for logical, resource in template["Resources"].items():
        condition = resource.get("Condition")
        deployed = not condition or resolved(
            template, {"Fn::If": [condition, True, False]}, parameters
        )
        if logical in PARENT_SCOPED or not deployed:
            continue
        for parent, key, value in _walk(resource.get("Properties", {})):
            # `Name` names the resource at the top level or in a `...Config` object, not in
            # lists such as a user pool's schema or its recovery mechanisms.
            scoped = key != "Name" or parent in ("", "*Config")
            # A literal or !Sub creates a name; a !Ref (a function's name, say) points at one.
            created = isinstance(value, str) or (isinstance(value, dict) and "Fn::Sub" in value)
            if key in NAME_KEYS and scoped and created:
                names[f"{logical}.{key}"] = (key, str(resolved(template, value, parameters)))
    return names


def _is_intrinsic(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)).startswith(("Ref", "Fn::"))
    )


def _walk(value: Any, parent: str = "") -> list[tuple[str, str, Any]]:
    """(parent kind, key, value) below `value`, outside events, policies and environments.

    The parent kind is "" at the top, "*Config" inside a `...Config` object, else "nested".
    """
    found: list[tuple[str, str, Any]] = []
    if isinstance(value, dict) and not _is_intrinsic(value):
        for key, child in value.items():
            if key not in {"Events", "Policies", "Environment"}:
                found.append((parent, key, child))
                found += _walk(child, "*Config" if key.endswith("Config") else "nested")
    elif isinstance(value, list):
        for child in value:
            found += _walk(child, "nested")
    return found


def test_every_stage_derives_its_stack_and_artifacts_from_its_name(
    samconfig: dict[str, Any], template: dict[str, Any]
) -> None:
    deployable = {
        name
        for name, section in samconfig.items()
        if isinstance(section, dict) and "deploy" in section
    }
    assert deployable == set(STAGES)
    for stage in STAGES:
        deploy = samconfig[stage]["deploy"]["parameters"]
        assert deploy["stack_name"] == f"serverless-reference-{stage}"
        assert deploy["s3_prefix"] == f"serverless-reference-{stage}"
        params = overrides(samconfig, stage)
        assert params["Stage"] == stage
        assert set(params) <= set(template["Parameters"]), stage
        pattern = template["Parameters"]["Stage"]["AllowedPattern"]
        assert re.fullmatch(pattern, stage)
        for name, value in params.items():
            allowed = template["Parameters"][name].get("AllowedValues")
            assert allowed is None or value in [str(v) for v in allowed], (stage, name)
    assert samconfig["prod"]["deploy"]["parameters"]["confirm_changeset"] is True


def test_stages_side_by_side_in_one_account_share_no_name(
    samconfig: dict[str, Any], template: dict[str, Any]
) -> None:
    by_stage = {stage: account_names(template, overrides(samconfig, stage)) for stage in STAGES}
    assert len(by_stage["dev"]) >= 20  # the walk finds the template's names
    for stage, names in by_stage.items():
        for resource, (_, name) in names.items():
            assert stage in name or resource == "SenderIdentity.EmailIdentity", (stage, resource)
    for first, second in itertools.combinations(STAGES, 2):
        shared = {n for _, n in by_stage[first].values()} & {
            n for _, n in by_stage[second].values()
        }
        assert not shared, (first, second, shared)


def test_only_one_stage_creates_the_account_wide_sender_identity(
    samconfig: dict[str, Any],
) -> None:
    creators = [s for s in STAGES if overrides(samconfig, s)["CreateSenderIdentity"] == "true"]
    assert creators == ["dev"]


def test_the_longest_stage_name_fits_every_name_limit(template: dict[str, Any]) -> None:
    longest = "s" * 14
    assert re.fullmatch(template["Parameters"]["Stage"]["AllowedPattern"], longest)
    assert not re.fullmatch(template["Parameters"]["Stage"]["AllowedPattern"], longest + "s")
    names = account_names(template, {"Stage": longest, "EnableDax": "true"})
    checked = 0
    for resource, (key, name) in names.items():
        if key in LIMITS:
            assert len(name) <= LIMITS[key], (resource, name)
            checked += 1
    assert checked >= 15
