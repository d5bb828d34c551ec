"""Data resources in the emulator: DynamoDB tables, secrets, buckets, queues, SES identities."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from botocore.exceptions import ClientError

from app.devstack.provisioning.context import Creator, ProvisioningContext
from app.devstack.provisioning.model import ACCOUNT_ID, Provisioned


class DataResources:
    """Creates each data resource unless it exists (a replayed recording already made it)."""

    def __init__(self, context: ProvisioningContext) -> None:
        self._ctx = context

    def creators(self) -> dict[str, Creator]:
        """Resource type -> creator."""
        return {
            "AWS::DynamoDB::Table": self._table,
            # Locally a global table is one table in the one region (streams included).
            "AWS::DynamoDB::GlobalTable": self._table,
            "AWS::SecretsManager::Secret": self._secret,
            "AWS::S3::Bucket": self._bucket,
            "AWS::SQS::Queue": self.queue,
            "AWS::SES::EmailIdentity": self._email_identity,
            "AWS::Logs::LogGroup": self._log_group,
        }

    def _table(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("TableName") or self._ctx.default_name(logical_id)
        try:
            table = self._ctx.client("dynamodb").describe_table(TableName=name)["Table"]
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
            table = self._ctx.client("dynamodb").create_table(**request)["TableDescription"]
        result.refs[logical_id] = name
        result.attributes[(logical_id, "Arn")] = table["TableArn"]
        ttl = props.get("TimeToLiveSpecification") or {}
        if str(ttl.get("Enabled", "")).lower() == "true":
            # Stored by moto but never acted on: the local stack's TtlReaper deletes.
            self._ctx.client("dynamodb").update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
            result.ttl_attributes[name] = ttl["AttributeName"]
        if table.get("LatestStreamArn"):
            result.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]

    def _secret(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("Name") or self._ctx.default_name(logical_id)
        client = self._ctx.client("secretsmanager")
        try:
            arn = client.describe_secret(SecretId=name)["ARN"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            generate = props.get("GenerateSecretString", {})
            value = props.get("SecretString") or _generate_secret(generate)
            tags = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in props.get("Tags", [])]
            arn = client.create_secret(Name=name, SecretString=value, Tags=tags)["ARN"]
        result.refs[logical_id] = arn

    def _bucket(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("BucketName") or self._ctx.default_name(logical_id).lower()
        s3 = self._ctx.client("s3", logical_id)
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

    def queue(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("QueueName") or self._ctx.default_name(logical_id)
        sqs = self._ctx.client("sqs", logical_id)
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
        props = self._ctx.resolve(props, result)
        ses = self._ctx.client("ses")
        ses.verify_email_identity(EmailAddress=props["EmailIdentity"])
        result.refs[logical_id] = props["EmailIdentity"]

    def _log_group(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        # Function logs go to files under the state folder (.devstack/logs), named after it.
        props = self._ctx.resolve(props, result)
        name = str(props.get("LogGroupName") or self._ctx.default_name(logical_id))
        result.refs[logical_id] = name
        # GetAtt Arn ends with `:*` (AWS::Logs::LogGroup return values): the stage's access log
        # destination names it; nothing reads it locally.
        result.attributes[(logical_id, "Arn")] = (
            f"arn:aws:logs:{self._ctx.region}:{ACCOUNT_ID}:log-group:{name}:*"
        )


def _generate_secret(spec: dict[str, Any]) -> str:
    """What GenerateSecretString makes: a password, or a JSON template with one added to it
    under GenerateStringKey (AWS::SecretsManager::Secret GenerateSecretString docs)."""
    length = int(spec.get("PasswordLength", 32))
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation", False):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    password = "".join(secrets.choice(alphabet) for _ in range(length))
    if "SecretStringTemplate" in spec and "GenerateStringKey" in spec:
        template = json.loads(spec["SecretStringTemplate"])
        return json.dumps({**template, spec["GenerateStringKey"]: password})
    return password


def _cors_rule(rule: dict[str, Any]) -> Any:
    """CloudFormation's CORS rule names -> the S3 API's."""
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
    return {renamed.get(key, key): value for key, value in rule.items()}
