"""SES's mailbox simulator and event publishing, played by the emulator (moto 5.2 does neither).

Mail sent through a configuration set whose event destination is an SNS topic makes SES
publish an event per bounce and complaint there (SES Developer Guide, "Monitoring email
sending using Amazon SES event publishing"). With no real recipient to bounce locally, the
mailbox simulator's addresses ("Using the mailbox simulator") do it: `bounce@` gives a
Permanent/General bounce, `suppressionlist@` a Permanent/OnAccountSuppressionList bounce,
`complaint@` an abuse complaint, all `@simulator.amazonses.com`, with or without a `+label`.
The event is the JSON SES publishes (`eventType`, `bounce` or `complaint`, `mail`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from app.devstack.emulators import replaying

SIMULATOR = "simulator.amazonses.com"
BOUNCES = {"bounce": "General", "suppressionlist": "OnAccountSuppressionList"}


def simulated_event(
    recipient: str, source: str, message_id: str, configuration_set: str, account: str
) -> dict[str, Any] | None:
    """The event SES would publish for mail to `recipient`, or None (delivered quietly)."""
    local, _, domain = recipient.lower().rpartition("@")
    if domain != SIMULATOR:
        return None
    mailbox = local.split("+", 1)[0]
    timestamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    mail = {
        "timestamp": timestamp,
        "source": source,
        "sendingAccountId": account,
        "messageId": message_id,
        "destination": [recipient],
        "headersTruncated": False,
        "tags": {"ses:configuration-set": [configuration_set]},
    }
    if mailbox in BOUNCES:
        bounce = {
            "feedbackId": str(uuid.uuid4()),
            "bounceType": "Permanent",
            "bounceSubType": BOUNCES[mailbox],
            "bouncedRecipients": [
                {
                    "emailAddress": recipient,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": timestamp,
            "reportingMTA": "dns; a48-30.smtp-out.amazonses.com",
        }
        return {"eventType": "Bounce", "bounce": bounce, "mail": mail}
    if mailbox == "complaint":
        complaint = {
            "feedbackId": str(uuid.uuid4()),
            "complainedRecipients": [{"emailAddress": recipient}],
            "timestamp": timestamp,
            "userAgent": "Amazon SES Mailbox Simulator",
            "complaintFeedbackType": "abuse",
            "arrivalDate": timestamp,
        }
        return {"eventType": "Complaint", "complaint": complaint, "mail": mail}
    return None


def install() -> None:
    """Publish the simulator's events after every SendRawEmail through a configuration set."""
    from moto.ses.responses import EmailResponse
    from moto.sns.models import sns_backends

    if getattr(EmailResponse, "_simulator_installed", False):
        return
    replaying.install()
    original: Callable[..., Any] = EmailResponse.send_raw_email

    def send_raw_email(self: Any) -> Any:
        result = original(self)
        configuration_set = self._get_param("ConfigurationSetName")
        if configuration_set and not replaying.now():
            _publish(self, result, configuration_set, sns_backends)
        return result

    EmailResponse.send_raw_email = send_raw_email  # type: ignore[method-assign]
    EmailResponse._simulator_installed = True  # type: ignore[attr-defined]


def _publish(response: Any, result: Any, configuration_set: str, sns_backends: Any) -> None:
    backend = response.backend
    destination = backend.config_set_event_destination.get(configuration_set) or {}
    topic = (destination.get("SNSDestination") or {}).get("TopicARN")
    wanted = {str(t).lower() for t in destination.get("MatchingEventTypes", [])}
    if not topic or not destination.get("Enabled", True):
        return
    message_id = str(getattr(result, "result", {}).get("MessageId", uuid.uuid4()))
    account, region = response.current_account, response.region
    for recipient in response._get_param("Destinations", []):
        event = simulated_event(
            recipient, response._get_param("Source"), message_id, configuration_set, account
        )
        if event is not None and event["eventType"].lower() in wanted:
            sns_backends[account][region].get_topic(topic).publish(
                json.dumps(event), subject="Amazon SES Email Event Notification"
            )
