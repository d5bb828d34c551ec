"""IAM actions in a word or two: read, write, read/write, or what the action does (send, invoke)."""

from __future__ import annotations

_READ_VERBS = ("Get", "Query", "Scan", "BatchGet", "Describe", "List", "ConditionCheck", "Head")
_DATA_SERVICES = ("dynamodb", "dax", "s3", "secretsmanager")
# Other services' actions by what they do.
_VERBS = {
    "sqs:SendMessage": "send",
    "sqs:ReceiveMessage": "receive",
    "sqs:DeleteMessage": "receive",
    "sns:Publish": "publish",
    "ses:SendEmail": "send mail",
    "ses:SendRawEmail": "send mail",
    "ses:SendTemplatedEmail": "send mail",
    "lambda:InvokeFunction": "invoke",
    "cloudfront:CreateInvalidation": "invalidate",
    "apigateway:PATCH": "update stage",
}
# SAM policy templates (SAM Developer Guide, "AWS SAM policy template list") by what they grant.
_POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy": "read/write",
    "DynamoDBReadPolicy": "read",
    "DynamoDBWritePolicy": "write",
    "DynamoDBStreamReadPolicy": "read stream",
    "DynamoDBReconfigurePolicy": "reconfigure",
    "S3CrudPolicy": "read/write",
    "S3FullAccessPolicy": "read/write",
    "S3ReadPolicy": "read",
    "S3WritePolicy": "write",
    "SQSSendMessagePolicy": "send",
    "SQSPollerPolicy": "receive",
    "SNSPublishMessagePolicy": "publish",
    "SNSCrudPolicy": "publish",
    "SESCrudPolicy": "send mail",
    "SESBulkTemplatedCrudPolicy": "send mail",
    "SESSendBouncePolicy": "send mail",
    "LambdaInvokePolicy": "invoke",
    "AWSSecretsManagerGetSecretValuePolicy": "read",
    "AWSSecretsManagerRotationPolicy": "rotate",
    "StepFunctionsExecutionPolicy": "start",
    "EventBridgePutEventsPolicy": "put events",
    "KinesisCrudPolicy": "read/write",
    "KinesisStreamReadPolicy": "read",
}


def policy_template_access(name: str) -> str:
    """What a SAM policy template grants, in a word; its own name when unknown."""
    return _POLICY_TEMPLATES.get(name, name)


def access_label(actions: list[str]) -> str:
    """One label for a statement's actions, e.g. `read/write` or `send`."""
    words: list[str] = []
    read = write = False
    for action in actions:
        service, _, verb = str(action).partition(":")
        if service in _DATA_SERVICES:
            if verb == "*" or not verb.startswith(_READ_VERBS):
                write = True
            if verb == "*" or verb.startswith(_READ_VERBS):
                read = True
        else:
            words.append(_VERBS.get(str(action), str(action)))
    if read or write:
        words.insert(0, "read/write" if read and write else "read" if read else "write")
    return ", ".join(dict.fromkeys(words))


def joined(labels: list[str]) -> list[str]:
    """`read` and `write` from two statements make one `read/write`."""
    words = list(dict.fromkeys(w for label in labels for w in label.split(", ") if w))
    if "read/write" in words or ("read" in words and "write" in words):
        words = ["read/write"] + [w for w in words if w not in ("read", "write", "read/write")]
    return words
