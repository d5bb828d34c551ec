"""The template's event sources as local pollers: each function's DynamoDB and S3 events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from app.devstack.event_sources.checkpoints import CheckpointStore
from app.devstack.event_sources.dynamodb_streams import StreamPump, StreamSubscription
from app.devstack.event_sources.s3_notifications import S3EventPump, S3Subscription
from app.devstack.functions.service import LocalLambda
from app.devstack.provisioning.model import Provisioned


def event_source_mappings(
    provisioned: Provisioned,
    functions: LocalLambda,
    streams: Any,
    sqs: Any,
    checkpoints: CheckpointStore,
    sqs_at: Callable[[str], Any] | None = None,
) -> tuple[dict[str, list[StreamPump]], dict[str, list[S3EventPump]]]:
    """Stream and S3 pollers by function, each invoking that function's workers.

    Stream pollers take their position now (LATEST means from this moment), or after their
    checkpoint when a previous run left one. `sqs` reaches the main emulator's queues;
    `sqs_at(endpoint)` those of another emulator (where a bucket and its notification queue live).
    """
    stream_pumps: dict[str, list[StreamPump]] = {}
    for source in provisioned.stream_sources:
        props = source.properties
        on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        subscription = StreamSubscription(
            function_name=provisioned.functions[source.function].name,
            stream_arn=props["Stream"],
            handler=functions.handler(source.function),
            batch_size=int(props.get("BatchSize", 100)),
            starting_position=props.get("StartingPosition", "LATEST"),
            filters=[
                json.loads(f["Pattern"]) for f in props.get("FilterCriteria", {}).get("Filters", [])
            ],
            report_batch_item_failures="ReportBatchItemFailures"
            in props.get("FunctionResponseTypes", []),
            maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
            bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
            on_failure_queue_url=provisioned.queue_urls.get(on_failure or ""),
            source=f"{source.function}/{source.event}",
        )
        pump = StreamPump(subscription, streams, sqs, checkpoints)
        pump.attach()
        stream_pumps.setdefault(source.function, []).append(pump)
    s3_pumps: dict[str, list[S3EventPump]] = {}
    for s3_source in provisioned.s3_sources:
        spec = provisioned.functions[s3_source.function]
        s3_subscription = S3Subscription(
            spec.name,
            s3_source.queue_url,
            functions.handler(s3_source.function),
            source=f"{s3_source.function}/{s3_source.event}",
            maximum_retry_attempts=spec.async_invoke.maximum_retry_attempts,
            on_failure_queue_url=provisioned.queue_urls.get(spec.async_invoke.on_failure or ""),
            function_arn=provisioned.attributes[(s3_source.function, "Arn")],
        )
        queues = sqs if sqs_at is None else sqs_at(s3_source.endpoint)
        s3_pumps.setdefault(s3_source.function, []).append(
            S3EventPump(s3_subscription, queues, checkpoints, failures_sqs=sqs)
        )
    return stream_pumps, s3_pumps
