"""The IAM-enforcing emulator that holds the user-files bucket, and who may do what in it.

Made before enforcement starts:
- the local stack's own admin (the identity service assumes users' roles with it, the S3 pumps
  read the notification queues with it);
- a user per function whose template policies reach a resource held there, holding exactly those
  policies: on AWS they are its execution role's inline policies; locally the function signs its
  S3 calls with this user's keys, so the emulator holds the function to the template's least
  privilege as AWS does. A user rather than an assumed role: moto evaluates the identity policies
  of both alike, and a user's keys do not expire during a long `make run`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from app.devstack.emulators.process import LOCAL_CREDENTIALS, Emulator
from app.devstack.provisioning.model import Provisioned

ADMIN_USER = "local-stack-admin"
_ALL_POWERFUL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


class UserFilesEmulator(Emulator):
    """moto with IAM enforcement (`emulators.enforcing`), its admin and its function users."""

    def __init__(self, port: int, region: str, log: Path) -> None:
        super().__init__(port, log=log, server_module="app.devstack.emulators.enforcing")
        self.region = region
        self.admin: tuple[str, str] = ("", "")
        self.function_keys: dict[str, tuple[str, str]] = {}  # function logical id -> its keys

    def create_admin(self) -> tuple[str, str]:
        """An all-powerful IAM user; its access key and secret."""
        self.admin = self._user_with(ADMIN_USER, [_ALL_POWERFUL])
        return self.admin

    def grant_functions(self, provisioned: Provisioned, resources: set[str]) -> None:
        """A user for each function whose policies name one of `resources` (by ARN)."""
        arns = {
            arn
            for (logical, attribute), arn in provisioned.attributes.items()
            if logical in resources and attribute == "Arn"
        }
        for spec in provisioned.functions.values():
            if any(arn in json.dumps(spec.policies) for arn in arns):
                self.function_keys[spec.logical_id] = self._user_with(
                    f"function-{spec.logical_id}", spec.policies
                )

    def enforce(self) -> None:
        """From now on every request is checked against IAM (unsigned ones fail)."""
        self.post("/moto-api/reset-auth", b"0")

    def admin_client(self, service: str) -> Any:
        """A client of `service` signed by the admin."""
        return boto3.session.Session(
            region_name=self.region,
            aws_access_key_id=self.admin[0],
            aws_secret_access_key=self.admin[1],
        ).client(service, endpoint_url=self.url)  # type: ignore[call-overload]

    def _user_with(self, name: str, policies: list[dict[str, Any]]) -> tuple[str, str]:
        iam = boto3.client(
            "iam",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        iam.create_user(UserName=name)
        for index, document in enumerate(policies):
            iam.put_user_policy(
                UserName=name, PolicyName=f"policy-{index}", PolicyDocument=json.dumps(document)
            )
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]


def forget_metadata(dynamodb: Any, provisioned: Provisioned, bucket: str) -> None:
    """Empty the tables that the bucket's event consumers may write (their policies name them).

    The user-files emulator is not recorded: after a restart its bucket is empty, and a table
    that describes its objects (the storage meter's) must start empty too.
    """
    consumers = {s.function for s in provisioned.s3_sources if s.bucket == bucket}
    policies = json.dumps([provisioned.functions[name].policies for name in consumers])
    for (logical, attribute), arn in provisioned.attributes.items():
        if attribute != "Arn" or not arn.startswith("arn:aws:dynamodb:") or arn not in policies:
            continue
        table = provisioned.refs[logical]
        schema = dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
        names = {f"#k{i}": key["AttributeName"] for i, key in enumerate(schema)}
        pages = dynamodb.get_paginator("scan").paginate(
            TableName=table,
            ProjectionExpression=", ".join(names),
            ExpressionAttributeNames=names,
        )
        for page in pages:
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key=item)
