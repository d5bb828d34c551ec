"""Create in the emulator what template.yaml declares, and compute the stack's Outputs locally."""

from __future__ import annotations

import contextlib
import secrets
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from app.devstack.emulators.process import LOCAL_CREDENTIALS
from app.devstack.provisioning.intrinsics import Resolver

ACCOUNT_ID = "123456789012"  # the emulator's default account
LOCAL_ONLY_AUTH_FLOW = "ALLOW_USER_PASSWORD_AUTH"


@dataclass(frozen=True)
class IdentityPoolSpec:
    """A Cognito identity pool as the template declares it, for the local identity service."""

    identity_pool_id: str
    providers: dict[str, str]  # login provider name -> app client id
    allow_unauthenticated: bool
    authenticated_policies: list[dict[str, Any]]


@dataclass(frozen=True)
class StreamSource:
    """A function's DynamoDB event source, with every intrinsic resolved."""

    function: str
    handler: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class S3Source:
    """A function's S3 event source, delivered locally through an SQS queue."""

    function: str
    handler: str
    queue_url: str


@dataclass
class Provisioned:
    """Physical ids and attributes of what was created, and the template's Outputs evaluated."""

    parameters: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    role_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    identity_pools: dict[str, IdentityPoolSpec] = field(default_factory=dict)
    queue_urls: dict[str, str] = field(default_factory=dict)  # queue ARN -> URL
    stream_sources: list[StreamSource] = field(default_factory=list)
    s3_sources: list[S3Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class Provisioner:
    """Reads a template and creates tables, user pools, clients and secrets; idempotent."""

    def __init__(
        self,
        template: dict[str, Any],
        endpoint_url: str,
        region: str,
        stack_name: str,
        *,
        placement: dict[str, str] | None = None,
    ) -> None:
        """`placement` sends some resources (by logical id) to another emulator endpoint."""
        self._template = template
        self._region = region
        self._stack_name = stack_name
        self._endpoint_url = endpoint_url
        self._placement = placement or {}
        # Only ever the emulator: fake keys, never a developer's real credentials.
        self._session = boto3.session.Session(
            region_name=region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        session = self._session
        self._dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
        self._cognito = session.client("cognito-idp", endpoint_url=endpoint_url)
        self._secrets = session.client("secretsmanager", endpoint_url=endpoint_url)

    def provision(
        self, parameter_overrides: dict[str, str], progress: Callable[[str], None] = print
    ) -> Provisioned:
        """Create every supported resource (skipping ones that exist) and evaluate Outputs."""
        parameters = {
            name: str(spec.get("Default", ""))
            for name, spec in self._template.get("Parameters", {}).items()
        }
        parameters.update(parameter_overrides)
        parameters.update(
            {
                "AWS::Region": self._region,
                "AWS::AccountId": ACCOUNT_ID,
                "AWS::StackName": self._stack_name,
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
            }
        )
        result = Provisioned(parameters=parameters)
        resources: dict[str, dict[str, Any]] = self._template["Resources"]
        creators: dict[str, Callable[[str, dict[str, Any], Provisioned], None]] = {
            "AWS::DynamoDB::Table": self._table,
            # Locally a global table is one table in the one region (streams included).
            "AWS::DynamoDB::GlobalTable": self._table,
            "AWS::SecretsManager::Secret": self._secret,
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Cognito::UserPoolGroup": self._user_pool_group,
            "AWS::S3::Bucket": self._bucket,
            "AWS::Cognito::IdentityPool": self._identity_pool,
            "AWS::IAM::Role": self._role,
            "AWS::Cognito::IdentityPoolRoleAttachment": self._role_attachment,
            "AWS::SQS::Queue": self._queue,
            "AWS::SES::EmailIdentity": self._email_identity,
            "AWS::CloudFront::Distribution": self._distribution,
            "AWS::Serverless::Function": self._function,
            "AWS::Serverless::Api": self._api,
        }
        for kind, create in creators.items():
            for logical_id, resource in resources.items():
                if resource["Type"] == kind and self._wanted(resource, result):
                    create(logical_id, resource.get("Properties", {}), result)
                    progress(f"{kind} {logical_id} -> {result.refs[logical_id]}")
        result.skipped = sorted(
            f"{lid} ({r['Type']})"
            for lid, r in resources.items()
            if r["Type"] not in creators or not self._wanted(r, result)
        )
        resolver = self._resolver(result)
        for name, output in self._template.get("Outputs", {}).items():
            if self._wanted(output, result):  # an Output's Condition, like a resource's
                result.outputs[name] = str(resolver.resolve(output["Value"]))
        globals_env = (
            self._template.get("Globals", {}).get("Function", {}).get("Environment", {})
        ).get("Variables", {})
        for logical_id, resource in resources.items():
            if resource["Type"] == "AWS::Serverless::Function" and self._wanted(resource, result):
                own = resource["Properties"].get("Environment", {}).get("Variables", {})
                merged = {**globals_env, **own}
                result.environments[logical_id] = {
                    key: str(resolver.resolve(value)) for key, value in merged.items()
                }
                for event in resource["Properties"].get("Events", {}).values():
                    if event["Type"] == "S3":
                        result.s3_sources.append(
                            self._s3_notification(logical_id, resource, event, result)
                        )
                    if event["Type"] == "DynamoDB":
                        result.stream_sources.append(
                            StreamSource(
                                logical_id,
                                resource["Properties"]["Handler"],
                                resolver.resolve(event["Properties"]),
                            )
                        )
        return result

    def _resolver(self, result: Provisioned) -> Resolver:
        return Resolver(
            result.parameters,
            result.refs,
            result.attributes,
            self._dynamic,
            self._template.get("Conditions", {}),
        )

    def _wanted(self, resource: dict[str, Any], result: Provisioned) -> bool:
        """False for a resource whose Condition is false with these parameters."""
        condition = resource.get("Condition")
        return condition is None or self._resolver(result).condition(condition)

    def _dynamic(self, reference: str) -> str:
        service, _, rest = reference.partition(":")
        if service != "secretsmanager":
            raise ValueError(f"unsupported dynamic reference: {service}")
        parts = rest.split(":")
        # The secret id may itself be an ARN (arn:aws:secretsmanager:region:account:secret:name).
        split_at = 7 if rest.startswith("arn:") else 1
        secret_id, key = ":".join(parts[:split_at]), ":".join(parts[split_at:])
        if key not in ("", "SecretString"):
            raise ValueError("only whole SecretString references are supported locally")
        value: str = self._secrets.get_secret_value(SecretId=secret_id)["SecretString"]
        return value

    def _table(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._resolver(result).resolve(props)
        name = props.get("TableName") or f"{self._stack_name}-{logical_id}"
        try:
            table = self._dynamodb.describe_table(TableName=name)["Table"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            request: dict[str, Any] = {
                "TableName": name,
                "AttributeDefinitions": props["AttributeDefinitions"],
                "KeySchema": props["KeySchema"],
                "BillingMode": props.get("BillingMode", "PROVISIONED"),
            }
            if props.get("GlobalSecondaryIndexes"):
                request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
            if props.get("LocalSecondaryIndexes"):
                request["LocalSecondaryIndexes"] = props["LocalSecondaryIndexes"]
            if props.get("StreamSpecification"):
                request["StreamSpecification"] = {
                    "StreamEnabled": True,
                    **props["StreamSpecification"],
                }
            if request["BillingMode"] == "PROVISIONED":
                request["ProvisionedThroughput"] = props["ProvisionedThroughput"]
            table = self._dynamodb.create_table(**request)["TableDescription"]
        result.refs[logical_id] = name
        result.attributes[(logical_id, "Arn")] = table["TableArn"]
        if table.get("LatestStreamArn"):
            result.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]

    def _secret(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._resolver(result).resolve(props)
        name = props.get("Name") or f"{self._stack_name}-{logical_id}"
        try:
            arn = self._secrets.describe_secret(SecretId=name)["ARN"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            generate = props.get("GenerateSecretString", {})
            value = props.get("SecretString") or _generate_secret(generate)
            arn = self._secrets.create_secret(Name=name, SecretString=value)["ARN"]
        result.refs[logical_id] = arn

    def _user_pool(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._resolver(result).resolve(props)
        name = props.get("UserPoolName") or f"{self._stack_name}-{logical_id}"
        pool_id = self._find_pool(name)
        if pool_id is None:
            request = {
                key: props[key]
                for key in (
                    "Policies",
                    "UsernameAttributes",
                    "AutoVerifiedAttributes",
                    "MfaConfiguration",
                    "Schema",
                    "AccountRecoverySetting",
                )
                if key in props
            }
            pool_id = self._cognito.create_user_pool(PoolName=name, **request)["UserPool"]["Id"]
        result.refs[logical_id] = pool_id
        result.attributes[(logical_id, "Arn")] = (
            f"arn:aws:cognito-idp:{self._region}:{ACCOUNT_ID}:userpool/{pool_id}"
        )
        result.attributes[(logical_id, "ProviderName")] = (
            f"cognito-idp.{self._region}.amazonaws.com/{pool_id}"
        )

    def _find_pool(self, name: str) -> str | None:
        paginator = self._cognito.get_paginator("list_user_pools")
        for page in paginator.paginate(PaginationConfig={"PageSize": 60}):
            for pool in page["UserPools"]:
                if pool["Name"] == name:
                    return pool["Id"]
        return None

    def _user_pool_client(
        self, logical_id: str, props: dict[str, Any], result: Provisioned
    ) -> None:
        props = self._resolver(result).resolve(props)
        pool_id = props["UserPoolId"]
        name = props.get("ClientName") or f"{self._stack_name}-{logical_id}"
        existing = [
            client["ClientId"]
            for client in self._cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)[
                "UserPoolClients"
            ]
            if client["ClientName"] == name
        ]
        if existing:
            client_id = existing[0]
        else:
            # Locally the client also allows USER_PASSWORD_AUTH: a plain boto3 client can sign in
            # without implementing SRP. The deployed client allows SRP and refresh only.
            flows = sorted({*props.get("ExplicitAuthFlows", []), LOCAL_ONLY_AUTH_FLOW})
            request = {
                key: props[key]
                for key in (
                    "GenerateSecret",
                    "PreventUserExistenceErrors",
                    "EnableTokenRevocation",
                    "AccessTokenValidity",
                    "IdTokenValidity",
                    "RefreshTokenValidity",
                    "TokenValidityUnits",
                )
                if key in props
            }
            client_id = self._cognito.create_user_pool_client(
                UserPoolId=pool_id, ClientName=name, ExplicitAuthFlows=flows, **request
            )["UserPoolClient"]["ClientId"]
        result.refs[logical_id] = client_id

    def _user_pool_group(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._resolver(result).resolve(props)
        with contextlib.suppress(self._cognito.exceptions.GroupExistsException):
            self._cognito.create_group(
                GroupName=props["GroupName"],
                UserPoolId=props["UserPoolId"],
                Description=props.get("Description", ""),
            )
        result.refs[logical_id] = props["GroupName"]

    def _bucket(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._resolver(result).resolve(props)
        name = props.get("BucketName") or f"{self._stack_name}-{logical_id}".lower()
        s3 = self._session.client(
            "s3", endpoint_url=self._placement.get(logical_id, self._endpoint_url)
        )
        try:
            s3.head_bucket(Bucket=name)
        except ClientError:
            s3.create_bucket(Bucket=name)
            if props.get("VersioningConfiguration"):
                s3.put_bucket_versioning(
                    Bucket=name, VersioningConfiguration=props["VersioningConfiguration"]
                )
            if props.get("BucketEncryption"):
                s3.put_bucket_encryption(
                    Bucket=name,
                    ServerSideEncryptionConfiguration={
                        "Rules": [
                            {
                                # CloudFormation's name for the API's ApplyServerSide...Default
                                "ApplyServerSideEncryptionByDefault": rule[
                                    "ServerSideEncryptionByDefault"
                                ],
                                "BucketKeyEnabled": rule.get("BucketKeyEnabled", False),
                            }
                            for rule in props["BucketEncryption"][
                                "ServerSideEncryptionConfiguration"
                            ]
                        ]
                    },
                )
            if props.get("PublicAccessBlockConfiguration"):
                s3.put_public_access_block(
                    Bucket=name,
                    PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"],
                )
            if props.get("CorsConfiguration"):
                s3.put_bucket_cors(
                    Bucket=name,
                    CORSConfiguration={
                        "CORSRules": [
                            _cors_rule(r) for r in props["CorsConfiguration"]["CorsRules"]
                        ]
                    },
                )
        result.refs[logical_id] = name
        result.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        result.attributes[(logical_id, "DomainName")] = f"{name}.s3.amazonaws.com"

    def _identity_pool(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # moto's identity pools are stubs; the local identity service (devstack.identity) serves
        # GetId / GetCredentialsForIdentity from this spec instead.
        props = self._resolver(result).resolve(props)
        seed = f"{self._stack_name}/{logical_id}"
        pool_id = f"{self._region}:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
        result.refs[logical_id] = pool_id
        result.identity_pools[logical_id] = IdentityPoolSpec(
            identity_pool_id=pool_id,
            providers={
                p["ProviderName"]: p["ClientId"] for p in props.get("CognitoIdentityProviders", [])
            },
            allow_unauthenticated=bool(props.get("AllowUnauthenticatedIdentities", False)),
            authenticated_policies=[],
        )

    def _role(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # Roles are made per identity by the local identity service, in the IAM-enforcing emulator.
        name = f"{self._stack_name}-{logical_id}"
        result.refs[logical_id] = name
        result.attributes[(logical_id, "Arn")] = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"
        policies = self._resolver(result).resolve(props.get("Policies", []))
        result.role_policies[logical_id] = [policy["PolicyDocument"] for policy in policies]

    def _role_attachment(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        pool_logical_id = props["IdentityPoolId"]["Ref"]
        authenticated = props.get("Roles", {}).get("authenticated")
        role_logical_id = authenticated["Fn::GetAtt"][0] if authenticated else None
        spec = result.identity_pools[pool_logical_id]
        result.identity_pools[pool_logical_id] = IdentityPoolSpec(
            identity_pool_id=spec.identity_pool_id,
            providers=spec.providers,
            allow_unauthenticated=spec.allow_unauthenticated,
            authenticated_policies=result.role_policies.get(role_logical_id or "", []),
        )
        result.refs[logical_id] = spec.identity_pool_id

    def _s3_notification(
        self,
        function: str,
        resource: dict[str, Any],
        event: dict[str, Any],
        result: Provisioned,
    ) -> S3Source:
        """moto runs no function: the bucket notifies a queue, which the local pump reads."""
        props = self._resolver(result).resolve(event["Properties"])
        queue = f"{self._stack_name}-{function}-s3-events"
        self._queue(queue, {"QueueName": queue}, result)
        events = props["Events"] if isinstance(props["Events"], list) else [props["Events"]]
        rules = props.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        configuration: Any = {
            "QueueArn": result.attributes[(queue, "Arn")],
            "Events": events,
        }
        if rules:
            configuration["Filter"] = {"Key": {"FilterRules": rules}}
        s3 = self._session.client("s3", endpoint_url=self._endpoint_url)
        s3.put_bucket_notification_configuration(
            Bucket=props["Bucket"],
            NotificationConfiguration={"QueueConfigurations": [configuration]},
        )
        return S3Source(function, resource["Properties"]["Handler"], result.refs[queue])

    def _queue(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._resolver(result).resolve(props)
        name = props.get("QueueName") or f"{self._stack_name}-{logical_id}"
        sqs = self._session.client("sqs", endpoint_url=self._endpoint_url)
        url = sqs.create_queue(QueueName=name)["QueueUrl"]  # idempotent for the same name
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        result.refs[logical_id] = url
        result.attributes[(logical_id, "Arn")] = arn
        result.attributes[(logical_id, "QueueName")] = name
        result.queue_urls[arn] = url

    def _email_identity(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # The emulator has no inbox to confirm from: the identity is verified at once.
        props = self._resolver(result).resolve(props)
        ses = self._session.client("ses", endpoint_url=self._endpoint_url)
        ses.verify_email_identity(EmailAddress=props["EmailIdentity"])
        result.refs[logical_id] = props["EmailIdentity"]

    def _distribution(self, logical_id: str, _props: dict[str, Any], result: Provisioned) -> None:
        # No CDN locally: an empty id means "nothing to invalidate"; the local site server
        # plays the distribution's part (devstack.site).
        result.refs[logical_id] = ""
        result.attributes[(logical_id, "DomainName")] = "127.0.0.1"

    def _function(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # Functions are not created in the emulator (it cannot run them); the same code runs
        # in-process locally. The name is still resolved for Refs.
        name = self._resolver(result).resolve(props.get("FunctionName", logical_id))
        result.refs[logical_id] = str(name)
        result.attributes[(logical_id, "Arn")] = (
            f"arn:aws:lambda:{self._region}:{ACCOUNT_ID}:function:{name}"
        )

    def _api(self, logical_id: str, _props: dict[str, Any], result: Provisioned) -> None:
        # Served locally by uvicorn; the id only appears inside the (overridden) ApiUrl output.
        result.refs[logical_id] = "local"


def _generate_secret(spec: dict[str, Any]) -> str:
    length = int(spec.get("PasswordLength", 32))
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation", False):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _cors_rule(rule: dict[str, Any]) -> Any:
    """CloudFormation's CORS rule names -> the S3 API's."""
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
    return {renamed.get(key, key): value for key, value in rule.items()}
