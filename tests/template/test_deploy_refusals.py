"""Mistakes every linter passes and AWS refuses, or obeys wrongly, at deploy time: a CloudFront
cache policy that keys on request values with caching off, and a Cognito authorizer given
something other than a user pool's ARN. cfn-lint (raw and translated) passes both.

Every cache policy of both templates and every authorizer (as written and as translated) is
checked, through `!Ref`s to each end of their parameter's range; each catch is proven on a
planted mistake.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.templates import candidates, either, planted, translate
from updates.edge import UPDATES_TEMPLATE

KEYS = (
    ("HeadersConfig", "HeaderBehavior"),
    ("CookiesConfig", "CookieBehavior"),
    ("QueryStringsConfig", "QueryStringBehavior"),
)
USER_POOL = ("AWS::Cognito::UserPool",)
FUNCTION = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def cache_key(template: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """What a cache policy puts in its cache key beyond the URL path (in any branch)."""
    key = config.get("ParametersInCacheKeyAndForwardedToOrigin", {})
    keyed = [
        f"{field} {behavior}"
        for section, field in KEYS
        for behavior in candidates(template, key.get(section, {}).get(field, "none"))
        if behavior != "none"
    ]
    flags = ("EnableAcceptEncodingGzip", "EnableAcceptEncodingBrotli")
    return keyed + [flag for flag in flags if True in candidates(template, key.get(flag))]


def ttls(template: dict[str, Any], config: dict[str, Any]) -> dict[str, list[int]]:
    """Each TTL's possible values, its default first. One left out takes CloudFront's value (API
    reference, CachePolicyConfig): DefaultTTL 86400 or MinTTL if more, MaxTTL 31536000 or
    DefaultTTL if more."""

    def possible(key: str) -> list[int]:
        return [int(value) for value in candidates(template, config.get(key))]

    minimum = possible("MinTTL") or [0]
    default = possible("DefaultTTL") or [max(86_400, minimum[0])]
    return {
        "MinTTL": minimum,
        "DefaultTTL": default,
        "MaxTTL": possible("MaxTTL") or [max(31_536_000, default[0])],
    }


def cache_policy_findings(template: dict[str, Any]) -> list[str]:
    """Cache policies CloudFront refuses.

    With MinTTL, DefaultTTL and MaxTTL all 0 CloudFront caching is off (CloudFront developer
    guide, "Understand cache policies", https://docs.aws.amazon.com/AmazonCloudFront/latest/
    DeveloperGuide/cache-key-understand-cache-policy.html), and a policy that then keys on a
    header, cookie or query string, or on Accept-Encoding (gzip/brotli), fails to deploy: the
    console greys those settings out, CloudFormation answers "Invalid request provided:
    AWS::CloudFront::CachePolicy" (aws/aws-cdk#13441, #16977; awsdocs/amazon-cloudfront-
    developer-guide#51). A MaxTTL of 0 forces the other two to 0 (MinTTL <= DefaultTTL <= MaxTTL).
    """
    findings = []
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::CloudFront::CachePolicy":
            continue
        config = resource["Properties"]["CachePolicyConfig"]
        possible = ttls(template, config)
        default = {key: values[0] for key, values in possible.items()}
        if not default["MinTTL"] <= default["DefaultTTL"] <= default["MaxTTL"]:
            findings.append(f"{name}: TTLs out of order (MinTTL <= DefaultTTL <= MaxTTL) {default}")
        keyed = cache_key(template, config)
        if 0 in possible["MaxTTL"] and keyed:
            findings.append(f"{name}: caching off (MaxTTL 0) but keys on {keyed}")
    return findings


def arn_findings(
    template: dict[str, Any], where: str, value: Any, types: tuple[str, ...]
) -> list[str]:
    """Each value (of each branch) that is not the ARN of a resource of `types`."""
    return [
        f"{where}: {item!r} is not the ARN of a {' or '.join(types)}"
        for item in flatten(either(value))
        if not names_an_arn(template, item, types)
    ]


def names_an_arn(template: dict[str, Any], value: Any, types: tuple[str, ...]) -> bool:
    """`!GetAtt X.Arn` or `!Sub "${X.Arn}"` of a resource of `types`, a literal or `!Sub` ARN, or
    a parameter whose pattern demands an ARN."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        attribute = re.fullmatch(r"\$\{(\w+)\.(\w+)\}", text)
        value = {"Fn::GetAtt": list(attribute.groups())} if attribute else text
    if isinstance(value, str):
        return value.startswith("arn:")
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target, attribute_name = value["Fn::GetAtt"]
        kind = template["Resources"].get(target, {}).get("Type")
        return bool(attribute_name == "Arn" and kind in types)
    if isinstance(value, dict) and "Ref" in value:
        parameter = template.get("Parameters", {}).get(value["Ref"], {})
        return str(parameter.get("AllowedPattern", "")).startswith("^arn:")
    return False


def flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [item for element in value for item in flatten(element)]
    return [value]


