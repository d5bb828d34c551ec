"""Microservices from one codebase: each function serves its own routes, reaches its own data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from app.api.app import create_app
from app.api.services import ROUTERS
from app.bootstrap import build_container
from app.settings import SERVICES, Settings
from tests.template.test_template import api_events, resolved
from tests.templates import flat_routes

PLATFORM = {
    ("GET", "/health"),
    ("GET", "/docs"),
    ("GET", "/docs/assets/{name}"),
    ("GET", "/openapi.json"),
}
DATA_TYPES = {
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::Cognito::IdentityPool",
    "AWS::DAX::Cluster",
    "AWS::SES::EmailIdentity",
}
# Physical names that identify a resource inside policy strings (ARNs built with !Sub).
NAME_PROPERTIES = ("TableName", "BucketName", "QueueName", "ClusterName", "EmailIdentity")


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function" and owner(resource)
    }


def owner(resource: dict[str, Any]) -> str | None:
    service: str | None = resource.get("Metadata", {}).get("Service")
    return service


def service_functions(template: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Service name -> (function, its resolved environment) for the functions bound to routes."""
    found = {}
    for name, resource in functions(template).items():
        environment = resource["Properties"].get("Environment", {}).get("Variables", {})
        if "SERVICES" in environment:
            assert environment["SERVICES"] == owner(resource), name
            found[environment["SERVICES"]] = (name, resolved(template, environment))
    return found


def app_routes(services: str) -> set[tuple[str, str]]:
    settings = Settings.model_validate({"SERVICES": services, **SERVICE_ENV[services]})
    app = create_app(build_container(settings))
    routes = flat_routes(app.routes)
    return {
        (method, route.path)
        for route in routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    } | {("GET", "/openapi.json")}


SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:keys"
SERVICE_ENV = {
    "todos": {"TODOS_TABLE": "todos", "CURSOR_KEYS": SECRET},
    "storage": {
        "IDENTITY_POOL_ID": "us-east-1:pool",
        "USER_FILES_BUCKET": "files",
        "STORAGE_USAGE_TABLE": "usage",
    },
    "blog": {"POSTS_TABLE": "posts", "CURSOR_KEYS": SECRET},
    "subscriptions": {"SUBSCRIBERS_TABLE": "subscribers", "LINK_KEYS": SECRET},
    "photos": {"PHOTOS_TABLE": "photos", "PHOTOS_BUCKET": "photos"},
}


def test_every_service_has_exactly_one_function_and_every_function_a_service(
    template: dict[str, Any],
) -> None:
    assert tuple(ROUTERS) == SERVICES  # and its routers
    assert set(service_functions(template)) == set(SERVICES)
    for name, resource in functions(template).items():
        assert resource["Properties"]["Tags"] == {"service": owner(resource)}, name
        assert owner(resource) in SERVICES, name


def test_each_function_is_routed_exactly_the_routes_its_app_serves(
    template: dict[str, Any],
) -> None:
    """Route parity per service: the template's events of a function are its app's routes."""
    events = api_events(template)
    routed_to: dict[tuple[str, str], str] = {}
    for resource_name, resource in functions(template).items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                props = event["Properties"]
                routed_to[(props["Method"].upper(), props["Path"])] = resource_name
    assert set(routed_to) == set(events)
    for service, (function, _) in service_functions(template).items():
        served = app_routes(service)
        routed = {route for route, name in routed_to.items() if name == function}
        own = served - PLATFORM
        assert own, f"the {service} service serves no routes of its own"
        # Platform routes reach every app but API Gateway sends them to the to-dos function.
        expected = own | PLATFORM if service == "todos" else own
        assert routed == expected, service


def test_a_service_app_does_not_serve_another_services_routes() -> None:
    todos, photos = app_routes("todos"), app_routes("photos")
    assert ("GET", "/todos") in todos
    assert ("GET", "/todos") not in photos
    assert ("POST", "/posts/{slug}/photos") in photos
    assert not any(path.startswith("/posts") for _, path in todos)


