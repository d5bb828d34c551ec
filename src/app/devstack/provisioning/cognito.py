"""Cognito resources: user pools, app clients, groups in the emulator; identity pools and roles
as specs for the local identity service (moto's identity pools are stubs)."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from app.devstack.provisioning.context import Creator, ProvisioningContext
from app.devstack.provisioning.model import ACCOUNT_ID, IdentityPoolSpec, Provisioned

LOCAL_ONLY_AUTH_FLOW = "ALLOW_USER_PASSWORD_AUTH"


class CognitoResources:
    """Creates user pools, clients and groups; records identity pools and their roles."""

    def __init__(self, context: ProvisioningContext) -> None:
        self._ctx = context

    def creators(self) -> dict[str, Creator]:
        """Resource type -> creator, in dependency order."""
        return {
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Cognito::UserPoolGroup": self._user_pool_group,
            "AWS::Cognito::IdentityPool": self._identity_pool,
            "AWS::IAM::Role": self._role,
            "AWS::Cognito::IdentityPoolRoleAttachment": self._role_attachment,
        }

    def _user_pool(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("UserPoolName") or self._ctx.default_name(logical_id)
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
            pool_id = self._ctx.client("cognito-idp").create_user_pool(PoolName=name, **request)[
                "UserPool"
            ]["Id"]
        result.refs[logical_id] = pool_id
        result.attributes[(logical_id, "Arn")] = (
            f"arn:aws:cognito-idp:{self._ctx.region}:{ACCOUNT_ID}:userpool/{pool_id}"
        )
        result.attributes[(logical_id, "ProviderName")] = (
            f"cognito-idp.{self._ctx.region}.amazonaws.com/{pool_id}"
        )

    def _find_pool(self, name: str) -> str | None:
        paginator = self._ctx.client("cognito-idp").get_paginator("list_user_pools")
        for page in paginator.paginate(PaginationConfig={"PageSize": 60}):
            for pool in page["UserPools"]:
                if pool["Name"] == name:
                    return str(pool["Id"])
        return None

    def _user_pool_client(
        self, logical_id: str, props: dict[str, Any], result: Provisioned
    ) -> None:
        props = self._ctx.resolve(props, result)
        pool_id = props["UserPoolId"]
        name = props.get("ClientName") or self._ctx.default_name(logical_id)
        existing = [
            client["ClientId"]
            for client in self._ctx.client("cognito-idp").list_user_pool_clients(
                UserPoolId=pool_id, MaxResults=60
            )["UserPoolClients"]
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
            client_id = self._ctx.client("cognito-idp").create_user_pool_client(
                UserPoolId=pool_id, ClientName=name, ExplicitAuthFlows=flows, **request
            )["UserPoolClient"]["ClientId"]
        result.refs[logical_id] = client_id

    def _user_pool_group(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        with contextlib.suppress(self._ctx.client("cognito-idp").exceptions.GroupExistsException):
            self._ctx.client("cognito-idp").create_group(
                GroupName=props["GroupName"],
                UserPoolId=props["UserPoolId"],
                Description=props.get("Description", ""),
            )
        result.refs[logical_id] = props["GroupName"]

    def _identity_pool(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # moto's identity pools are stubs; the local identity service (devstack.cognito) serves
        # GetId / GetCredentialsForIdentity from this spec instead.
        props = self._ctx.resolve(props, result)
        seed = f"{self._ctx.stack_name}/{logical_id}"
        pool_id = f"{self._ctx.region}:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
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
        name = self._ctx.default_name(logical_id)
        result.refs[logical_id] = name
        result.attributes[(logical_id, "Arn")] = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"
        policies = self._ctx.resolve(props.get("Policies", []), result)
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
