"""SnapStart on the API functions: published versions behind an alias, and nothing calls $LATEST.

SnapStart applies to published versions only (AWS docs, "Improving startup performance with
Lambda SnapStart"), so an event source that invoked the unqualified function would run the slow,
un-snapshotted $LATEST. SAM points a function's events at its AutoPublishAlias; the translation
shows it for every permission and every API Gateway integration.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.templates import translate

API_HANDLER = "app.handlers.api.handler"


@pytest.fixture(scope="module")
def translated(template: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = translate(template)["Resources"]
    return resources


def _api_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: r["Properties"]
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
        and r["Properties"].get("Handler") == API_HANDLER
    }


def test_every_api_function_publishes_snapstart_versions_behind_an_alias(
    template: dict[str, Any],
) -> None:
    functions = _api_functions(template)
    assert "TodosFunction" in functions
    for name, props in functions.items():
        assert props.get("SnapStart") == {"ApplyOn": "PublishedVersions"}, name
        assert props.get("AutoPublishAlias") == "live", name
        # a new version (and snapshot) for any change, environment included
        assert props.get("AutoPublishAliasAllProperties") is True, name
        # SnapStart does not support EFS or ephemeral storage over 512 MB
        assert "FileSystemConfigs" not in props, name
        assert props.get("EphemeralStorage", {}).get("Size", 512) <= 512, name
        assert "ProvisionedConcurrencyConfig" not in props, name


def test_every_event_source_targets_the_alias(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    functions = set(_api_functions(template))
    permissions = [
        r["Properties"]["FunctionName"]
        for r in translated.values()
        if r["Type"] == "AWS::Lambda::Permission"
        and any(json.dumps(r["Properties"]["FunctionName"]).find(f'"{f}') >= 0 for f in functions)
    ]
    assert permissions
    assert all(p == {"Ref": p["Ref"]} and p["Ref"].endswith("Aliaslive") for p in permissions)
    body = json.dumps(translated["Api"]["Properties"]["Body"])
    targets = set(re.findall(r"functions/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}", body))
    assert targets == {f"{name}Aliaslive" for name in functions}
