"""The committed OpenAPI spec is fit to generate SDKs from: ids, tags, errors, examples."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.api.services import TAGS
from tests.conftest import REPO_ROOT

SPEC: dict[str, Any] = json.loads((REPO_ROOT / "clients" / "openapi.json").read_text())
OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
]
PROBLEM = {"$ref": "#/components/schemas/Problem"}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def ids(item: tuple[str, str, dict[str, Any]]) -> str:
    return f"{item[0]} {item[1]}"


def test_operation_ids_are_unique_and_every_service_is_a_tag() -> None:
    op_ids = [operation["operationId"] for _, _, operation in OPERATIONS]
    assert len(op_ids) == len(set(op_ids)) == len(OPERATIONS) >= 16
    assert {t["name"] for t in SPEC["tags"]} == set(TAGS)
    assert {operation["tags"][0] for _, _, operation in OPERATIONS} == set(TAGS)


@pytest.mark.parametrize("item", OPERATIONS, ids=ids)
def test_every_operation_documents_its_errors_as_problem_json(
    item: tuple[str, str, dict[str, Any]],
) -> None:
    _, _, operation = item
    assert len(operation["tags"]) == 1
    errors = {s: r for s, r in operation["responses"].items() if s.startswith(("4", "5"))}
    if operation.get("parameters") or operation.get("requestBody"):
        assert "422" in errors  # anything with input can reject it
    for status, response in errors.items():
        assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}, status
        assert response["description"]
    if operation.get("security"):
        assert "401" in errors
    assert {"429", "502", "504"} <= set(errors)  # API Gateway's own answers, on any operation


@pytest.mark.parametrize("item", OPERATIONS, ids=ids)
def test_every_body_has_an_example(item: tuple[str, str, dict[str, Any]]) -> None:
    _, _, operation = item
    body = operation.get("requestBody")
    if body:
        schema = resolve(body["content"]["application/json"]["schema"])
        assert schema.get("examples"), schema.get("title")
    for status, response in operation["responses"].items():
        json_body = response.get("content", {}).get("application/json")
        if status.startswith("2") and json_body:
            schema = resolve(json_body["schema"])
            assert schema.get("examples"), (status, schema.get("title"))
    assert resolve(PROBLEM)["examples"]
