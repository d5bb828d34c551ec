"""SES event publishing, read: which addresses a bounce or complaint event says to stop mailing.

The configuration set's SNS destination delivers one SES event per message, as JSON (SES
Developer Guide, "Contents of event data that Amazon SES publishes to Amazon SNS"): `eventType`
is "Bounce" or "Complaint" (identity notifications, the older mechanism, say `notificationType`
instead: both are read). Only a Permanent bounce suppresses: a Transient one (mailbox full, out
of office) or an Undetermined one does not. Every complaint suppresses.
"""

from __future__ import annotations

import json
from typing import Any


def addresses_to_suppress(message: str) -> list[tuple[str, str]]:
    """(address, reason) pairs of one SNS message's SES event; [] for anything else."""
    try:
        event: Any = json.loads(message)
    except ValueError:
        return []
    if not isinstance(event, dict):
        return []
    kind = event.get("eventType") or event.get("notificationType")
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        reason = f"bounce: {bounce.get('bounceSubType', 'General')}"
        recipients = bounce.get("bouncedRecipients") or []
    elif kind == "Complaint":
        complaint = event.get("complaint") or {}
        reason = f"complaint: {complaint.get('complaintFeedbackType', 'unspecified')}"
        recipients = complaint.get("complainedRecipients") or []
    else:
        return []
    return [
        (str(r["emailAddress"]), reason)
        for r in recipients
        if isinstance(r, dict) and isinstance(r.get("emailAddress"), str)
    ]
