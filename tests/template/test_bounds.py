"""Bounds only deployment would otherwise enforce: every parameter is constrained and its default
meets the constraint; every function setting is within Lambda's quotas, through `!Ref`s too.

cfn-lint does not hold these: its Lambda schema allows MemorySize up to 32,768 and Timeout up to
5,400 (Lambda Managed Instances), and it does not check a parameter's default against the enum of
the property the parameter is passed to. Each check below is proven on a planted mistake.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from importlib import resources
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.conftest import REPO_ROOT
from tests.templates import TEMPLATE, WEB_ACL_TEMPLATE, candidates, planted, translate
from updates.edge import UPDATES_TEMPLATE

# Lambda quotas (Lambda developer guide, "Lambda quotas",
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): memory 128 to
# 10,240 MB, timeout 900 s (15 minutes), /tmp 512 to 10,240 MB. (The CloudFormation
# EphemeralStorage page gives the same 512..10240.) Values here are for on-demand functions.
BOUNDS = {"MemorySize": (128, 10_240), "Timeout": (1, 900), "EphemeralStorage.Size": (512, 10_240)}
LAMBDA_DEFAULTS = {"MemorySize": 128, "Timeout": 3}
# API Gateway REST integrations time out after 29 s unless the integration's timeout is raised
# (Regional and private APIs, since 2024: "Quotas for configuring and running a REST API in API
# Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html);
# SAM's Api event sets it as TimeoutInMillis. A function slower than that answers nobody.
API_TIMEOUT_SECONDS = 29
RUNTIME = "python3.13"
ARCHITECTURES = ({"x86_64"}, {"arm64"})
TEMPLATES = {
    "template.yaml": TEMPLATE,
    "updates/template.yaml": UPDATES_TEMPLATE,
    "ops/web-acl.yaml": WEB_ACL_TEMPLATE,
}


def violations(parameter: dict[str, Any], value: Any) -> list[str]:
    """What CloudFormation would refuse about `value` for this parameter."""
    text, kind = str(value), parameter["Type"]
    items = text.split(",") if kind == "CommaDelimitedList" else [text]
    problems = []
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return [f"{text!r} is not a number"]
        if number < float(parameter.get("MinValue", number)):
            problems.append(f"{text} < MinValue {parameter['MinValue']}")
        if number > float(parameter.get("MaxValue", number)):
            problems.append(f"{text} > MaxValue {parameter['MaxValue']}")
    if "AllowedValues" in parameter:
        allowed = [str(v) for v in parameter["AllowedValues"]]
        problems += [f"{item!r} not in AllowedValues" for item in items if item not in allowed]
    pattern = parameter.get("AllowedPattern")
    problems += [
        f"{item!r} does not match {pattern}"
        for item in items
        if pattern is not None and not re.fullmatch(pattern, item)
    ]
    if not int(parameter.get("MinLength", 0)) <= len(text) <= int(parameter.get("MaxLength", 4096)):
        problems.append(f"{text!r} is outside MinLength/MaxLength")
    return problems


def parameter_findings(template: dict[str, Any]) -> list[str]:
    """Parameters a deployer could set to anything, and defaults their own constraint refuses."""
    findings = []
    for name, parameter in template.get("Parameters", {}).items():
        kind = parameter["Type"]
        bounded = (
            "AllowedValues" in parameter
            or kind.startswith("AWS::")  # CloudFormation checks these against the account
            or (kind == "Number" and {"MinValue", "MaxValue"} <= set(parameter))
            or (kind in ("String", "CommaDelimitedList") and "AllowedPattern" in parameter)
        )
        if not bounded:
            findings.append(f"{name}: no AllowedValues, AllowedPattern or MinValue and MaxValue")
        if "Default" in parameter:
            problems = violations(parameter, parameter["Default"])
            findings += [f"{name} default: {problem}" for problem in problems]
    return findings


def setting_findings(template: dict[str, Any], where: str, props: dict[str, Any]) -> list[str]:
    """Settings of one function (or of Globals.Function) outside Lambda's quotas."""
    findings = []
    for key, (low, high) in BOUNDS.items():
        name, _, field = key.partition(".")
        setting = props.get(name)
        if field and isinstance(setting, dict) and field in setting:
            setting = setting[field]
        for value in candidates(template, setting):
            if not (isinstance(value, int | str) and str(value).isdigit()):
                findings.append(f"{where}.{key}: {value!r} cannot be bounded")
            elif not low <= int(value) <= high:
                findings.append(f"{where}.{key}: {value} outside {low}..{high}")
    for value in candidates(template, props.get("ReservedConcurrentExecutions")):
        if not str(value).isdigit():  # a negative number, or not a number
            findings.append(f"{where}.ReservedConcurrentExecutions: {value!r} is not >= 0")
    if "Runtime" in props and candidates(template, props["Runtime"]) != [RUNTIME]:
        findings.append(f"{where}.Runtime: {props['Runtime']!r}, not {RUNTIME}")
    if "Architectures" in props and set(props["Architectures"]) not in ARCHITECTURES:
        findings.append(f"{where}.Architectures: {props['Architectures']!r}")
    return findings