def authorizer_findings(template: dict[str, Any]) -> list[str]:
    """Authorizers of every API (SAM's Auth, an OpenAPI body, AWS::ApiGateway::Authorizer) whose
    user pool or function is not given by ARN: `!Ref UserPool` is the pool's id, which
    CloudFormation accepts and API Gateway cannot use."""
    findings = []
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        authorizers = props.get("Auth", {}).get("Authorizers", {})
        if resource["Type"] != "AWS::Serverless::Api":
            authorizers = {}
        for auth, config in authorizers.items():
            if "UserPoolArn" in config:
                where = f"{name}.{auth}.UserPoolArn"
                findings += arn_findings(template, where, config["UserPoolArn"], USER_POOL)
            if "FunctionArn" in config:
                where = f"{name}.{auth}.FunctionArn"
                findings += arn_findings(template, where, config["FunctionArn"], FUNCTION)
        for body in (props.get("Body"), props.get("DefinitionBody")):
            if not isinstance(body, dict):
                continue
            schemes = {
                **body.get("securityDefinitions", {}),
                **body.get("components", {}).get("securitySchemes", {}),
            }
            for scheme, spec in schemes.items():
                authorizer = spec.get("x-amazon-apigateway-authorizer", {})
                if authorizer.get("type") == "cognito_user_pools":
                    arns = authorizer.get("providerARNs", [])
                    findings += arn_findings(template, f"{name}.{scheme}", arns, USER_POOL)
        if resource["Type"] == "AWS::ApiGateway::Authorizer" and "ProviderARNs" in props:
            findings += arn_findings(template, name, props["ProviderARNs"], USER_POOL)
    return findings


@pytest.fixture(scope="module")
def updates() -> dict[str, Any]:
    return load_template(UPDATES_TEMPLATE)


def test_every_cache_policy_keys_on_requests_only_while_it_caches(
    template: dict[str, Any], updates: dict[str, Any]
) -> None:
    for checked in (template, updates):
        assert cache_policy_findings(checked) == []
        policies = [r for r in checked["Resources"].values() if "CachePolicy" in r["Type"]]
        assert len(policies) == 2  # not vacuous: each template's two policies were read


@pytest.mark.parametrize(
    ("policy", "ttls", "finding"),
    [
        ("ApiCachePolicy", {"MaxTTL": 0}, "HeaderBehavior whitelist"),
        ("ApiCachePolicy", {"MaxTTL": 0}, "QueryStringBehavior all"),
        ("SiteCachePolicy", {"MaxTTL": 0, "DefaultTTL": 0}, "EnableAcceptEncodingBrotli"),
        ("SiteCachePolicy", {"MinTTL": 90_000}, "TTLs out of order"),
    ],
)
def test_a_planted_cache_policy_mistake_is_caught(
    template: dict[str, Any], policy: str, ttls: dict[str, int], finding: str
) -> None:
    mutated = template
    for key, value in ttls.items():
        mutated = planted(mutated, f"Resources.{policy}.Properties.CachePolicyConfig.{key}", value)
    findings = cache_policy_findings(mutated)
    assert len(findings) == 1, findings
    assert findings[0].startswith(policy)
    assert finding in findings[0]


def test_a_cache_policy_with_caching_off_and_no_key_passes(template: dict[str, Any]) -> None:
    """The check refuses what CloudFront refuses, not caching off as such."""
    config = "Resources.ApiCachePolicy.Properties.CachePolicyConfig"
    off = planted(template, f"{config}.MaxTTL", 0)
    off = planted(off, f"{config}.ParametersInCacheKeyAndForwardedToOrigin", {
        "EnableAcceptEncodingGzip": False,
        "EnableAcceptEncodingBrotli": False,
        "CookiesConfig": {"CookieBehavior": "none"},
        "HeadersConfig": {"HeaderBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"},
    })  # fmt: skip
    assert cache_policy_findings(off) == []


def test_a_ttl_parameter_that_may_be_0_is_caught(updates: dict[str, Any]) -> None:
    """A deployer may pass any value in the range: 0 as the files' MaxTTL breaks the stack."""
    for name, policy in (
        ("FileTtlSeconds", "UpdateFilesCachePolicy"),
        ("ManifestMaxTtlSeconds", "UpdateManifestsCachePolicy"),
    ):
        findings = cache_policy_findings(planted(updates, f"Parameters.{name}.MinValue", 0))
        assert [f.split(":")[0] for f in findings] == [policy]


def test_every_authorizer_names_its_user_pool_by_arn(template: dict[str, Any]) -> None:
    for checked in (template, translate(template)):
        assert authorizer_findings(checked) == []
    auth = template["Resources"]["Api"]["Properties"]["Auth"]["Authorizers"]
    assert {name for name, config in auth.items() if "UserPoolArn" in config} == {
        "CognitoAuthorizer"
    }  # not vacuous


@pytest.mark.parametrize(
    ("user_pool_arn", "caught"),
    [
        ({"Ref": "UserPool"}, True),
        ({"Fn::GetAtt": ["UserPool", "ProviderName"]}, True),
        ({"Fn::GetAtt": ["UserFilesBucket", "Arn"]}, True),
        ({"Fn::Sub": "${UserPool}"}, True),
        ([{"Fn::GetAtt": ["UserPool", "Arn"]}, {"Ref": "UserPool"}], True),
        (
            {"Fn::If": ["DaxEnabled", {"Fn::GetAtt": ["UserPool", "Arn"]}, {"Ref": "UserPool"}]},
            True,
        ),
        ({"Fn::Sub": "${UserPool.Arn}"}, False),
        ("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example", False),
    ],
)
def test_a_planted_user_pool_arn_mistake_is_caught(
    template: dict[str, Any], user_pool_arn: Any, caught: bool
) -> None:
    path = "Resources.Api.Properties.Auth.Authorizers.CognitoAuthorizer.UserPoolArn"
    mutated = planted(template, path, user_pool_arn)
    for checked in (mutated, translate(mutated)):  # SAM's Auth, then the OpenAPI body's
        findings = authorizer_findings(checked)
        assert bool(findings) is caught, findings
        assert all(f.startswith("Api.CognitoAuthorizer") for f in findings)
