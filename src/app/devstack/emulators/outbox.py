"""The local outbox: every email the emulator's SES accepted, readable by a person."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser


@dataclass(frozen=True)
class SentMail:
    """One sent email: recipient, subject, and both parts."""

    recipients: list[str]
    sender: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def read_outbox(emulator_url: str) -> list[SentMail]:
    """Sent mail from the emulator's state (`/moto-api/data.json`), oldest first."""
    with urllib.request.urlopen(f"{emulator_url}/moto-api/data.json", timeout=10) as response:  # noqa: S310
        data = json.load(response)
    mails = []
    for raw in data.get("ses", {}).get("RawMessage", []):
        message = BytesParser(policy=policy.default).parsebytes(raw["raw_data"].encode())
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        mails.append(
            SentMail(
                recipients=sorted(set(raw["destinations"])),
                sender=raw["source"],
                subject=str(message["Subject"]),
                text=text_part.get_content() if text_part else "",
                html=html_part.get_content() if html_part else "",
                headers={k: str(v) for k, v in message.items()},
            )
        )
    return mails


def format_outbox(mails: list[SentMail]) -> str:
    """The outbox as text for a terminal."""
    if not mails:
        return "The outbox is empty."
    blocks = []
    for number, mail in enumerate(mails, 1):
        blocks.append(
            f"#{number}  To: {', '.join(mail.recipients)}  From: {mail.sender}\n"
            f"Subject: {mail.subject}\n--- text ---\n{mail.text.strip()}\n"
            f"--- html ---\n{mail.html.strip()}\n"
        )
    return "\n".join(blocks)