def test_each_functions_environment_starts_its_service(template: dict[str, Any]) -> None:
    """The template sets what each service needs, and nothing of another service's data."""
    data_variables = {
        "TODOS_TABLE": "todos",
        "POSTS_TABLE": "blog",
        "SUBSCRIBERS_TABLE": "subscriptions",
        "PHOTOS_TABLE": "photos",
        "PHOTOS_BUCKET": "photos",
        "USER_FILES_BUCKET": "storage",
        "IDENTITY_POOL_ID": "storage",
    }
    for service, (function, environment) in service_functions(template).items():
        # Secrets resolve at deploy time; a placeholder of the right length stands in.
        values = {
            k: (SECRET if "resolve:secretsmanager" in v else v) for k, v in environment.items()
        }
        settings = Settings.model_validate(values)
        assert settings.services == (service,)
        assert settings.serves(service), function
        foreign = {k for k in environment if data_variables.get(k, service) != service}
        assert not foreign, (function, foreign)


def test_a_service_missing_its_settings_fails_at_start() -> None:
    with pytest.raises(ValueError, match="photos service needs PHOTOS_BUCKET"):
        Settings.model_validate({"SERVICES": "photos", "PHOTOS_TABLE": "photos"})
    with pytest.raises(ValueError, match="unknown services"):
        Settings.model_validate({"SERVICES": "todos,billing", **SERVICE_ENV["todos"]})


def test_every_data_resource_belongs_to_one_service(template: dict[str, Any]) -> None:
    for name, resource in template["Resources"].items():
        if resource["Type"] in DATA_TYPES:
            assert owner(resource) in SERVICES, f"{name} has no owning service"


def physical_names(template: dict[str, Any]) -> dict[str, str]:
    """Resolved physical names of owned resources (what a hand-built ARN would contain)."""
    names = {}
    for name, resource in template["Resources"].items():
        for prop in NAME_PROPERTIES:
            value = resource.get("Properties", {}).get(prop)
            if value is not None and owner(resource):
                names[name] = str(resolved(template, value))
    return names


def referenced_resources(template: dict[str, Any], value: Any) -> set[str]:
    """Logical ids a value names through Ref, GetAtt or ${...} in Sub, or by physical name."""
    found: set[str] = set()
    text = json.dumps(value)
    for logical in template["Resources"]:
        patterns = (
            rf'"Ref": "{logical}"',
            rf'"Fn::GetAtt": \["{logical}"',
            rf"\$\{{{logical}[.}}]",
        )
        if any(re.search(pattern, text) for pattern in patterns):
            found.add(logical)
    # With DAX on, so the conditional DAX grants are checked too.
    flat = json.dumps(resolved(template, value, {"EnableDax": "true"}), default=str)
    found |= {
        logical
        for logical, name in physical_names(template).items()
        if re.search(re.escape(name) + r"(?![A-Za-z0-9-])", flat)  # not a longer name's prefix
    }
    return found


def policies_of(template: dict[str, Any], function: dict[str, Any]) -> list[Any]:
    props = function["Properties"]
    policies = list(props.get("Policies", []))
    role = props.get("Role")
    if role:
        (role_name, _) = role["Fn::GetAtt"]
        policies += template["Resources"][role_name]["Properties"].get("Policies", [])
    return policies


def test_no_functions_policy_names_another_services_resources(template: dict[str, Any]) -> None:
    """Least privilege across services: a function's IAM reaches only its own service's data."""
    for name, function in functions(template).items():
        service = owner(function)
        for policy in policies_of(template, function):
            for logical in referenced_resources(template, policy):
                other = owner(template["Resources"][logical])
                assert other in (service, None), f"{name} ({service}) names {logical} ({other})"


def test_the_least_privilege_check_catches_a_foreign_grant(template: dict[str, Any]) -> None:
    """The check above is not vacuous: a hand-written ARN of another service's bucket is found."""
    foreign = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": {
                    "Fn::Sub": "arn:aws:s3:::serverless-reference-${Stage}-photos-"
                    "${AWS::AccountId}/thumbnails/*"
                },
            },
            {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": {"Ref": "TodosTable"}},
        ]
    }
    assert referenced_resources(template, foreign) == {"PhotosBucket", "TodosTable"}
