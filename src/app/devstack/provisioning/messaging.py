"""Messaging resources in the emulator: SNS topics and SES configuration sets with their events.

A configuration set's SNS event destination is stored in the emulator as SES's API names it
(`SNSDestination`, lower-case event types); the emulator's SES simulator (emulators/ses_simulator)
publishes the mailbox simulator's bounces and complaints there. A topic policy needs nothing
locally: the emulator enforces no resource policies outside the user-files bucket.
"""

from __future__ import annotations

import contextlib
from typing import Any

from app.devstack.provisioning.context import Creator, ProvisioningContext
from app.devstack.provisioning.model import Provisioned


class MessagingResources:
    """Creates each topic and configuration set unless it exists."""

    def __init__(self, context: ProvisioningContext) -> None:
        self._ctx = context

    def creators(self) -> dict[str, Creator]:
        """Resource type -> creator (in dependency order)."""
        return {
            "AWS::SNS::Topic": self._topic,
            "AWS::SES::ConfigurationSet": self._configuration_set,
            "AWS::SES::ConfigurationSetEventDestination": self._event_destination,
        }

    def _topic(self, logical_id: str, props: dict[str, Any], result: Provisioned) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("TopicName") or self._ctx.default_name(logical_id)
        arn = self._ctx.client("sns").create_topic(Name=name)["TopicArn"]  # idempotent
        result.refs[logical_id] = arn
        result.attributes[(logical_id, "TopicArn")] = arn
        result.attributes[(logical_id, "TopicName")] = name

    def _configuration_set(
        self, logical_id: str, props: dict[str, Any], result: Provisioned
    ) -> None:
        props = self._ctx.resolve(props, result)
        name = props.get("Name") or self._ctx.default_name(logical_id)
        ses = self._ctx.client("ses")
        with contextlib.suppress(ses.exceptions.ConfigurationSetAlreadyExistsException):
            ses.create_configuration_set(ConfigurationSet={"Name": name})
        result.refs[logical_id] = name

    def _event_destination(
        self, logical_id: str, props: dict[str, Any], result: Provisioned
    ) -> None:
        props = self._ctx.resolve(props, result)
        destination = props["EventDestination"]
        name = destination.get("Name") or logical_id
        event_destination: dict[str, Any] = {
            "Name": name,
            "Enabled": bool(destination.get("Enabled", False)),
            "MatchingEventTypes": [str(t).lower() for t in destination["MatchingEventTypes"]],
        }
        if "SnsDestination" in destination:
            event_destination["SNSDestination"] = {
                "TopicARN": destination["SnsDestination"]["TopicARN"]
            }
        ses = self._ctx.client("ses")
        with contextlib.suppress(ses.exceptions.EventDestinationAlreadyExistsException):
            ses.create_configuration_set_event_destination(
                ConfigurationSetName=props["ConfigurationSetName"],
                EventDestination=event_destination,
            )
        result.refs[logical_id] = name
