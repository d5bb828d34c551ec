"""Business metrics: counted during an invocation, printed as one EMF line at its end (none for
a quiet one), and read back by the local stack into one readable line per metric."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.adapters.metrics import EMAILS_SENT, NAMESPACE, TODOS_CREATED, BusinessMetrics
from app.devstack.cloudwatch.emf import EmfTail, readable


def emf_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if '"_aws"' in line]


def test_counts_are_printed_once_per_flush_as_emf(capsys: pytest.CaptureFixture[str]) -> None:
    metrics = BusinessMetrics()
    metrics.count(TODOS_CREATED)
    metrics.count(TODOS_CREATED)
    metrics.count(EMAILS_SENT, 3)
    metrics.flush()
    (line,) = emf_lines(capsys.readouterr().out)
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == NAMESPACE
    assert directive["Dimensions"] == [["service"]]
    assert {m["Name"] for m in directive["Metrics"]} == {TODOS_CREATED, EMAILS_SENT}
    assert sum(line[TODOS_CREATED]) == 2
    assert sum(line[EMAILS_SENT]) == 3


def test_a_quiet_invocation_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    metrics = BusinessMetrics()
    metrics.count(EMAILS_SENT, 0)
    metrics.flush()
    assert emf_lines(capsys.readouterr().out) == []


def test_an_unknown_metric_is_refused() -> None:
    """The dashboard graphs a fixed set of names: a typo would be a metric nobody sees."""
    with pytest.raises(ValueError, match="unknown business metric"):
        BusinessMetrics().count("TodoCreated")


def test_emf_lines_read_back_as_one_line_per_metric(capsys: pytest.CaptureFixture[str]) -> None:
    metrics = BusinessMetrics()
    metrics.count(TODOS_CREATED)
    metrics.flush()
    (line,) = [raw for raw in capsys.readouterr().out.splitlines() if '"_aws"' in raw]
    (text,) = readable(line)
    assert text.startswith(f"metric {NAMESPACE}/{TODOS_CREATED} +1 Count (service=")
    assert readable('{"level":"INFO","message":"photo"}') == []
    assert readable("START RequestId: 1 Version: $LATEST") == []


def test_the_tail_shows_metrics_appended_to_function_logs(tmp_path: Path) -> None:
    def emf(dimensions: list[list[str]], name: str, **values: object) -> str:
        directive = {
            "Namespace": "N",
            "Dimensions": dimensions,
            "Metrics": [{"Name": name, "Unit": "Count"}],
        }
        return json.dumps({"_aws": {"CloudWatchMetrics": [directive]}, **values})

    old = emf([], "A", A=[1])
    new = emf([["service"]], "B", service="s", B=[1.0, 2.0])
    (tmp_path / "PostsFunction.log").write_text(old + "\n")  # shown in an earlier run
    shown: list[tuple[str, str]] = []
    tail = EmfTail(tmp_path, lambda function, text: shown.append((function, text)))
    tail.start()
    tail.stop()
    assert shown == []
    with (tmp_path / "PostsFunction.log").open("a") as log:
        log.write("START RequestId: 1\n" + new[:40])  # a line still being written
    tail.poll()
    assert shown == []
    with (tmp_path / "PostsFunction.log").open("a") as log:
        log.write(new[40:] + "\nEND RequestId: 1\n")
    (tmp_path / "ThumbnailFunction.log").write_text(new + "\n")
    tail.poll()
    assert shown == [
        ("PostsFunction", "metric N/B +3 Count (service=s)"),
        ("ThumbnailFunction", "metric N/B +3 Count (service=s)"),
    ]
