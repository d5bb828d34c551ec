"""DynamoDB transactions in the emulator, all-or-nothing without breaking streams.

moto (5.2) applies a TransactWriteItems operation by operation and, when one condition fails,
puts back deep copies of the tables it took beforehand. That replaces each Table object, so every
open stream iterator keeps reading the old object's shard and sees no record again, and any
write another request made to those tables meanwhile (moto's server is threaded) is lost.
DynamoDB does neither (Developer Guide, "Amazon DynamoDB Transactions": a transaction is
all-or-nothing; a canceled one writes nothing, so its stream carries nothing).

Here every condition is checked first, under one lock that single-item writes also take, and
only then are the writes applied: a canceled transaction changes nothing and replaces nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.RLock()


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    return run


def install() -> None:
    """Replace moto's TransactWriteItems, and serialize single-item writes with it."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_transactions_fixed", False):
        return

    def check(self: Any, item: dict[str, Any], seen: set[tuple[str, str]]) -> tuple[Any, ...]:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op = next(iter(item.values()))
        table = self.get_table(op["TableName"])
        attrs = op.get("Item") or {}
        key = op.get("Key") or {
            name: attrs[name] for name in (table.hash_key_attr, table.range_key_attr) if name
        }
        unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if unique in seen:
            raise MultipleTransactionsException()
        seen.add(unique)
        current = self.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            expression = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not expression.expr(current):
                old = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                return ("ConditionalCheckFailed", ConditionalCheckFailed().message, old)
        return (None, None, None)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        with _LOCK:
            seen: set[tuple[str, str]] = set()
            errors = [check(self, item, seen) for item in transact_items]
            if any(code is not None for code, _, _ in errors):
                raise TransactionCanceledException(errors)
            for item in transact_items:
                op_type, op = next(iter(item.items()))
                names, values = (
                    op.get("ExpressionAttributeNames"),
                    op.get("ExpressionAttributeValues"),
                )
                if op_type == "Put":
                    self.put_item(op["TableName"], op["Item"])
                elif op_type == "Delete":
                    self.delete_item(op["TableName"], op["Key"])
                elif op_type == "Update":
                    self.update_item(
                        op["TableName"],
                        op["Key"],
                        update_expression=op["UpdateExpression"],
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )

    for name in ("put_item", "update_item", "delete_item"):
        setattr(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name)))
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    DynamoDBBackend._transactions_fixed = True  # type: ignore[attr-defined]
