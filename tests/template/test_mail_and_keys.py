"""template.yaml's subscription mail, its bounces and complaints, and the signing key rings."""

from __future__ import annotations

import json
from typing import Any

from tests.template.test_template import api_events


def test_subscriber_mail_consumes_only_states_that_call_for_mail(
    template: dict[str, Any],
) -> None:
    function = template["Resources"]["SubscriberMailFunction"]["Properties"]
    (event,) = function["Events"].values()
    props = event["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": ["SubscribersTable", "StreamArn"]}
    (pattern,) = props["FilterCriteria"]["Filters"]
    assert json.loads(pattern["Pattern"]) == {
        "eventName": ["INSERT", "MODIFY"],
        "dynamodb": {"NewImage": {"status": {"S": ["pending", "active"]}}},
    }
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["SubscriberMailFailuresQueue", "Arn"]
    }
    table = template["Resources"]["SubscribersTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["bySid"]
    statements = {s["Sid"]: s for s in function["Policies"][0]["Statement"]}
    send = statements["SendThroughTheConfigurationSet"]
    assert send["Action"] == "ses:SendRawEmail"
    resources = [r["Fn::Sub"] for r in send["Resource"]]
    assert any("identity/${SenderAddress}" in r for r in resources)
    assert any("configuration-set/${SubscriberMailConfigurationSet}" in r for r in resources)
    env = function["Environment"]["Variables"]
    assert env["SES_CONFIGURATION_SET"] == {"Ref": "SubscriberMailConfigurationSet"}
    identity = template["Resources"]["SenderIdentity"]["Properties"]
    assert identity == {"EmailIdentity": {"Ref": "SenderAddress"}}


def test_bounces_and_complaints_reach_the_suppression_function(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    destination = resources["SubscriberMailEventDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "SubscriberMailConfigurationSet"}
    assert sorted(destination["EventDestination"]["MatchingEventTypes"]) == ["bounce", "complaint"]
    topic = destination["EventDestination"]["SnsDestination"]["TopicARN"]
    assert topic == {"Ref": "SubscriberMailEventsTopic"}
    (publish, tls) = resources["SubscriberMailEventsTopicPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert publish["Principal"] == {"Service": "ses.amazonaws.com"}
    assert "aws:SourceAccount" in publish["Condition"]["StringEquals"]
    assert tls["Effect"] == "Deny"
    suppression = resources["MailSuppressionFunction"]["Properties"]
    (event,) = suppression["Events"].values()
    assert event == {"Type": "SNS", "Properties": {"Topic": {"Ref": "SubscriberMailEventsTopic"}}}
    on_failure = suppression["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
    assert on_failure["Destination"] == {"Fn::GetAtt": ["SubscriberMailFailuresQueue", "Arn"]}


def test_confirm_and_unsubscribe_are_public_and_never_cached(template: dict[str, Any]) -> None:
    events = api_events(template)
    for method in ("GET", "POST"):
        for path in ("/subscriptions/confirm", "/subscriptions/unsubscribe"):
            assert events[(method, path)]["Auth"] == {"Authorizer": "NONE"}
    cached = {
        (s["ResourcePath"], s["HttpMethod"])
        for s in template["Resources"]["Api"]["Properties"]["MethodSettings"]
        if s.get("CachingEnabled")
    }
    assert not [path for path, _ in cached if "subscriptions" in path]


SIGNING_SECRETS = {
    "TodosCursorKeys": ("TodosFunction", "CURSOR_KEYS", "CursorKeyGraceHours"),
    "PostsCursorKeys": ("PostsFunction", "CURSOR_KEYS", "CursorKeyGraceHours"),
    "SubscriptionLinkKeys": ("SubscriptionsFunction", "LINK_KEYS", "LinkKeyGraceHours"),
}


def test_each_key_ring_is_its_own_rotated_secret_read_only_by_its_functions(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    readers: dict[str, set[str]] = {}
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for statement in _statements(template, resource):
            if "secretsmanager:GetSecretValue" in _actions(statement):
                for target in _listed(statement["Resource"]):
                    readers.setdefault(target["Ref"], set()).add(name)
    for secret, (function, variable, grace) in SIGNING_SECRETS.items():
        props = resources[secret]["Properties"]
        assert props["GenerateSecretString"]["GenerateStringKey"] == "secret"
        assert props["Tags"] == [{"Key": "grace-hours", "Value": {"Ref": grace}}]
        rotation = resources[f"{secret}Rotation"]["Properties"]
        assert rotation["SecretId"] == {"Ref": secret}
        assert rotation["RotationLambdaARN"] == {
            "Fn::GetAtt": ["SigningKeyRotationFunction", "Arn"]
        }
        env = resources[function]["Properties"]["Environment"]["Variables"]
        assert env[variable] == {"Ref": secret}
        expected = {function, "SigningKeyRotationFunction"}
        if secret == "SubscriptionLinkKeys":
            expected.add("SubscriberMailFunction")
        assert readers[secret] == expected, secret
    flat = json.dumps(template)
    assert "resolve:secretsmanager" not in flat  # no key in any function's environment
    assert "CURSOR_SECRET" not in flat
    permission = resources["SigningKeyRotationPermission"]["Properties"]
    assert permission["Principal"] == "secretsmanager.amazonaws.com"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}


def _statements(template: dict[str, Any], resource: dict[str, Any]) -> list[dict[str, Any]]:
    props = resource.get("Properties", {})
    documents = [p for p in props.get("Policies", []) if isinstance(p, dict) and "Statement" in p]
    documents += [p["PolicyDocument"] for p in props.get("Policies", []) if "PolicyDocument" in p]
    role = props.get("Role")
    if isinstance(role, dict) and "Fn::GetAtt" in role:
        documents += _statements_of_role(template["Resources"][role["Fn::GetAtt"][0]])
    return [s for d in documents for s in d.get("Statement", [])]


def _statements_of_role(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        p["PolicyDocument"] for p in role["Properties"].get("Policies", []) if "PolicyDocument" in p
    ]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
