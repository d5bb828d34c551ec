"""Email through SES (SendRawEmail: one message with a text and an HTML part)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.domain.errors import DependencyUnavailable


class SesMailer:
    """Sends multipart mail from one verified sender, through a configuration set (if named),
    whose event destination reports bounces and complaints."""

    def __init__(self, ses: Any, sender: str, configuration_set: str = "") -> None:
        self._ses = ses
        self._sender = sender
        self._configuration_set = configuration_set

    @classmethod
    def build(
        cls, region: str, sender: str, endpoint_url: str | None, *, configuration_set: str = ""
    ) -> SesMailer:
        """With its own SES client, from the process's botocore session (boto3 would add ~20 ms
        of imports to the mail function's cold start for nothing a client needs)."""
        from app.adapters.dynamodb_transport import shared_session

        client = shared_session().create_client(
            "ses", region_name=region, endpoint_url=endpoint_url
        )
        return cls(client, sender, configuration_set)

    def send(self, to: str, subject: str, text: str, html: str, headers: dict[str, str]) -> str:
        """Send; returns SES's message id. DependencyUnavailable when SES refuses or fails."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        for name, value in headers.items():
            message[name] = value
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        try:
            extra = (
                {"ConfigurationSetName": self._configuration_set} if self._configuration_set else {}
            )
            response = self._ses.send_raw_email(
                Source=self._sender,
                Destinations=[to],
                RawMessage={"Data": message.as_bytes()},
                **extra,
            )
        except ClientError as exc:
            raise DependencyUnavailable(exc.response["Error"]["Code"]) from exc
        except BotoCoreError as exc:
            raise DependencyUnavailable(type(exc).__name__) from exc
        message_id: str = response["MessageId"]
        return message_id
