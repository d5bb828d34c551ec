"""template.yaml holds what linters cannot check: auth per route, route parity, least privilege."""

from __future__ import annotations

import json
import shutil
import subprocess
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.app import create_app
from app.bootstrap import build_container
from app.devstack.edge.origin import pretty_url
from app.devstack.gateway.responses import RESPONSE_TYPES, render
from app.devstack.gateway.spec import GatewayResponse
from app.devstack.provisioning.intrinsics import Resolver
from app.settings import Settings
from tests.templates import flat_routes


def api_events(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every API event of every function, by (method, path)."""
    events = [
        event
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "Api"
    ]
    by_route = {(e["Properties"]["Method"].upper(), e["Properties"]["Path"]): e for e in events}
    assert len(by_route) == len(events), "two events route the same method and path"
    return {route: event["Properties"] for route, event in by_route.items()}


def app_openapi() -> dict[str, Any]:
    spec: dict[str, Any] = _app().openapi()
    return spec


def _app() -> FastAPI:
    settings = Settings.model_validate({"TODOS_TABLE": "table", "CURSOR_KEYS": "todos-cursor-keys"})
    return create_app(build_container(settings))


def public_routes() -> set[tuple[str, str]]:
    """Routes the app serves without a token: no security requirement in its OpenAPI."""
    # Routes left out of the spec (the docs, the pages an email's link opens) are public too.
    unlisted = {
        ("GET", "/docs"),
        ("GET", "/docs/assets/{name}"),
        ("GET", "/openapi.json"),
        ("GET", "/subscriptions/confirm"),
        ("GET", "/subscriptions/unsubscribe"),
    }
    return unlisted | {
        (method.upper(), path)
        for path, operations in app_openapi()["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
    }


def app_routes() -> set[tuple[str, str]]:
    app = _app()
    routes = {
        (m, r.path)
        for r in flat_routes(app.routes)
        if isinstance(r, APIRoute)
        for m in r.methods or ()
    }
    spec_paths = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    return routes | spec_paths | {("GET", "/openapi.json")}


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
        assert (authorizer == "NONE") == (key in public_routes()), key
    body = translated["Resources"]["Api"]["Properties"]["Body"]
    for path, operations in body["paths"].items():
        for method, operation in operations.items():
            if (method.upper(), path) in public_routes():
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
    template: dict[str, Any],
) -> None:
    role = template["Resources"]["TodosFunctionRole"]["Properties"]
    for dax_on in (False, True):
        parameters = {"EnableDax": str(dax_on).lower()}
        policies = resolved(template, role["Policies"], parameters)
        statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
        by_sid = {s["Sid"]: s for s in statements}
        table = by_sid.pop("TodosTableReadWrite")
        keys = by_sid.pop("ReadCursorKeys")
        assert (keys["Action"], keys["Resource"]) == (
            "secretsmanager:GetSecretValue",
            "<TodosCursorKeys>",
        )
        assert all(a.startswith("dynamodb:") and "*" not in a for a in table["Action"])
        assert "dynamodb:Scan" not in table["Action"]
        assert table["Resource"] == ["arn:TodosTable", "arn:TodosTable/index/ByStatus"]
        if dax_on:
            dax = by_sid.pop("TodosThroughDax")
            assert dax["Resource"] == "arn:DaxCluster"
            # Through DAX, exactly what the table grant allows: no cluster administration.
            assert sorted(dax["Action"]) == sorted(
                a.replace("dynamodb:", "dax:") for a in table["Action"]
            )
        assert by_sid == {}
        managed = resolved(template, role["ManagedPolicyArns"], parameters)
        vpc = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
        assert (vpc in managed) is dax_on


def test_storage_function_only_reads_the_usage_the_meter_recorded(
    translated: dict[str, Any],
) -> None:
    role = translated["Resources"]["StorageFunctionRole"]["Properties"]
    (policy,) = role["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "ReadUsage",
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": {"Fn::GetAtt": ["StorageUsageTable", "Arn"]},
        }
    ]
    assert all(
        arn.endswith(("AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"))
        for arn in role["ManagedPolicyArns"]
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


def test_function_is_python313_and_built_by_its_makefile(template: dict[str, Any]) -> None:
    assert template["Globals"]["Function"]["Runtime"] == "python3.13"
    function = template["Resources"]["TodosFunction"]
    assert function["Metadata"]["BuildMethod"] == "makefile"
    assert function["Properties"]["Handler"] == "app.handlers.api.handler"
    for resource in template["Resources"].values():  # one auth path: API Gateway's authorizer
        variables = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
        assert "AUTH_MODE" not in variables
        assert "JWKS_URL" not in variables


def resolved(template: dict[str, Any], value: Any, parameters: dict[str, str] | None = None) -> Any:
    """Resolve intrinsics as CloudFormation would, with placeholder physical ids."""
    refs = {name: f"<{name}>" for name in template["Resources"]}
    attributes = {
        (name, attribute): f"{attribute.lower()}:{name}"
        for name in template["Resources"]
        for attribute in ("Arn", "GroupId")
    }
    attributes[("UserPool", "ProviderName")] = "cognito-idp.<region>.amazonaws.com/<pool>"
    attributes[("DaxCluster", "ClusterDiscoveryEndpointURL")] = "daxs://todos-dev.x.dax-clusters"
    values = {
        **{name: str(p.get("Default", "")) for name, p in template["Parameters"].items()},
        "AWS::Region": "us-east-1",
        "AWS::AccountId": "123456789012",
        "AWS::Partition": "aws",
        "Stage": "dev",
        **(parameters or {}),
    }
    conditions = template.get("Conditions", {})
    return Resolver(values, refs, attributes, conditions=conditions).resolve(value)


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


def cached_routes(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """GET routes whose stage method setting enables caching, with that setting."""
    settings = template["Resources"]["Api"]["Properties"]["MethodSettings"]
    cached = {}
    for setting in settings:
        if setting.get("CachingEnabled") and setting["ResourcePath"] != "/*":
            path = setting["ResourcePath"].replace("~1", "/")[1:]
            cached[(setting["HttpMethod"], path)] = setting
    return cached


def cache_keys(event: dict[str, Any]) -> set[str]:
    """The request parameters an API event marks as cache keys."""
    return {
        name
        for parameter in event.get("RequestParameters", [])
        for name, options in parameter.items()
        if options.get("Caching")
    }


def test_only_get_routes_are_cached_and_the_default_is_off(template: dict[str, Any]) -> None:
    api = template["Resources"]["Api"]["Properties"]
    assert api["CacheClusterEnabled"] is True
    (default,) = [s for s in api["MethodSettings"] if s["ResourcePath"] == "/*"]
    assert default["CachingEnabled"] is False
    routes = api_events(template)
    for method, path in cached_routes(template):
        assert method == "GET"
        assert (method, path) in routes, f"cache setting for a route that does not exist: {path}"
    assert ("GET", "/health") not in cached_routes(template)


def test_every_cached_private_route_keys_on_the_caller_path_and_query(
    template: dict[str, Any],
) -> None:
    """The leak test at the template level: no cached private response is shared by callers."""
    app_query = {
        (method.upper(), path): {
            p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
        }
        for path, operations in app_openapi()["paths"].items()
        for method, operation in operations.items()
    }
    for route, setting in cached_routes(template).items():
        keys = cache_keys(api_events(template)[route])
        private = route not in public_routes()
        if private:
            assert "method.request.header.Authorization" in keys, route
            assert setting.get("CacheDataEncrypted") is True, route
        else:
            assert "method.request.header.Authorization" not in keys, route
        for segment in route[1].split("/"):
            if segment.startswith("{"):
                assert f"method.request.path.{segment[1:-1]}" in keys, (route, segment)
        for name in app_query.get(route, set()):
            assert f"method.request.querystring.{name}" in keys, (route, name)


def test_the_translated_api_carries_the_cache_keys(translated: dict[str, Any]) -> None:
    paths = translated["Resources"]["Api"]["Properties"]["Body"]["paths"]
    integration = paths["/todos"]["get"]["x-amazon-apigateway-integration"]
    assert "method.request.header.Authorization" in integration["cacheKeyParameters"]


def test_cache_invalidation_requires_authorization(template: dict[str, Any]) -> None:
    guard = template["Resources"]["CacheInvalidationGuard"]["Properties"]
    assert guard["RestApiId"] == {"Ref": "Api"}
    assert guard["StageName"] == {"Ref": "Api.Stage"}
    assert guard["DeploymentId"] == {"Ref": "Api.Deployment"}  # re-applied on every deployment
    assert guard["RequireAuthorizationForCacheControl"] == "true"
    assert guard["UnauthorizedCacheControlHeaderStrategy"] == "FAIL_WITH_403"
    code = template["Resources"]["CacheInvalidationGuardFunction"]["Properties"]["InlineCode"]
    assert '"RequireAuthorizationForCacheControl": "requireAuthorizationForCacheControl"' in code
    assert '"/*/*/caching/{name}", "value": props[key]' in code


def test_every_cached_route_keys_on_if_none_match(template: dict[str, Any]) -> None:
    """A 304 is cached like any answer: only callers who sent the same validator may get it."""
    for route in cached_routes(template):
        keys = cache_keys(api_events(template)[route])
        assert "method.request.header.If-None-Match" in keys, route


def test_gateway_responses_are_problems_whose_status_matches_the_response(
    template: dict[str, Any],
) -> None:
    """Rendered as API Gateway renders them (only variable substitution; messageString comes
    quoted): valid problem+json whose `status` is the status sent."""
    responses = template["Resources"]["Api"]["Properties"]["GatewayResponses"]
    configured = {
        kind: GatewayResponse(
            status=int(config["StatusCode"]) if "StatusCode" in config else None,
            headers=config["ResponseParameters"]["Headers"],
            templates=config["ResponseTemplates"],
        )
        for kind, config in responses.items()
    }
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED", "REQUEST_TOO_LARGE"} <= set(configured)
    for kind in [*RESPONSE_TYPES, "DEFAULT_4XX"]:
        rendered = render(configured, kind, 'a "quoted" message', {"requestId": "r-1"}, [])
        body = json.loads(rendered.body)
        assert body["status"] == rendered.status, kind
        assert body["type"] == f"urn:problem-type:{body['code']}", kind
        assert body["request_id"] == "r-1", kind
        assert body["title"] == HTTPStatus(rendered.status).phrase, kind


def test_dax_is_tls_private_and_reachable_only_from_the_api_function(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    cluster = resources["DaxCluster"]["Properties"]
    assert cluster["ClusterEndpointEncryptionType"] == "TLS"
    assert cluster["SSESpecification"] == {"SSEEnabled": True}
    ingress = resources["DaxFromTodosFunction"]["Properties"]
    assert (ingress["FromPort"], ingress["ToPort"]) == (9111, 9111)
    assert ingress["SourceSecurityGroupId"] == {
        "Fn::GetAtt": ["TodosFunctionSecurityGroup", "GroupId"]
    }
    assert not any(r["Type"] == "AWS::EC2::NatGateway" for r in resources.values())
    endpoints = {
        r["Properties"]["ServiceName"]["Fn::Sub"].rsplit(".", 1)[1]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::VPCEndpoint"
    }
    assert endpoints == {"dynamodb", "s3"}
    dax_resources = [
        name for name, r in resources.items() if r["Type"].startswith(("AWS::DAX", "AWS::EC2"))
    ]
    assert all(resources[name].get("Condition") == "DaxEnabled" for name in dax_resources)
    group = resources["DaxParameterGroup"]["Properties"]["ParameterNameValues"]
    assert group == {
        "record-ttl-millis": {"Ref": "DaxItemTtlMillis"},
        "query-ttl-millis": {"Ref": "DaxQueryTtlMillis"},
    }


def test_api_function_uses_dax_only_when_enabled(template: dict[str, Any]) -> None:
    function = template["Resources"]["TodosFunction"]["Properties"]
    for dax_on in (False, True):
        parameters = {"EnableDax": str(dax_on).lower()}
        env = resolved(template, function["Environment"]["Variables"], parameters)
        vpc = resolved(template, {"VpcConfig": function["VpcConfig"]}, parameters)
        assert bool(env["DAX_ENDPOINT"]) is dax_on
        assert ("VpcConfig" in vpc) is dax_on
        assert env["CACHE_QUERY_TTL_MS"] == "60000"


def test_site_bucket_is_private_and_read_only_through_the_distribution(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    bucket = resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    statements = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert (
        "distribution/${SiteDistribution}"
        in allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    )
    origin = resources["SiteDistribution"]["Properties"]["DistributionConfig"]["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}


def test_one_distribution_site_default_and_api_behaviour(template: dict[str, Any]) -> None:
    config = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    default = config["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["Compress"] is True
    (pretty,) = default["FunctionAssociations"]
    assert pretty["FunctionARN"]["Fn::GetAtt"][0] == "PrettyUrlsFunction"
    # No distribution-wide 403 -> index.html: only the 404 page (see test_site_errors.py).
    assert [e["ResponsePagePath"] for e in config["CustomErrorResponses"]] == ["/404.html"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviours) == {"/api/*", "/thumbnails/*"}
    assert "FunctionAssociations" not in behaviours["/thumbnails/*"]
    api = behaviours["/api/*"]
    origin = next(o for o in config["Origins"] if o["Id"] == api["TargetOriginId"])
    assert origin["OriginPath"] == {"Fn::Sub": "/${Stage}"}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    policy = template["Resources"]["ApiCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert policy["DefaultTTL"] == 0  # honours the API's own Cache-Control
    keyed = policy["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]
    assert keyed == {"HeaderBehavior": "whitelist", "Headers": ["Authorization"]}
    site_policy = template["Resources"]["SiteCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert site_policy["DefaultTTL"] >= 86400
    viewer = config["ViewerCertificate"]["Fn::If"][1]
    assert viewer["MinimumProtocolVersion"].startswith("TLSv1.2")


def test_cloudfront_functions_rewrite_like_the_local_site(template: dict[str, Any]) -> None:
    code = template["Resources"]["PrettyUrlsFunction"]["Properties"]["FunctionCode"]
    strip = template["Resources"]["StripApiPrefixFunction"]["Properties"]["FunctionCode"]
    # Each function in its own scope: both declare `handler`.
    script = f"""
var pretty = (function () {{ {code}; return handler; }})();
var strip = (function () {{ {strip}; return handler; }})();
function uri(fn, u) {{ return fn({{request: {{uri: u}}}}).uri; }}
var cases = ["/", "/posts/x", "/posts/x/", "/static/app.js"];
var out = cases.map(function (u) {{ return uri(pretty, u); }});
out.push(uri(strip, "/api/posts"), uri(strip, "/api"));
console.log(JSON.stringify(out));
"""
    node = shutil.which("node")
    assert node, "node runs the CloudFront Functions' JavaScript here"
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    rewritten = json.loads(result.stdout)
    cases = ["/", "/posts/x", "/posts/x/", "/static/app.js"]
    assert rewritten[:4] == [pretty_url(case) for case in cases]
    assert rewritten[4:] == ["/posts", "/"]


def test_posts_table_is_global_with_streams_and_the_stacks_region(
    template: dict[str, Any],
) -> None:
    table = template["Resources"]["PostsTable"]
    assert table["Type"] == "AWS::DynamoDB::GlobalTable"
    assert table["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    for replicas in ({}, {"ReplicaRegion1": "eu-west-1"}):
        regions = [
            r["Region"] for r in resolved(template, table["Properties"]["Replicas"], replicas)
        ]
        assert regions[0] == "us-east-1"
        assert len(regions) == 1 + len(replicas)


def test_render_function_consumes_the_stream_safely(template: dict[str, Any]) -> None:
    function = template["Resources"]["RenderSiteFunction"]["Properties"]
    events = function["Events"]
    assert set(events) == {"PostsChanged", "PhotoReady"}
    assert events["PhotoReady"]["Properties"]["Stream"] == {
        "Fn::GetAtt": ["PhotosTable", "StreamArn"]
    }
    props = events["PostsChanged"]["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": ["PostsTable", "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["RenderFailuresQueue", "Arn"]
    }
    statements = function["Policies"][0]["Statement"]
    assert {s["Sid"] for s in statements} == {
        "ReadPosts", "WritePages", "InvalidateEdge", "ReportFailures",
    }  # fmt: skip


def test_subscribing_is_throttled(template: dict[str, Any]) -> None:
    settings = template["Resources"]["Api"]["Properties"]["MethodSettings"]
    (subscribe,) = [s for s in settings if s["ResourcePath"] == "/~1subscriptions"]
    assert subscribe["HttpMethod"] == "POST"
    assert subscribe["ThrottlingRateLimit"] <= 10
    assert subscribe["ThrottlingBurstLimit"] <= 20


def test_thumbnails_cannot_loop_and_the_bucket_has_a_fixed_name(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    bucket_name = resources["PhotosBucket"]["Properties"]["BucketName"]
    assert bucket_name == {"Fn::Sub": "serverless-reference-${Stage}-photos-${AWS::AccountId}"}
    function = resources["ThumbnailFunction"]["Properties"]
    (event,) = function["Events"].values()
    assert event["Properties"]["Filter"]["S3Key"]["Rules"] == [
        {"Name": "prefix", "Value": "uploads/"}
    ]
    statements = {s["Sid"]: s for s in function["Policies"][0]["Statement"]}
    assert statements["ReadUploads"]["Resource"]["Fn::Sub"].endswith("/uploads/*")
    assert statements["WriteThumbnails"]["Resource"]["Fn::Sub"].endswith("/thumbnails/*")
    # No !Ref to the bucket from the function: that would be a circular dependency.
    assert "PhotosBucket" not in json.dumps(function["Policies"])
    assert "PhotosBucket" not in json.dumps(function["Environment"])


def test_browsers_upload_photos_from_the_site_only(template: dict[str, Any]) -> None:
    """The authoring page POSTs photos straight to the bucket: only from the site's origin, only
    POST (the presigned form), nothing to read back (locally moto allows any origin)."""
    bucket = template["Resources"]["PhotosBucket"]["Properties"]
    (rule,) = bucket["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [{"Ref": "SiteOrigin"}]
    assert rule["AllowedMethods"] == ["POST"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
