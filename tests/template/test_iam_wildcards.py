"""No wildcard grants: no Allow statement with `*` in an action, or a resource that means "every
one of a kind", in any function's policies or any IAM role or policy, both as written and as SAM
translates it (where policy templates become statements); AWS managed policies from a short list.

test_services.py holds each function to its own service's resources; this holds every grant to
named resources at all. Each check is proven on a planted mistake.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import Resolver
from tests.templates import either, planted, translate

# Actions IAM grants only on "*" (their service defines no resource type for them), which the
# template's functions need. With Tracing: Active, Lambda sends traces with these (Service
# Authorization Reference, AWS X-Ray: no resource types for PutTraceSegments or
# PutTelemetryRecords, https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
# A function in a VPC (the to-dos function with DAX) needs ENIs; of their actions only the
# Describe ones must be on "*" (Lambda developer guide, configuration-vpc.html:
# ec2:DescribeNetworkInterfaces "only works if it's allowed on all resources"; EC2 Describe*
# actions take no resource type). ec2:CreateNetworkInterface and the rest can be scoped.
RESOURCE_STAR_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
}
# The AWS managed policies a role may carry; each grants the actions named on "*".
MANAGED_POLICIES = {
    "AWSLambdaBasicExecutionRole",  # logs:CreateLogGroup, CreateLogStream, PutLogEvents
    "AWSXrayWriteOnlyAccess",  # SAM's for Tracing: Active; X-Ray writes and sampling reads
    "AWSLambdaVPCAccessExecutionRole",  # the DAX VPC: ENIs and logs
    # SAM's for a DynamoDB stream event source: the stream reads on *every* stream in the
    # account, not only the function's own (a role written out could scope them).
    "AWSLambdaDynamoDBExecutionRole",
    # API Gateway's account-wide logging role (not a function's): it writes access and execution
    # logs of every API of the account and region, so it cannot be scoped to this stack's groups.
    "AmazonAPIGatewayPushToCloudWatchLogs",
    # SAM's CodeDeploy role for DeploymentPreference (not a function's): it reads the alarms and
    # moves the `live` alias of any function; hook functions it may invoke are named
    # CodeDeployHook_* (the policy's only invoke grant).
    "AWSCodeDeployRoleForLambda",
}
PSEUDO = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}


class _Refs(dict[str, str]):
    def __missing__(self, name: str) -> str:
        return f"<{name}>"


class _Attributes(dict[tuple[str, str], str]):
    def __missing__(self, key: tuple[str, str]) -> str:
        name, attribute = key
        return f"arn:{name}" if attribute == "Arn" else f"<{name}.{attribute}>"


def placeholders(template: dict[str, Any], value: Any) -> Any:
    """`value` with intrinsics resolved to placeholder names (ARNs as `arn:<logical id>`)."""
    parameters = {
        **{name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()},
        **PSEUDO,
    }
    return Resolver(parameters, _Refs(), _Attributes()).resolve(value)


def flat(value: Any) -> list[Any]:
    """A value as a flat list (a statement's Action may be one string, `either` nests lists)."""
    if isinstance(value, list):
        return [item for element in value for item in flat(element)]
    return [value]


def every_one_of_a_kind(resource: str) -> bool:
    """`*`, or an ARN naming every resource of a service or of a type (`table/*`)."""
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return False
    kind = re.fullmatch(r"[A-Za-z-]+[/:]\*", parts[5])  # in S3 that is one bucket's objects
    return parts[5] in ("*", "*/*") or (parts[2] != "s3" and kind is not None)


def statement_findings(template: dict[str, Any], statement: dict[str, Any]) -> list[str]:
    """What one statement grants beyond named resources."""
    if statement.get("Effect") != "Allow":
        return []  # a broad Deny only takes away
    findings = [f"Allow with {key}" for key in ("NotAction", "NotResource") if key in statement]
    resolved = placeholders(template, statement)
    actions = [str(a) for a in flat(resolved.get("Action", []))]
    findings += [f"wildcard action {action!r}" for action in actions if "*" in action]
    everything = [str(r) for r in flat(resolved.get("Resource", [])) if every_one_of_a_kind(str(r))]
    unscoped = sorted(set(actions) - RESOURCE_STAR_ACTIONS)
    if everything and unscoped:
        findings.append(f"resource {everything[0]!r} for {unscoped}")
    return findings


def managed_policy_allowed(template: dict[str, Any], policy: Any) -> bool:
    """An AWS managed policy from the list, or a managed policy of this template (checked)."""
    if isinstance(policy, dict) and "Ref" in policy:
        target = template["Resources"].get(policy["Ref"], {})
        return bool(target.get("Type") == "AWS::IAM::ManagedPolicy")
    arn = str(placeholders(template, policy))
    aws_managed = arn.startswith("arn:aws:iam::aws:policy/") or not arn.startswith("arn:")
    return aws_managed and arn.rsplit("/", 1)[-1] in MANAGED_POLICIES


def wildcard_findings(template: dict[str, Any]) -> list[str]:
    """Every wildcard grant of every function, role and policy (all Fn::If branches)."""
    findings = []
    for name, resource in template["Resources"].items():
        props, kind = either(resource.get("Properties", {})), resource["Type"]
        documents: list[tuple[str, Any]] = []
        managed: list[Any] = []
        if kind == "AWS::Serverless::Function":
            for index, policy in enumerate(flat(props.get("Policies", []))):
                if isinstance(policy, str):
                    managed.append(policy)
                elif "Statement" in policy:  # not a SAM policy template: translated, checked
                    documents.append((f"{name}.Policies.{index}", policy))
        elif kind == "AWS::IAM::Role":
            for policy in flat(props.get("Policies", [])):
                documents.append((f"{name}.{policy['PolicyName']}", policy["PolicyDocument"]))
            managed += flat(props.get("ManagedPolicyArns", []))
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append((name, props["PolicyDocument"]))
        for where, document in documents:
            for statement in flat([d["Statement"] for d in flat(document)]):
                findings += [f"{where}: {f}" for f in statement_findings(template, statement)]
        findings += [
            f"{name}: managed policy {policy!r}"
            for policy in managed
            if not managed_policy_allowed(template, policy)
        ]
    return findings


def test_no_function_role_or_policy_grants_a_wildcard(template: dict[str, Any]) -> None:
    assert wildcard_findings(template) == []
    translated = translate(template)
    assert wildcard_findings(translated) == []
    # Not vacuous: every function's role is one of the roles checked.
    for name, resource in translated["Resources"].items():
        if resource["Type"] == "AWS::Lambda::Function":
            role, _ = resource["Properties"]["Role"]["Fn::GetAtt"]
            assert translated["Resources"][role]["Type"] == "AWS::IAM::Role", name


def with_posts_policy(template: dict[str, Any], *policies: Any) -> dict[str, Any]:
    """The template with `policies` added to PostsFunction's Policies."""
    current = template["Resources"]["PostsFunction"]["Properties"]["Policies"]
    return planted(template, "Resources.PostsFunction.Properties.Policies", [*current, *policies])


def inline(action: Any, resource: Any) -> dict[str, Any]:
    return {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


TABLES = {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*"}


@pytest.mark.parametrize(
    ("policy", "written", "deployed"),
    [
        (inline("*", "*"), "Policies.1: wildcard action '*'", "RolePolicy1: wildcard action '*'"),
        (inline("s3:*", "arn:aws:s3:::b/*"), "wildcard action 's3:*'", "'s3:*'"),
        (inline("dynamodb:GetItem", "*"), "resource '*' for ['dynamodb:GetItem']", "'*'"),
        (inline("dynamodb:Query", TABLES), "table/*'", "table/*'"),
        (inline("xray:PutTraceSegments", "*"), None, None),
        ("AmazonDynamoDBFullAccess", "managed policy", "managed policy"),
        ({"CloudWatchPutMetricPolicy": {}}, None, "'cloudwatch:PutMetricData'"),
        ({"DynamoDBCrudPolicy": {"TableName": "*"}}, None, "table/*'"),
    ],
)
def test_a_planted_wildcard_on_the_posts_function_is_caught(
    template: dict[str, Any], policy: Any, written: str | None, deployed: str | None
) -> None:
    """As written and as deployed (SAM policy templates only exist once translated); the X-Ray
    action the allow-list names passes on "*"."""
    mutated = with_posts_policy(template, policy)
    for findings, expected in (
        (wildcard_findings(mutated), written),
        (wildcard_findings(translate(mutated)), deployed),
    ):
        if expected is None:
            assert findings == []
        else:
            assert any(expected in finding for finding in findings), findings
            assert all(finding.startswith("PostsFunction") for finding in findings), findings


def test_a_wildcard_inside_a_condition_is_caught(template: dict[str, Any]) -> None:
    """dax:* again, in the statement only deployed with DAX on (an Fn::If branch)."""
    path = "Resources.TodosFunctionRole.Properties.Policies.1.Fn::If.1.PolicyDocument.Statement"
    statement = {"Effect": "Allow", "Action": "dax:*", "Resource": {"Fn::GetAtt": ["X", "Arn"]}}
    assert wildcard_findings(planted(template, path, [statement])) == [
        "TodosFunctionRole.todos-through-dax: wildcard action 'dax:*'"
    ]
