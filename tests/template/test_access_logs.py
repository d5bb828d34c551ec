"""Access logs: the API stage writes one JSON line per request, the distribution its standard
logs to a private, TLS-only bucket, and every function its own log group, all kept for the
stage's LogRetentionDays."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.template.test_operations import FUNCTION_TYPES, of_type
from tests.template.test_template import resolved

# What an operator needs of each request, by the $context variable that holds it (API Gateway
# Developer Guide, "Variables for data transformations": $context).
FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "userSub": "$context.authorizer.claims.sub",
    "route": "$context.resourcePath",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
}


def log_group_findings(template: dict[str, Any]) -> list[str]:
    """Functions writing to a log group the template does not hold with the stage's retention."""
    resources = template["Resources"]
    findings = []
    for name in sorted(of_type(template, *FUNCTION_TYPES)):
        props = resources[name]["Properties"]
        group = props.get("LoggingConfig", {}).get("LogGroup", {}).get("Ref")
        if resources.get(group, {}).get("Type") != "AWS::Logs::LogGroup":
            findings.append(f"{name}: no log group of its own")
            continue
        group_props = resources[group]["Properties"]
        if group_props.get("RetentionInDays") != {"Ref": "LogRetentionDays"}:
            findings.append(f"{group}: not kept for LogRetentionDays")
        if "FunctionName" in props:
            expected = "/aws/lambda/" + str(resolved(template, props["FunctionName"]))
            if resolved(template, group_props["LogGroupName"]) != expected:
                findings.append(f"{group}: not {expected}")
    return findings


def test_every_function_logs_to_its_own_group_kept_for_the_stages_retention(
    template: dict[str, Any],
) -> None:
    assert log_group_findings(template) == []
    for name in of_type(template, "AWS::Logs::LogGroup"):
        retention = template["Resources"][name]["Properties"]["RetentionInDays"]
        assert retention == {"Ref": "LogRetentionDays"}, name


def test_a_function_without_its_log_group_is_caught(template: dict[str, Any]) -> None:
    mutated = copy.deepcopy(template)
    del mutated["Resources"]["ThumbnailFunction"]["Properties"]["LoggingConfig"]
    mutated["Resources"]["PostsFunctionLogGroup"]["Properties"]["RetentionInDays"] = 3653
    assert log_group_findings(mutated) == [
        "PostsFunctionLogGroup: not kept for LogRetentionDays",
        "ThumbnailFunction: no log group of its own",
    ]


def test_the_stage_writes_one_json_line_per_request_with_what_an_operator_needs(
    template: dict[str, Any],
) -> None:
    api = template["Resources"]["Api"]
    setting = api["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    text = setting["Format"]
    assert "\n" not in text
    # API Gateway writes "-" for a missing value: quoted, every line still parses.
    line = json.loads(re.sub(r"\$context\.[A-Za-z.]+", "-", text))
    assert set(line.values()) == {"-"}
    fields = json.loads(text)
    assert {key: fields.get(key) for key in FIELDS} == FIELDS
    # The stage is made only once API Gateway may write logs in this account.
    assert api["DependsOn"] == "ApiGatewayAccount"
    account = template["Resources"]["ApiGatewayAccount"]["Properties"]
    assert account["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayLogRole", "Arn"]}


def test_the_distribution_logs_to_a_private_tls_only_bucket_that_cloudfront_can_write(
    template: dict[str, Any],
) -> None:
    config = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["Logging"]["Bucket"] == {"Fn::GetAtt": ["SiteLogsBucket", "DomainName"]}
    assert config["Logging"]["IncludeCookies"] is False
    bucket = template["Resources"]["SiteLogsBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    # Legacy standard logs are written through the bucket ACL: ACLs must stay enabled.
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == {"Ref": "LogRetentionDays"}
    policy = template["Resources"]["SiteLogsBucketPolicy"]["Properties"]["PolicyDocument"]
    (deny,) = policy["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
