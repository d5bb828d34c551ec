"""The emulator's transactions are all-or-nothing and leave the table's stream readable.

moto alone replaced the table with a copy after a canceled transaction: every stream reader
went blind, and writes made meanwhile were lost (found by the subscriber mail's ledger).
"""

from __future__ import annotations

import secrets

import boto3
import pytest

from tests.conftest import LocalAws


@pytest.fixture
def table(local_aws: LocalAws) -> str:
    name: str = local_aws.outputs["SubscribersTableName"]
    return name


def test_a_canceled_transaction_writes_nothing_and_streams_still_flow(
    local_aws: LocalAws, table: str
) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=local_aws.endpoint, region_name="us-east-1")
    streams = boto3.client(
        "dynamodbstreams", endpoint_url=local_aws.endpoint, region_name="us-east-1"
    )
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    first, second = (f"mail:test:{secrets.token_hex(4)}" for _ in range(2))
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException) as canceled:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"email": {"S": first}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"email": {"S": "nobody@example.com"}},
                        "ConditionExpression": "attribute_exists(email)",
                    }
                },
            ]
        )
    reasons = canceled.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed"]
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"email": {"S": first}})
    dynamodb.put_item(TableName=table, Item={"email": {"S": second}})
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["email"]["S"] for r in records] == [second]
