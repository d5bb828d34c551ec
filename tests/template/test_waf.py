"""WAF: the API stage and the user pool share a REGIONAL web ACL, the site has a CLOUDFRONT one
(made in us-east-1, or named by SiteWebAclArn elsewhere); both block what AWS's managed rules
know is bad, any IP past its rate, and subscribing or signing up past a much lower one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.template.test_template import resolved
from tests.templates import WEB_ACL_TEMPLATE

ACL_ARN = (
    "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0a1b2c3d-0000-4000-8000-0123456789ab"
)
STAGE_ARN = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Api.Stage}"


@pytest.fixture(scope="module")
def acl() -> dict[str, Any]:
    return load_template(WEB_ACL_TEMPLATE)


def rules(acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["Name"]: r for r in acl["Resources"]["WebAcl"]["Properties"]["Rules"]}


def holds(template: dict[str, Any], condition: str, parameters: dict[str, str]) -> bool:
    return bool(resolved(template, {"Fn::If": [condition, True, False]}, parameters))


def test_the_api_stage_and_the_user_pool_are_behind_the_regional_acl(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    nested = resources["ApiWebAcl"]["Properties"]
    assert nested["TemplateURL"] == "ops/web-acl.yaml"
    assert nested["Parameters"]["Scope"] == "REGIONAL"
    associations = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACLAssociation"
    ]
    assert all(
        a["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Outputs.WebAclArn"]} for a in associations
    )
    targets = [a["ResourceArn"] for a in associations]
    assert sorted(map(str, targets)) == sorted(
        map(str, [{"Fn::Sub": STAGE_ARN}, {"Fn::GetAtt": ["UserPool", "Arn"]}])
    )


@pytest.mark.parametrize(
    ("region", "given", "made_here"),
    [("us-east-1", "", True), ("us-east-1", ACL_ARN, False), ("eu-west-1", ACL_ARN, False),
     ("eu-west-1", "", False)],
)  # fmt: skip
def test_the_site_acl_is_made_in_us_east_1_or_named(
    template: dict[str, Any], region: str, given: str, made_here: bool
) -> None:
    parameters = {"AWS::Region": region, "SiteWebAclArn": given}
    site_acl = template["Resources"]["SiteWebAcl"]
    assert site_acl["Properties"]["Parameters"]["Scope"] == "CLOUDFRONT"
    assert holds(template, site_acl["Condition"], parameters) is made_here
    config = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    condition, named, otherwise = config["WebACLId"]["Fn::If"]
    assert holds(template, condition, parameters) is bool(given)
    assert named == {"Ref": "SiteWebAclArn"}
    assert otherwise == {
        "Fn::If": [
            site_acl["Condition"],
            {"Fn::GetAtt": ["SiteWebAcl", "Outputs.WebAclArn"]},
            {"Ref": "AWS::NoValue"},
        ]
    }


def test_managed_common_and_known_bad_inputs_rules_block(acl: dict[str, Any]) -> None:
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r
        for r in rules(acl).values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert set(managed) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    for rule in managed.values():
        assert rule["OverrideAction"] == {"None": {}}  # the group's own actions, not Count
    # Only the two rules the API's own limits cover are counted instead of blocking.
    overrides = managed["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    counted = {
        o["Name"] for o in overrides["RuleActionOverrides"] if o["ActionToUse"] == {"Count": {}}
    }
    assert counted == {"SizeRestrictions_BODY", "CrossSiteScripting_BODY"}


def test_every_ip_is_rate_limited_and_subscribing_or_signing_up_far_more(
    acl: dict[str, Any],
) -> None:
    by_name = rules(acl)
    limits = {name: r["Statement"]["RateBasedStatement"] for name, r in by_name.items()
              if "RateBasedStatement" in r["Statement"]}  # fmt: skip
    assert set(limits) == {"rate-per-ip", "subscribe-rate", "sign-up-rate"}
    for name, limit in limits.items():
        assert by_name[name]["Action"] == {"Block": {}}
        assert limit["AggregateKeyType"] == "IP"
    assert limits["rate-per-ip"]["Limit"] == {"Ref": "RateLimitPerIp"}
    assert "ScopeDownStatement" not in limits["rate-per-ip"]
    parameters = acl["Parameters"]
    assert parameters["StrictRateLimit"]["Default"] < parameters["RateLimitPerIp"]["Default"]
    # The strict rules come first: a flood of subscriptions is stopped at the lower limit.
    assert by_name["subscribe-rate"]["Priority"] < by_name["rate-per-ip"]["Priority"]
    assert by_name["sign-up-rate"]["Priority"] < by_name["rate-per-ip"]["Priority"]


def test_the_subscribe_rule_matches_post_subscriptions_behind_the_stage_and_the_site(
    acl: dict[str, Any],
) -> None:
    scope = rules(acl)["subscribe-rate"]["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
    method, path = scope["AndStatement"]["Statements"]
    assert method["ByteMatchStatement"]["FieldToMatch"] == {"Method": {}}
    assert method["ByteMatchStatement"]["SearchString"] == "POST"
    pattern = re.compile(path["RegexMatchStatement"]["RegexString"])
    matched = ["/prod/subscriptions", "/api/subscriptions", "/subscriptions", "/subscriptions/"]
    unmatched = ["/subscriptions/confirm", "/subscriptions/unsubscribe", "/posts"]
    assert all(pattern.search(p) for p in matched)
    assert not any(pattern.search(p) for p in unmatched)


def test_the_sign_up_rule_matches_cognitos_sign_up_operation(acl: dict[str, Any]) -> None:
    scope = rules(acl)["sign-up-rate"]["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
    match = scope["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-amz-target"}}
    assert match["PositionalConstraint"] == "EXACTLY"
    assert match["SearchString"] == "AWSCognitoIdentityProviderService.SignUp"


def test_the_standalone_acl_watches_the_distribution_it_is_given(acl: dict[str, Any]) -> None:
    alarm = acl["Resources"]["Site5xxAlarm"]
    assert alarm["Condition"] == "WatchesDistribution"
    assert {"Name": "DistributionId", "Value": {"Ref": "DistributionId"}} in alarm["Properties"][
        "Dimensions"
    ]
