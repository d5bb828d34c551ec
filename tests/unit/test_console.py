"""The console of `make run`, line by line: what a person reads for a request, an event
invocation, a metric, the start's steps and the outputs table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from app.devstack.console import Console
from app.devstack.console.lines import event_line, metric_line, plural, request_line
from app.devstack.console.startup import (
    created,
    kind,
    outputs_table,
    resources_summary,
    write_resources,
)
from app.devstack.console.triggers import describe, is_api_request
from app.devstack.functions.pool import Invocation
from app.devstack.gateway.served import Reply, Served
from app.devstack.provisioning.model import Provisioned

NOON = time.mktime((2026, 11, 28, 12, 0, 1, 0, 0, -1))  # 12:00:01 local time
API_EVENT = {"httpMethod": "GET", "requestContext": {"apiId": "a"}, "path": "/posts"}
STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/blog-posts/stream/2026-11-28T00:00"


def invocation(
    function: str = "PostsFunction",
    event: Any = None,
    *,
    status: str = "ok",
    result: Any = None,
    error: dict[str, Any] | None = None,
    duration_ms: float = 12.4,
    init_ms: float | None = None,
) -> Invocation:
    return Invocation(
        function, "id", status, result, error, duration_ms, init_ms, 180, 1024, event=event
    )


def served(status: int = 200, path: str = "/local/posts", **reply: Any) -> Served:
    return Served("GET", path, 13.6, Reply(status, [], b"", **reply))


def stream_event(count: int) -> dict[str, Any]:
    return {
        "Records": [
            {"eventSource": "aws:dynamodb", "eventSourceARN": STREAM_ARN, "dynamodb": {}}
            for _ in range(count)
        ]
    }


def test_a_request_is_one_line_naming_method_path_status_time_and_function() -> None:
    warm = request_line(served(function="PostsFunction", invocation=invocation()), NOON)
    assert warm.split() == ["12:00:01", "GET", "/local/posts", "200", "14", "ms", "PostsFunction"]
    cold = request_line(
        served(function="PostsFunction", invocation=invocation(init_ms=443.2)), NOON
    )
    assert cold.endswith("  PostsFunction, cold start 443 ms")
    # The columns line up whatever the path's length (up to the column's width).
    assert warm.index(" 200 ") == request_line(served(path="/local/posts/a-slug"), NOON).index(
        " 200 "
    )


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        ({"function": "PostsFunction", "cached": True}, "PostsFunction, stage cache hit"),
        ({"refusal": "UNAUTHORIZED"}, "unauthorized (by the gateway)"),
        ({"refusal": "THROTTLED"}, "throttled (by the gateway)"),
        ({"refusal": "MISSING_AUTHENTICATION_TOKEN"}, "no such route (by the gateway)"),
        ({"note": "no such stage"}, "no such stage"),
        (
            {"function": "SlowFunction", "refusal": "INTEGRATION_TIMEOUT"},
            "SlowFunction, integration timed out",
        ),
    ],
)
def test_a_request_the_gateway_answered_itself_says_why(reply: dict[str, Any], said: str) -> None:
    assert said in request_line(served(403, **reply), NOON)


def test_a_failed_invocation_behind_a_request_says_what_failed_and_where_to_read_more() -> None:
    failed = invocation(
        status="error",
        error={"errorType": "KeyError", "errorMessage": "'slug'\n  more"},
        init_ms=500,
    )
    line = request_line(served(502, function="PostsFunction", invocation=failed), NOON)
    assert line.split()[3] == "502"
    assert line.endswith(
        "PostsFunction, cold start 500 ms, error: KeyError: 'slug' more (see its log)"
    )


def test_an_event_invocation_is_one_line_naming_its_trigger_outcome_and_function() -> None:
    names = {"blog-posts": "PostsTable"}
    ran = invocation("RenderSiteFunction", stream_event(3), duration_ms=827, init_ms=804)
    line = event_line(ran, describe(ran.event, names), NOON)
    assert line.split()[:8] == [
        "12:00:01", "event", "DynamoDB", "stream", "PostsTable,", "3", "records", "ok",
    ]  # fmt: skip
    assert line.endswith("827 ms  RenderSiteFunction, cold start 804 ms")


def test_an_event_invocation_that_failed_some_records_or_all_says_so() -> None:
    partial = invocation(
        "RenderSiteFunction",
        stream_event(3),
        result={"batchItemFailures": [{"itemIdentifier": "2"}]},
    )
    assert "partial" in event_line(partial, "t", NOON).split()
    assert "RenderSiteFunction, 1 of 3 records failed (retried)" in event_line(partial, "t", NOON)
    failed = invocation(
        "ThumbnailFunction",
        status="error",
        error={"errorType": "ValueError", "errorMessage": "not an image"},
    )
    line = event_line(failed, "S3 ObjectCreated:Put PhotosBucket/a.jpg", NOON)
    assert line.split()[1] == "event"
    assert "error" in line.split()
    assert line.endswith("ThumbnailFunction, error: ValueError: not an image (see its log)")


@pytest.mark.parametrize(
    ("event", "said"),
    [
        (stream_event(1), "DynamoDB stream PostsTable, 1 record"),
        (
            {
                "Records": [
                    {
                        "eventSource": "aws:s3",
                        "eventName": "ObjectCreated:Put",
                        "s3": {"bucket": {"name": "blog-photos"}, "object": {"key": "a+b%2Fc.jpg"}},
                    }
                ]
            },
            "S3 ObjectCreated:Put PhotosBucket/a b/c.jpg",
        ),
        (
            {"Records": [{"EventSource": "aws:sns", "Sns": {"TopicArn": "arn:topic"}}]},
            "SNS MailTopic, 1 message",
        ),
        (
            {"SecretId": "arn:secret", "ClientRequestToken": "t", "Step": "createSecret"},
            "rotation createSecret of CursorKeys",
        ),
        (
            {
                "source": "aws.events",
                "detail-type": "Scheduled Event",
                "resources": ["arn:aws:events:us-east-1:1:rule/nightly"],
            },
            "schedule nightly",
        ),
        ({"anything": 1}, "direct invocation"),
    ],
)
def test_what_triggered_an_invocation_is_read_from_its_event(event: Any, said: str) -> None:
    names = {
        "blog-posts": "PostsTable",
        "blog-photos": "PhotosBucket",
        "arn:topic": "MailTopic",
        "arn:secret": "CursorKeys",
    }
    assert describe(event, names) == said
    assert not is_api_request(event)


def test_the_gateway_tells_the_invocations_it_made_and_the_console_skips_their_report() -> None:
    console = Console(quiet=True)
    console.invocation(invocation(event=API_EVENT))
    assert console.lines == []
    console.request(served(function="PostsFunction", invocation=invocation(event=API_EVENT)))
    console.invocation(invocation("RenderSiteFunction", stream_event(1)))
    assert [line.split()[1] for line in console.lines] == ["GET", "event"]


def test_while_starting_lines_that_went_well_are_counted_not_printed() -> None:
    printed: list[str] = []
    console = Console(printed.append)
    console.hold()
    console.request(served(function="PostsFunction", invocation=invocation()))
    console.metric("PostsFunction", "metric Blog/PostsPublished +1 Count (service=blog)")
    console.request(served(502, function="PostsFunction"))  # a failure is told at once
    assert len(printed) == 1
    assert " 502 " in printed[0]
    assert console.held == {"API request": 1, "metric": 1}
    console.hold(False)
    console.request(served(function="PostsFunction", invocation=invocation()))
    assert len(printed) == 2
    assert len(console.lines) == 4  # tests read every line


def test_colour_only_when_asked_and_never_in_the_lines_kept() -> None:
    printed: list[str] = []
    Console(printed.append).request(served(502))
    coloured: list[str] = []
    console = Console(coloured.append, colour=True)
    console.request(served(502))
    assert "\033[" not in printed[0]
    assert coloured[0].startswith("\033[31m")
    assert "\033[" not in console.lines[0]


def test_a_metric_line_names_the_metric_then_the_function() -> None:
    line = metric_line("TodosFunction", "metric Blog/TodosCreated +1 Count (service=blog)", NOON)
    assert line.split() == [
        "12:00:01", "metric", "Blog/TodosCreated", "+1", "Count", "from", "TodosFunction",
        "(service=blog)",
    ]  # fmt: skip


def test_resources_are_summed_up_by_kind_in_a_line() -> None:
    types = ["AWS::DynamoDB::Table"] * 2 + ["AWS::DynamoDB::GlobalTable", "AWS::S3::Bucket"]
    types += ["AWS::Logs::LogGroup"] * 3 + ["AWS::CloudWatch::Alarm"]
    template = {"Resources": {f"R{i}": {"Type": t} for i, t in enumerate(types)}}
    provisioned = Provisioned(parameters={}, template=template, skipped=["R7 (Alarm)"])
    assert resources_summary(created(provisioned)) == "3 tables, 1 bucket and 3 more"
    assert kind("AWS::Logs::LogGroup") == "log group"
    assert kind("AWS::Cognito::IdentityPoolRoleAttachment") == "identity pool role attachment"
    assert kind("AWS::SES::ConfigurationSet") == "configuration set"
    assert [plural(2, "API"), plural(3, "policy"), plural(1, "bucket")] == [
        "2 APIs", "3 policies", "1 bucket",
    ]  # fmt: skip


def test_the_outputs_table_aligns_to_the_longest_key_and_says_what_is_empty() -> None:
    outputs = {"ApiUrl": "http://api/", "DistributionId": "", "StorageMeterFailuresQueueUrl": "q"}
    links = {"blog": "http://site/", "API docs": "http://api/docs"}
    lines = outputs_table(outputs, Path("/elsewhere/outputs.json"), links, Path("/x/logs"))
    rows = lines[1:4]
    values = ["http", "(none", "q"]
    assert len({row.index(value) for row, value in zip(rows, values, strict=True)}) == 1
    assert "DistributionId" in rows[1]
    assert rows[1].endswith("(none locally)")
    assert "  blog           http://site/" in lines
    assert any(line.startswith("  sign in") and "make user EMAIL=" in line for line in lines)
    assert lines[-1] == "Ctrl-C stops everything."


def test_every_resource_created_is_listed_with_its_id_and_the_rest_named_as_aws_only(
    tmp_path: Path,
) -> None:
    template = {
        "Resources": {
            "Photos": {"Type": "AWS::S3::Bucket"},
            "Posts": {"Type": "AWS::DynamoDB::Table"},
            "Firewall": {"Type": "AWS::WAFv2::WebACL"},
        }
    }
    provisioned = Provisioned(
        parameters={}, template=template, skipped=["Firewall (AWS::WAFv2::WebACL)"]
    )
    provisioned.refs.update({"Photos": "blog-photos", "Posts": "blog-posts"})
    write_resources(tmp_path / "resources.txt", created(provisioned), provisioned.skipped)
    assert (tmp_path / "resources.txt").read_text().splitlines() == [
        "AWS::DynamoDB::Table Posts  -> blog-posts",
        "AWS::S3::Bucket Photos      -> blog-photos",
        "",
        "Only on AWS (not emulated locally):",
        "Firewall (AWS::WAFv2::WebACL)",
    ]
