"""What pages someone: every function, failure queue, table, stream consumer, the mail
configuration set and the site have their alarms, each to the alarms topic, each threshold a
parameter. The coverage checks enumerate the template, so a new function or queue without its
alarms fails here; each check is proven on a planted mistake.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.template.test_template import resolved
from tests.templates import TEMPLATE

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
STREAM_EVENTS = ("DynamoDB", "Kinesis")


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def watched(alarm: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(namespace, metric, dimensions) of every metric an alarm reads, metric math included."""
    if "MetricName" in alarm:
        stats = [{"Namespace": alarm["Namespace"], "MetricName": alarm["MetricName"],
                  "Dimensions": alarm.get("Dimensions", [])}]  # fmt: skip
    else:
        stats = [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
    return [
        (s["Namespace"], s["MetricName"], {d["Name"]: d["Value"] for d in s.get("Dimensions", [])})
        for s in stats
    ]


def covered(template: dict[str, Any], namespace: str, metric: str, key: str) -> set[str]:
    """Logical ids an alarm watches `metric` of, through the dimension `key` (!Ref or !GetAtt)."""
    found = set()
    for alarm in alarms(template).values():
        for space, name, dimensions in watched(alarm):
            value = dimensions.get(key)
            if space == namespace and name == metric and isinstance(value, dict):
                target = value.get("Ref") or value.get("Fn::GetAtt", [""])[0]
                found.add(target.split(".")[0])
    return found


def of_type(template: dict[str, Any], *types: str) -> set[str]:
    return {name for name, r in template["Resources"].items() if r["Type"] in types}


def api_functions(template: dict[str, Any]) -> set[str]:
    return {
        name
        for name in of_type(template, "AWS::Serverless::Function")
        if any(
            e["Type"] == "Api"
            for e in template["Resources"][name]["Properties"].get("Events", {}).values()
        )
    }


def stream_consumers(template: dict[str, Any]) -> set[str]:
    return {
        name
        for name in of_type(template, "AWS::Serverless::Function")
        if any(
            e["Type"] in STREAM_EVENTS
            for e in template["Resources"][name]["Properties"].get("Events", {}).values()
        )
    } | {
        r["Properties"]["FunctionName"]["Ref"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    }


def uncovered(template: dict[str, Any]) -> list[str]:
    """Every resource that should page someone and has no alarm watching it."""
    functions = of_type(template, *FUNCTION_TYPES)
    expected = [
        ("function errors", functions, covered(template, "AWS/Lambda", "Errors", "FunctionName")),
        ("function throttles", functions,
         covered(template, "AWS/Lambda", "Throttles", "FunctionName")),
        ("service p99 latency", api_functions(template),
         covered(template, "AWS/Lambda", "Duration", "FunctionName")),
        ("stream iterator age", stream_consumers(template),
         covered(template, "AWS/Lambda", "IteratorAge", "FunctionName")),
        ("queued failures", of_type(template, "AWS::SQS::Queue"),
         covered(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName")),
        ("table throttles", of_type(template, "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"),
         covered(template, "AWS/DynamoDB", "ReadThrottleEvents", "TableName")
         & covered(template, "AWS/DynamoDB", "WriteThrottleEvents", "TableName")),
        ("mail bounces", of_type(template, "AWS::SES::ConfigurationSet"),
         covered(template, "AWS/SES", "Reputation.BounceRate", "ses:configuration-set")),
        ("mail complaints", of_type(template, "AWS::SES::ConfigurationSet"),
         covered(template, "AWS/SES", "Reputation.ComplaintRate", "ses:configuration-set")),
        ("site 5xx", of_type(template, "AWS::CloudFront::Distribution"),
         covered(template, "AWS/CloudFront", "5xxErrorRate", "DistributionId")),
    ]  # fmt: skip
    return [f"{what}: {name}" for what, want, have in expected for name in sorted(want - have)]


def test_every_function_queue_table_consumer_mail_set_and_the_site_has_its_alarms(
    template: dict[str, Any],
) -> None:
    assert uncovered(template) == []
    assert api_functions(template) >= {"TodosFunction", "PostsFunction", "SubscriptionsFunction"}
    assert stream_consumers(template) == {"RenderSiteFunction", "SubscriberMailFunction"}


@pytest.mark.parametrize(
    ("removed", "finding"),
    [
        ("PostsFunctionErrorsAlarm", "function errors: PostsFunction"),
        ("ThumbnailFunctionThrottlesAlarm", "function throttles: ThumbnailFunction"),
        ("RenderSiteFunctionIteratorAgeAlarm", "stream iterator age: RenderSiteFunction"),
        ("RenderFailuresQueueAlarm", "queued failures: RenderFailuresQueue"),
        ("PhotosTableThrottlesAlarm", "table throttles: PhotosTable"),
        ("Site5xxAlarm", "site 5xx: SiteDistribution"),
    ],
)
def test_a_missing_alarm_is_caught(template: dict[str, Any], removed: str, finding: str) -> None:
    mutated = copy.deepcopy(template)
    del mutated["Resources"][removed]
    assert finding in uncovered(mutated)


def test_a_new_function_or_queue_without_alarms_is_caught(template: dict[str, Any]) -> None:
    mutated = copy.deepcopy(template)
    function = copy.deepcopy(mutated["Resources"]["MailSuppressionFunction"])
    mutated["Resources"]["ArchiveFunction"] = function
    mutated["Resources"]["ArchiveFailuresQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    assert {
        "function errors: ArchiveFunction",
        "function throttles: ArchiveFunction",
        "queued failures: ArchiveFailuresQueue",
    } <= set(uncovered(mutated))


def test_every_alarm_pages_the_topic_with_a_parameter_threshold(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    for name, alarm in alarms(template).items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["OKActions"] == [{"Ref": "AlarmTopic"}], name
        threshold = alarm["Threshold"]["Ref"]
        assert threshold.startswith("Alarm"), name
        assert threshold in parameters, name
        # No data (a quiet night) is not an outage.
        assert alarm["TreatMissingData"] == "notBreaching", name


def test_every_alarm_has_a_runbook_line_in_the_operating_docs(template: dict[str, Any]) -> None:
    page = (TEMPLATE.parent / "docs" / "operating.md").read_text()
    section = page.split("### What pages you", 1)[1].split("\n### ", 1)[0]
    for name, alarm in alarms(template).items():
        suffix = alarm["AlarmName"]["Fn::Sub"].removeprefix("serverless-reference-${Stage}-")
        assert f"`{suffix}`" in section, f"{name}: no runbook line for `{suffix}`"


@pytest.mark.parametrize(
    ("stage", "email", "subscribed"),
    [("prod", "ops@example.com", True), ("staging", "ops@example.com", True),
     ("dev", "ops@example.com", False), ("prod", "", False)],
)  # fmt: skip
def test_the_topic_emails_only_outside_dev_and_only_when_given_an_address(
    template: dict[str, Any], stage: str, email: str, subscribed: bool
) -> None:
    subscription = template["Resources"]["AlarmEmailSubscription"]
    condition = {"Fn::If": [subscription["Condition"], True, False]}
    assert resolved(template, condition, {"Stage": stage, "AlarmEmail": email}) is subscribed
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_the_site_alarm_lives_where_cloudfront_publishes_its_metrics(
    template: dict[str, Any],
) -> None:
    alarm = template["Resources"]["Site5xxAlarm"]
    assert template["Conditions"][alarm["Condition"]] == {
        "Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]
    }
    dimensions = alarm["Properties"]["Dimensions"]
    assert {"Name": "Region", "Value": "Global"} in dimensions