def function_findings(template: dict[str, Any]) -> list[str]:
    """Every function's settings (SAM's, Globals', and plain Lambda functions'), effective runtime,
    and an API function's timeout against API Gateway's."""
    defaults = template.get("Globals", {}).get("Function", {})
    findings = setting_findings(template, "Globals.Function", defaults)
    for name, resource in template["Resources"].items():
        if resource["Type"] not in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            continue
        props = resource["Properties"]
        findings += setting_findings(template, name, props)
        inherited = defaults if resource["Type"] == "AWS::Serverless::Function" else {}
        effective = {**LAMBDA_DEFAULTS, **inherited, **props}
        if effective.get("Runtime") != RUNTIME:
            findings.append(f"{name}: runs {effective.get('Runtime')!r}, not {RUNTIME}")
        api = [e["Properties"] for e in props.get("Events", {}).values() if e["Type"] == "Api"]
        waits = [int(e.get("TimeoutInMillis", API_TIMEOUT_SECONDS * 1000)) // 1000 for e in api]
        limit = min(waits, default=BOUNDS["Timeout"][1])
        for value in candidates(template, effective["Timeout"]):
            if str(value).isdigit() and int(value) > limit:
                findings.append(f"{name}.Timeout: {value} s, but API Gateway waits {limit} s")
    return findings


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_parameter_is_bounded_and_its_default_within(name: str) -> None:
    assert parameter_findings(load_template(TEMPLATES[name])) == []


def test_every_stages_overrides_are_within_the_parameters_bounds(template: dict[str, Any]) -> None:
    with (REPO_ROOT / "samconfig.toml").open("rb") as handle:
        samconfig = tomllib.load(handle)
    stages = [s for s in samconfig.values() if isinstance(s, dict) and "deploy" in s]
    assert len(stages) == 3
    for section in stages:
        text = section["deploy"]["parameters"]["parameter_overrides"]
        for name, value in (item.split("=", 1) for item in shlex.split(text)):
            assert violations(template["Parameters"][name], value) == [], (name, value)


def test_dax_node_types_are_ones_dax_offers(template: dict[str, Any]) -> None:
    """Held to the AWS Price List's DAX node types in the stacks' region, as cfn-lint ships it."""
    table = resources.files("cfnlint.data.schemas.extensions.aws_dax_cluster")
    offered = json.loads((table / "nodetype_enum.json").read_text())["us-east-1"]["enum"]
    allowed = template["Parameters"]["DaxNodeType"]["AllowedValues"]
    assert set(allowed) <= set(offered)
    assert {"dax.t3.small", "dax.r5.large"} <= set(allowed)


def test_every_function_setting_is_within_lambdas_quotas(template: dict[str, Any]) -> None:
    assert function_findings(template) == []
    assert function_findings(translate(template)) == []  # Globals merged, as deployed


def test_the_parameter_checks_catch_planted_mistakes(template: dict[str, Any]) -> None:
    wrong_default = planted(template, "Parameters.DaxNodeType.Default", "dax.t3.huge")
    assert parameter_findings(wrong_default) == [
        "DaxNodeType default: 'dax.t3.huge' not in AllowedValues"
    ]
    unbounded = planted(template, "Parameters.DaxItemTtlMillis", {"Type": "Number", "Default": 1})
    assert parameter_findings(unbounded) == [
        "DaxItemTtlMillis: no AllowedValues, AllowedPattern or MinValue and MaxValue"
    ]
    free_text = planted(template, "Parameters.SenderAddress", {"Type": "String", "Default": "x"})
    assert [f.split(":")[0] for f in parameter_findings(free_text)] == ["SenderAddress"]
    below = planted(template, "Parameters.DaxItemTtlMillis.Default", 0)
    assert parameter_findings(below) == ["DaxItemTtlMillis default: 0 < MinValue 1"]


@pytest.mark.parametrize(
    ("path", "value", "finding"),
    [
        ("PostsFunction.Properties.MemorySize", 20000, "PostsFunction.MemorySize: 20000 outside"),
        ("Globals.Function.MemorySize", 20000, "Globals.Function.MemorySize: 20000 outside"),
        ("PostsFunction.Properties.MemorySize", {"Fn::If": ["DaxEnabled", 20000, 512]}, "20000"),
        ("ThumbnailFunction.Properties.Timeout", 901, "ThumbnailFunction.Timeout: 901 outside"),
        ("PostsFunction.Properties.Timeout", 60, "PostsFunction.Timeout: 60 s, but API Gateway"),
        ("PostsFunction.Properties.EphemeralStorage", {"Size": 256}, "Size: 256 outside"),
        ("PostsFunction.Properties.ReservedConcurrentExecutions", -1, "is not >= 0"),
        ("PostsFunction.Properties.Runtime", "python3.12", "'python3.12', not python3.13"),
        ("PostsFunction.Properties.Architectures", ["arm64", "x86_64"], "Architectures"),
    ],
)
def test_the_function_checks_catch_planted_mistakes(
    template: dict[str, Any], path: str, value: Any, finding: str
) -> None:
    full = path if path.startswith("Globals") else f"Resources.{path}"
    findings = function_findings(planted(template, full, value))
    assert any(finding in f for f in findings), findings


def test_a_setting_from_a_parameter_is_held_to_the_parameters_range(
    template: dict[str, Any],
) -> None:
    memory = {"Type": "Number", "Default": 1024, "MinValue": 128, "MaxValue": 20000}
    mutated = planted(template, "Parameters.PostsMemory", memory)
    memory_ref = {"Ref": "PostsMemory"}
    mutated = planted(mutated, "Resources.PostsFunction.Properties.MemorySize", memory_ref)
    assert function_findings(mutated) == ["PostsFunction.MemorySize: 20000 outside 128..10240"]


def test_an_api_function_may_run_longer_when_its_integration_waits_longer(
    template: dict[str, Any],
) -> None:
    mutated = planted(template, "Resources.PostsFunction.Properties.Timeout", 60)
    for event in mutated["Resources"]["PostsFunction"]["Properties"]["Events"].values():
        event["Properties"]["TimeoutInMillis"] = 60_000
    assert function_findings(mutated) == []
