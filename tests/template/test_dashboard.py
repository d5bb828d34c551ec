"""The dashboard shows what pages someone and what the business counts: every alarm's metric has
a widget, every alarm is in the alarm widget, and every business metric the functions count is
graphed under the namespace and service they count it with."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from app.adapters.metrics import BUSINESS_METRICS, NAMESPACE
from tests.template.test_operations import alarms, watched


@pytest.fixture(scope="module")
def widgets(template: dict[str, Any]) -> list[dict[str, Any]]:
    dashboards = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"
    ]
    (dashboard,) = dashboards
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    assert isinstance(body, str)
    parsed: dict[str, Any] = json.loads(body)  # ${...} sit inside JSON strings only
    return list(parsed["widgets"])


def as_sub(value: Any) -> str:
    """An alarm's dimension value as the dashboard's !Sub writes it."""
    if isinstance(value, dict) and "Ref" in value:
        return "${" + str(value["Ref"]) + "}"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if isinstance(value, dict) and "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    return str(value)


def graphed(widgets: list[dict[str, Any]]) -> set[tuple[str, str, frozenset[tuple[str, str]]]]:
    found = set()
    for widget in widgets:
        for metric in widget["properties"].get("metrics", []):
            names = [part for part in metric if isinstance(part, str)]
            namespace, name, *pairs = names
            dimensions = frozenset(zip(pairs[::2], pairs[1::2], strict=True))
            found.add((namespace, name, dimensions))
    return found


def test_every_alarms_metric_has_a_widget(
    template: dict[str, Any], widgets: list[dict[str, Any]]
) -> None:
    shown = graphed(widgets)
    for name, alarm in alarms(template).items():
        for namespace, metric, dimensions in watched(alarm):
            key = frozenset((k, as_sub(v)) for k, v in dimensions.items())
            assert (namespace, metric, key) in shown, f"{name}: {namespace}/{metric} {set(key)}"


def test_every_alarm_made_in_every_region_is_in_the_alarm_widget(
    template: dict[str, Any], widgets: list[dict[str, Any]]
) -> None:
    (widget,) = [w for w in widgets if w["type"] == "alarm"]
    listed = {re.fullmatch(r"\$\{(\w+)\.Arn\}", arn)[1] for arn in widget["properties"]["alarms"]}  # type: ignore[index]
    resources = template["Resources"]
    unconditional = {n for n in alarms(template) if "Condition" not in resources[n]}
    assert listed == unconditional


def test_every_business_metric_is_graphed_per_stage(
    template: dict[str, Any], widgets: list[dict[str, Any]]
) -> None:
    service = template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
    expected = {
        (NAMESPACE, metric, frozenset({("service", service["Fn::Sub"])}))
        for metric in BUSINESS_METRICS
    }
    assert expected <= graphed(widgets)


def test_cloudfront_widgets_read_us_east_1(widgets: list[dict[str, Any]]) -> None:
    """CloudFront publishes its metrics in us-east-1 only, whatever the stack's region."""
    for widget in widgets:
        metrics = widget["properties"].get("metrics", [])
        if any(m[0] == "AWS/CloudFront" for m in metrics):
            assert widget["properties"]["region"] == "us-east-1"


def test_a_signal_missing_from_the_dashboard_is_caught(
    template: dict[str, Any], widgets: list[dict[str, Any]]
) -> None:
    kept = [w for w in widgets if "iterator age" not in w["properties"].get("title", "")]
    shown = graphed(kept)
    alarm = alarms(template)["SubscriberMailFunctionIteratorAgeAlarm"]
    ((namespace, metric, dimensions),) = watched(alarm)
    key = frozenset((k, as_sub(v)) for k, v in dimensions.items())
    assert (namespace, metric, key) not in shown
