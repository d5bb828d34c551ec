"""template.yaml holds what linters cannot check: auth per route, route parity, least privilege."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from app.api.app import create_app
from app.bootstrap import build_container
from app.devstack.cfn import Resolver, load_template
from app.settings import Settings
from tests.templates import TEMPLATE, translate

PUBLIC = {("GET", "/health"), ("GET", "/docs"), ("GET", "/openapi.json")}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def translated(template: dict[str, Any]) -> dict[str, Any]:
    return translate(template)


def api_events(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"]
    return {
        (e["Properties"]["Method"].upper(), e["Properties"]["Path"]): e["Properties"]
        for e in events.values()
        if e["Type"] == "Api"
    }


def app_routes() -> set[tuple[str, str]]:
    settings = Settings.model_validate({"TODOS_TABLE": "table", "CURSOR_SECRET": "s" * 40})
    app = create_app(build_container(settings))
    routes = {(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods or ()}
    spec_paths = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    return routes | spec_paths | {("GET", "/docs"), ("GET", "/openapi.json")}


def test_every_app_route_has_an_explicit_api_event_and_back(template: dict[str, Any]) -> None:
    assert set(api_events(template)) == app_routes()
    assert not any("{proxy+}" in path for _, path in api_events(template))


def test_private_routes_use_the_cognito_authorizer_and_public_ones_none(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    api = template["Resources"]["Api"]["Properties"]
    assert api["Auth"]["DefaultAuthorizer"] == "CognitoAuthorizer"
    for key, event in api_events(template).items():
        authorizer = event.get("Auth", {}).get("Authorizer")
        assert (authorizer == "NONE") == (key in PUBLIC), key
    body = translated["Resources"]["Api"]["Properties"]["Body"]
    for path, operations in body["paths"].items():
        for method, operation in operations.items():
            if (method.upper(), path) in PUBLIC:
                assert "security" not in operation or operation["security"] == [{"NONE": []}]
            else:
                assert operation["security"] == [{"CognitoAuthorizer": []}], (method, path)


def test_unauthorized_gateway_response_is_problem_json_with_bearer_challenge(
    template: dict[str, Any],
) -> None:
    responses = template["Resources"]["Api"]["Properties"]["GatewayResponses"]
    unauthorized = responses["UNAUTHORIZED"]["ResponseParameters"]["Headers"]
    assert unauthorized["WWW-Authenticate"].startswith("'Bearer")
    for response in responses.values():
        assert response["ResponseParameters"]["Headers"]["Content-Type"] == (
            "'application/problem+json'"
        )


def test_function_policy_reaches_only_its_own_table_without_scans(
    translated: dict[str, Any],
) -> None:
    role = translated["Resources"]["ApiFunctionRole"]["Properties"]
    statements = [s for p in role.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    assert statements
    for statement in statements:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert all(a.startswith("dynamodb:") and "*" not in a for a in actions)
        assert "dynamodb:Scan" not in actions
        resources = statement["Resource"]
        assert resources == [
            {"Fn::GetAtt": ["TodosTable", "Arn"]},
            {"Fn::Sub": "${TodosTable.Arn}/index/ByStatus"},
        ]
    managed = role.get("ManagedPolicyArns", [])
    assert all(
        arn.endswith(("AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess")) for arn in managed
    )


def test_table_is_partitioned_by_user_and_on_demand(template: dict[str, Any]) -> None:
    table = template["Resources"]["TodosTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [
        {"AttributeName": "userId", "KeyType": "HASH"},
        {"AttributeName": "id", "KeyType": "RANGE"},
    ]


def test_app_client_has_no_secret_and_only_srp_and_refresh(template: dict[str, Any]) -> None:
    client = template["Resources"]["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def test_function_is_python313_and_lambda_environment_is_apigateway_mode(
    template: dict[str, Any],
) -> None:
    assert template["Globals"]["Function"]["Runtime"] == "python3.13"
    function = template["Resources"]["ApiFunction"]
    assert function["Metadata"]["BuildMethod"] == "makefile"
    assert function["Properties"]["Environment"]["Variables"]["AUTH_MODE"] == "apigateway"
    assert function["Properties"]["Handler"] == "app.handlers.api.handler"


def resolved(template: dict[str, Any], value: Any) -> Any:
    """Resolve intrinsics as CloudFormation would, with placeholder physical ids."""
    refs = {name: f"<{name}>" for name in template["Resources"]}
    attributes = {(name, "Arn"): f"arn:{name}" for name in template["Resources"]}
    attributes[("UserPool", "ProviderName")] = "cognito-idp.<region>.amazonaws.com/<pool>"
    parameters = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "Stage": "dev"}
    return Resolver(parameters, refs, attributes).resolve(value)


def test_user_files_policy_is_limited_to_the_identitys_own_folder(template: dict[str, Any]) -> None:
    role = template["Resources"]["UserFilesAuthenticatedRole"]["Properties"]
    (policy,) = role["Policies"]
    statements = {s["Sid"]: s for s in resolved(template, policy["PolicyDocument"])["Statement"]}
    objects = statements["ReadWriteOwnFolder"]
    assert sorted(objects["Action"]) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    # The literal policy variable must reach IAM: `${!...}` inside !Sub, plain outside it.
    assert objects["Resource"] == (
        "arn:UserFilesBucket/private/${cognito-identity.amazonaws.com:sub}/*"
    )
    listing = statements["ListOwnFolder"]
    assert listing["Action"] == "s3:ListBucket"
    assert listing["Resource"] == "arn:UserFilesBucket"
    assert listing["Condition"] == {
        "StringLike": {
            "s3:prefix": [
                "private/${cognito-identity.amazonaws.com:sub}/",
                "private/${cognito-identity.amazonaws.com:sub}/*",
            ]
        }
    }
    assert set(statements) == {"ReadWriteOwnFolder", "ListOwnFolder"}


def test_authenticated_role_trusts_only_this_pools_authenticated_identities(
    template: dict[str, Any],
) -> None:
    role = template["Resources"]["UserFilesAuthenticatedRole"]["Properties"]
    (statement,) = resolved(template, role["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "<IdentityPool>"},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
    }
    attachment = template["Resources"]["IdentityPoolRoles"]["Properties"]
    assert attachment["Roles"] == {
        "authenticated": {"Fn::GetAtt": ["UserFilesAuthenticatedRole", "Arn"]}
    }


def test_identity_pool_is_bound_to_the_app_client_without_guests(template: dict[str, Any]) -> None:
    pool = template["Resources"]["IdentityPool"]["Properties"]
    assert pool["AllowUnauthenticatedIdentities"] is False
    (provider,) = pool["CognitoIdentityProviders"]
    assert provider["ClientId"] == {"Ref": "UserPoolClient"}
    assert provider["ProviderName"] == {"Fn::GetAtt": ["UserPool", "ProviderName"]}


def test_user_files_bucket_is_private_encrypted_versioned_and_tls_only(
    template: dict[str, Any],
) -> None:
    bucket = template["Resources"]["UserFilesBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == [{"Ref": "SiteOrigin"}]
    policy = template["Resources"]["UserFilesBucketPolicy"]["Properties"]["PolicyDocument"]
    (deny,) = policy["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(deny["Resource"]) == 2
