"""Safe deploys: every function is published behind the alias `live` that its callers invoke;
in prod the API functions take a tenth of the traffic for five minutes first and roll back when
their alarms fire; everything else, and every other stage, deploys at once (still rolled back
on an alarm)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.template.test_operations import api_functions, covered
from tests.template.test_template import resolved

ALIAS = "live"
CANARY = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
AT_ONCE = "CodeDeployDefault.LambdaAllAtOnce"


def sam_functions(template: dict[str, Any]) -> list[str]:
    resources = template["Resources"]
    return sorted(n for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function")


def deployed(template: dict[str, Any]) -> list[str]:
    """Functions CodeDeploy moves: all but its own hooks (deployed as they are)."""
    return [
        name
        for name in sam_functions(template)
        if effective(template, name, "DeploymentPreference").get("Enabled", True) is not False
    ]


def effective(template: dict[str, Any], name: str, key: str) -> Any:
    """A function's setting with Globals merged in, as SAM merges it (maps key by key)."""
    own = template["Resources"][name]["Properties"].get(key)
    default = template.get("Globals", {}).get("Function", {}).get(key)
    if isinstance(own, dict) and isinstance(default, dict):
        return {**default, **own}
    return default if own is None else own


def test_every_function_is_published_behind_the_live_alias(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    resources = translated["Resources"]
    for name in sam_functions(template):
        assert effective(template, name, "AutoPublishAlias") == ALIAS, name
        alias = resources[f"{name}Alias{ALIAS}"]
        assert alias["Type"] == "AWS::Lambda::Alias"
        assert alias["Properties"]["Name"] == ALIAS


def test_api_routes_and_event_sources_invoke_the_alias(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    """What CodeDeploy shifts is what callers reach: never $LATEST or a fixed version."""
    resources = translated["Resources"]
    functions = set(sam_functions(template))
    for name, resource in resources.items():
        props = resource.get("Properties", {})
        invokes = resource["Type"] == "AWS::Lambda::EventSourceMapping" or (
            # Secrets Manager's rotation calls the function by its ARN ($LATEST).
            resource["Type"] == "AWS::Lambda::Permission" and name != "SigningKeyRotationPermission"
        )
        if not invokes:
            continue
        target = props["FunctionName"]
        assert isinstance(target, dict), name
        assert target.get("Ref", "").removesuffix(f"Alias{ALIAS}") in functions, (name, target)
        assert target["Ref"].endswith(f"Alias{ALIAS}"), (name, target)


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_prod_shifts_api_traffic_as_a_canary_and_everything_else_deploys_at_once(
    template: dict[str, Any], translated: dict[str, Any], stage: str
) -> None:
    api = api_functions(template)
    for name in deployed(template):
        group = translated["Resources"][f"{name}DeploymentGroup"]["Properties"]
        config = resolved(translated, group["DeploymentConfigName"], {"Stage": stage})
        expected = CANARY if stage == "prod" and name in api else AT_ONCE
        assert config == expected, (stage, name)
        assert group["AutoRollbackConfiguration"]["Enabled"] is True
        assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]


def test_each_deployment_rolls_back_on_the_functions_own_alarms(template: dict[str, Any]) -> None:
    watches = {
        metric: covered(template, "AWS/Lambda", metric, "FunctionName")
        for metric in ("Errors", "Throttles", "Duration")
    }
    resources = template["Resources"]
    for name in deployed(template):
        alarms = {a["Ref"] for a in effective(template, name, "DeploymentPreference")["Alarms"]}
        own = {
            alarm
            for alarm in alarms
            if resources[alarm]["Properties"].get("Dimensions")
            == [{"Name": "FunctionName", "Value": {"Ref": name}}]
        }
        metrics = {resources[alarm]["Properties"]["MetricName"] for alarm in own}
        assert {"Errors", "Throttles"} <= metrics, name
        assert all(name in watches[m] for m in metrics if m in watches)
        if name in api_functions(template):
            # An app error is a 500 answer, not a failed invocation: the stage's 5xx rate and
            # the service's latency roll an API canary back too.
            assert "Duration" in metrics, name
            assert "Api5xxAlarm" in alarms, name


def test_the_todos_function_is_checked_before_traffic_by_a_hook_codedeploy_may_invoke(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    assert deployed(template) == sorted(
        set(sam_functions(template)) - {"PreTrafficHealthCheckFunction"}
    )
    hook = template["Resources"]["PreTrafficHealthCheckFunction"]["Properties"]
    # AWSCodeDeployRoleForLambda invokes only functions named CodeDeployHook_*.
    assert hook["FunctionName"]["Fn::Sub"].startswith("CodeDeployHook_")
    assert hook["Environment"]["Variables"]["TARGET_VERSION"] == {"Ref": "TodosFunction.Version"}
    alias = translated["Resources"][f"TodosFunctionAlias{ALIAS}"]
    update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    assert update["BeforeAllowTrafficHook"] == {"Ref": "PreTrafficHealthCheckFunction"}
    # It reaches exactly the new version and reports to exactly that deployment group.
    role = translated["Resources"]["PreTrafficHealthCheckFunctionRole"]["Properties"]
    (policy,) = role["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert statements["InvokeTheNewVersion"]["Resource"] == {
        "Ref": alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    }
    assert "${TodosFunctionDeploymentGroup}" in statements["ReportTheCheck"]["Resource"]["Fn::Sub"]
