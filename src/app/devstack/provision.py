"""Create in the emulator what template.yaml declares, and compute the stack's Outputs locally."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from app.devstack.cfn import Resolver
from app.devstack.emulator import LOCAL_CREDENTIALS

ACCOUNT_ID = "123456789012"  # the emulator's default account
LOCAL_ONLY_AUTH_FLOW = "ALLOW_USER_PASSWORD_AUTH"


@dataclass
class Provisioned:
    """Physical ids and attributes of what was created, and the template's Outputs evaluated."""

    parameters: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


class Provisioner:
    """Reads a template and creates tables, user pools, clients and secrets; idempotent."""

    def __init__(
        self, template: dict[str, Any], endpoint_url: str, region: str, stack_name: str
    ) -> None:
        self._template = template
        self._region = region
        self._stack_name = stack_name
        # Only ever the emulator: fake keys, never a developer's real credentials.
        session = boto3.session.Session(
            region_name=region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
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
            "AWS::SecretsManager::Secret": self._secret,
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Serverless::Function": self._function,
            "AWS::Serverless::Api": self._api,
        }
        for kind, create in creators.items():
            for logical_id, resource in resources.items():
                if resource["Type"] == kind:
                    create(logical_id, resource.get("Properties", {}), result)
                    progress(f"{kind} {logical_id} -> {result.refs[logical_id]}")
        result.skipped = sorted(
            f"{lid} ({r['Type']})" for lid, r in resources.items() if r["Type"] not in creators
        )
        resolver = self._resolver(result)
        for name, output in self._template.get("Outputs", {}).items():
            result.outputs[name] = str(resolver.resolve(output["Value"]))
        globals_env = (
            self._template.get("Globals", {}).get("Function", {}).get("Environment", {})
        ).get("Variables", {})
        for logical_id, resource in resources.items():
            if resource["Type"] == "AWS::Serverless::Function":
                own = resource["Properties"].get("Environment", {}).get("Variables", {})
                merged = {**globals_env, **own}
                result.environments[logical_id] = {
                    key: str(resolver.resolve(value)) for key, value in merged.items()
                }
        return result

    def _resolver(self, result: Provisioned) -> Resolver:
        return Resolver(result.parameters, result.refs, result.attributes, self._dynamic)

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
