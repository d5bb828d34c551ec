"""The pictures in docs/ are drawn from template.yaml and the local stack's code: what they must
show, and that a change to the template or a port changes them (so `make diagrams-check` fails
until they are redrawn). The rendered SVG itself is compared by `make diagrams-check`."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from app.devstack.config import StackConfig
from tools.diagrams.architecture import architecture_dot
from tools.diagrams.local_stack import local_stack_dot

DRAWN_TYPES = (
    "AWS::Serverless::Function",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::SNS::Topic",
    "AWS::CloudFront::Distribution",
    "AWS::Serverless::Api",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::IdentityPool",
    "AWS::SecretsManager::Secret",
)
PORTS = ("api_port", "emulator_port", "user_files_port", "identity_port", "site_port", "dax_port")


def node(dot: str, name: str) -> str:
    """The statement that draws `name`."""
    found = re.search(rf'^\s*"{re.escape(name)}" \[label=.*$', dot, re.MULTILINE)
    assert found, f"{name} is not drawn"
    return found.group(0)


def edges(dot: str) -> dict[tuple[str, str], str]:
    """(tail, head) -> the edge's attributes."""
    pattern = r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$'
    return {(a, b): attrs for a, b, attrs in re.findall(pattern, dot, re.MULTILINE)}


def route_rows(dot: str, function: str) -> list[str]:
    """The function's routes as drawn: `GET* POST /path`."""
    return re.findall(r"<font face='Courier' point-size='11'>([^<]*)</font>", node(dot, function))


def api_routes(resource: dict[str, Any]) -> list[tuple[str, str]]:
    events = resource["Properties"].get("Events", {}).values()
    return [
        (e["Properties"]["Method"].upper(), e["Properties"]["Path"])
        for e in events
        if e["Type"] == "Api"
    ]


@pytest.fixture(scope="module")
def dot(template: dict[str, Any]) -> str:
    return architecture_dot(template)


def test_every_function_store_queue_topic_and_the_distribution_is_drawn(
    template: dict[str, Any], dot: str
) -> None:
    drawn = [lid for lid, r in template["Resources"].items() if r["Type"] in DRAWN_TYPES]
    assert len(drawn) > 30
    for lid in drawn:
        node(dot, lid)


def test_every_function_lists_its_routes(template: dict[str, Any], dot: str) -> None:
    listed = 0
    for lid, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        rows = route_rows(dot, lid)
        for method, path in api_routes(resource):
            assert any(
                row.endswith(f" {path}") and method in row.replace("*", "").split() for row in rows
            ), f"{method} {path} of {lid}"
            listed += 1
    assert listed >= 20
    assert "GET* POST /posts" in route_rows(dot, "PostsFunction")  # * = no authorizer


def test_event_sources_access_and_origins_are_edges(dot: str) -> None:
    drawn = edges(dot)
    # A stream the function also reads: one two-headed edge.
    assert 'dir="both"' in drawn[("RenderSiteFunction", "PostsTable")]
    assert "stream" in drawn[("RenderSiteFunction", "PostsTable")]
    # Its bucket written out by name in the policy (not !Ref'd) is still found.
    assert "read/write" in drawn[("ThumbnailFunction", "PhotosBucket")]
    assert "ObjectCreated uploads/" in drawn[("ThumbnailFunction", "PhotosBucket")]
    assert 'label="read"' in drawn[("StorageFunction", "StorageUsageTable")]
    assert "on failure" in drawn[("RenderSiteFunction", "RenderFailuresQueue")]
    assert "/api/*" in drawn[("SiteDistribution", "Api")]
    assert "/thumbnails/*" in drawn[("SiteDistribution", "PhotosBucket")]
    assert "read/write" in drawn[("IdentityPool", "UserFilesBucket")]  # the signed-in users' role
    assert ("Api", "TodosFunction") in drawn
    assert (
        "ThumbnailFunction",
        "PhotosFunction",
    ) not in drawn  # `-photos` is not `-photos-<account>`
    assert "Cognito authorizer: UserPool" in node(dot, "Api")


def test_a_planted_function_and_table_change_the_picture(
    template: dict[str, Any], dot: str
) -> None:
    planted = copy.deepcopy(template)
    resources = planted["Resources"]
    resources["AuditTable"] = copy.deepcopy(resources["TodosTable"])
    extra = copy.deepcopy(resources["StorageFunction"])
    extra["Properties"]["Policies"] = [{"DynamoDBCrudPolicy": {"TableName": {"Ref": "AuditTable"}}}]
    extra["Properties"]["Events"] = {
        "Audit": {
            "Type": "Api",
            "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/audit", "Method": "get"},
        }
    }
    resources["AuditFunction"] = extra
    changed = architecture_dot(planted)
    assert changed != dot
    node(changed, "AuditTable")
    assert route_rows(changed, "AuditFunction") == ["GET /audit"]
    assert (
        'label="read/write"' in edges(changed)[("AuditFunction", "AuditTable")]
    )  # a SAM policy template


def test_a_removed_route_changes_the_picture(template: dict[str, Any], dot: str) -> None:
    planted = copy.deepcopy(template)
    del planted["Resources"]["PostsFunction"]["Properties"]["Events"]["PreviewPost"]
    changed = architecture_dot(planted)
    assert changed != dot
    assert not any(row.endswith("/previews") for row in route_rows(changed, "PostsFunction"))


def test_the_pictures_are_the_same_every_time(template: dict[str, Any], dot: str) -> None:
    assert architecture_dot(copy.deepcopy(template)) == dot
    assert local_stack_dot(template) == local_stack_dot(copy.deepcopy(template))


def test_the_local_stack_shows_the_default_ports_and_what_polls_for_whom(
    template: dict[str, Any],
) -> None:
    drawn = local_stack_dot(template)
    defaults = StackConfig(state_dir=Path(".devstack"))
    for name in PORTS:
        assert f":{getattr(defaults, name)}" in drawn, name
    assert f":{defaults.api_port}/{defaults.stage}/" in drawn
    for function in (
        "RenderSiteFunction",
        "SubscriberMailFunction",
        "StorageMeterFunction",
        "ThumbnailFunction",
        "MailSuppressionFunction",
    ):
        assert f"\u2192 {function}" in drawn  # an event-source poller invokes it
    assert "stands in for CloudFront SiteDistribution" in drawn
    assert "StorageMeterFunction: S3 as its own IAM user" in drawn


def test_a_changed_port_changes_the_local_stack_picture(template: dict[str, Any]) -> None:
    defaults = StackConfig(state_dir=Path(".devstack"))
    moved = dataclasses.replace(defaults, api_port=3999, emulator_port=4999)
    drawn = local_stack_dot(template, moved)
    assert drawn != local_stack_dot(template)
    assert ":3999/local/" in drawn
    assert ":4999" in drawn
