"""What the architecture picture shows, read from template.yaml: resources, routes, event sources,
and who may call what (each principal's IAM statements, resolved to the template's resources)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tools.diagrams.access import access_label, policy_template_access

_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")
# Properties that name a resource; a statement whose ARN spells the same name reaches it (the
# template writes some names out instead of !Ref-ing them, to break circular dependencies).
_NAME_PROPERTIES = ("BucketName", "TableName", "QueueName", "TopicName", "FunctionName")


@dataclass(frozen=True)
class Route:
    """One API event of a function."""

    method: str
    path: str
    public: bool  # no authorizer


@dataclass(frozen=True)
class Link:
    """A directed edge between two resources: an access, an event source, an origin."""

    source: str
    target: str
    # access (IAM grants), event (an event source), failure (on-failure destination), route (API
    # to function), origin (a distribution's behaviour), auth (authorizer, identity provider),
    # guard (a WAF web ACL)
    kind: str
    label: str


@dataclass
class Model:
    """The template, read for a picture: resource types and conditions, routes, links."""

    types: dict[str, str]  # logical id -> resource type
    conditions: dict[str, str]  # logical id -> its Condition
    routes: dict[str, list[Route]] = field(default_factory=dict)  # function -> routes
    links: list[Link] = field(default_factory=list)
    alarms: dict[str, int] = field(default_factory=dict)  # topic -> alarms notifying it

    def of_type(self, *types: str) -> list[str]:
        """Logical ids of these types, sorted."""
        return sorted(lid for lid, kind in self.types.items() if kind in types)


def references(value: Any) -> Iterator[str]:
    """Logical ids named by Ref, Fn::GetAtt and Fn::Sub anywhere inside `value`."""
    if isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            yield value["Ref"].split(".", 1)[0]  # `Fn.Version`, `Api.Stage`: SAM's own attributes
        elif "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            yield (target[0] if isinstance(target, list) else str(target)).split(".", 1)[0]
        elif "Fn::Sub" in value:
            text, variables = _sub_parts(value["Fn::Sub"])
            for name in _SUB_NAME.findall(text):
                if name.split(".", 1)[0] not in variables:
                    yield name.split(".", 1)[0]
            yield from references(list(variables.values()))
        else:
            for item in value.values():
                yield from references(item)


def _sub_parts(sub: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(sub, list):
        return str(sub[0]), dict(sub[1]) if len(sub) > 1 else {}
    return str(sub), {}


def _sub_texts(value: Any) -> Iterator[str]:
    """The text of every Fn::Sub inside `value`."""
    if isinstance(value, list):
        for item in value:
            yield from _sub_texts(item)
    elif isinstance(value, dict):
        if "Fn::Sub" in value:
            yield _sub_parts(value["Fn::Sub"])[0]
        for item in value.values():
            yield from _sub_texts(item)


def read_template(template: dict[str, Any]) -> Model:
    """The picture's model of a parsed template (intrinsics kept, as `load_template` gives)."""
    resources: dict[str, dict[str, Any]] = template.get("Resources", {})
    model = Model(
        types={lid: r["Type"] for lid, r in resources.items()},
        conditions={lid: r["Condition"] for lid, r in resources.items() if "Condition" in r},
    )
    reader = _Reader(resources, model)
    for lid in sorted(resources):
        reader.resource(lid, resources[lid])
    model.links = sorted(set(model.links), key=lambda ln: (ln.source, ln.target, ln.kind, ln.label))
    return model


class _Reader:
    def __init__(self, resources: dict[str, dict[str, Any]], model: Model) -> None:
        self._resources = resources
        self._model = model
        self._names = {
            props[key]["Fn::Sub"]: lid
            for lid, resource in resources.items()
            for props in [resource.get("Properties", {})]
            for key in _NAME_PROPERTIES
            if isinstance(props.get(key), dict) and isinstance(props[key].get("Fn::Sub"), str)
        }

    def _known(self, names: Iterator[str]) -> list[str]:
        return sorted({name for name in names if name in self._resources})

    def _link(self, source: str, target: str, kind: str, label: str) -> None:
        if source != target:
            self._model.links.append(Link(source, target, kind, label))

    def resource(self, lid: str, resource: dict[str, Any]) -> None:
        """Record what one resource adds to the picture."""
        read = self._READERS.get(resource["Type"])
        if read is not None:
            read(self, lid, resource.get("Properties", {}))

    def _pairs(self, sources: Any, targets: Any, kind: str, label: str) -> None:
        for source in self._known(references(sources)):
            for target in self._known(references(targets)):
                self._link(source, target, kind, label)

    def _dax(self, lid: str, props: dict[str, Any]) -> None:
        for role in self._known(references(props.get("IAMRoleARN"))):
            self._role_access(lid, role)

    def _identity_roles(self, _lid: str, props: dict[str, Any]) -> None:
        for pool in self._known(references(props.get("IdentityPoolId"))):
            for role in self._known(references(props.get("Roles", {}))):
                self._role_access(pool, role)

    def _identity_pool(self, lid: str, props: dict[str, Any]) -> None:
        for pool in self._known(references(props.get("CognitoIdentityProviders"))):
            if self._model.types[pool] == "AWS::Cognito::UserPool":
                self._link(lid, pool, "auth", "sign-in")

    def _api(self, lid: str, props: dict[str, Any]) -> None:
        authorizers = props.get("Auth", {}).get("Authorizers", {})
        for pool in self._known(references(authorizers or props.get("ProviderARNs"))):
            self._link(lid, pool, "auth", "Cognito authorizer")

    def _rotation(self, _lid: str, props: dict[str, Any]) -> None:
        self._pairs(props.get("SecretId"), props.get("RotationLambdaARN"), "event", "rotation")

    def _mail_events(self, _lid: str, props: dict[str, Any]) -> None:
        destination = props.get("EventDestination", {})
        events = "/".join(destination.get("MatchingEventTypes", [])) or "events"
        self._pairs(props.get("ConfigurationSetName"), destination, "event", events)

    def _web_acl(self, _lid: str, props: dict[str, Any]) -> None:
        self._pairs(props.get("WebACLArn"), props.get("ResourceArn"), "guard", "WAF")

    def _alarm(self, _lid: str, props: dict[str, Any]) -> None:
        for topic in self._known(references(props.get("AlarmActions", []))):
            self._model.alarms[topic] = self._model.alarms.get(topic, 0) + 1

    def _cloudfront(self, lid: str, props: dict[str, Any]) -> None:
        self._distribution(lid, props.get("DistributionConfig", {}))

    def _function(self, lid: str, props: dict[str, Any]) -> None:
        for policy in props.get("Policies", []) if isinstance(props.get("Policies"), list) else []:
            self._policy_access(lid, policy)
        for role in self._known(references(props.get("Role"))):
            self._role_access(lid, role)
        self._on_failure(lid, props.get("EventInvokeConfig", {}))
        for name in sorted(props.get("Events", {})):
            event = props["Events"][name]
            eprops = event.get("Properties", {})
            etype = event["Type"]
            if etype == "Api":
                public = eprops.get("Auth", {}).get("Authorizer") == "NONE"
                route = Route(str(eprops["Method"]).upper(), str(eprops["Path"]), public)
                self._model.routes.setdefault(lid, []).append(route)
                for api in self._known(references(eprops.get("RestApiId"))) or [
                    "ServerlessRestApi"
                ]:
                    self._link(api, lid, "route", "")
                continue
            if etype in ("Schedule", "ScheduleV2"):
                self._link(
                    f"schedule:{eprops.get('Schedule', eprops.get('ScheduleExpression'))}",
                    lid,
                    "event",
                    "schedule",
                )
                continue
            sources = self._known(
                references({k: v for k, v in eprops.items() if k != "DestinationConfig"})
            )
            for source in sources:
                self._link(source, lid, "event", _event_label(etype, eprops))
            self._on_failure(lid, eprops)

    def _on_failure(self, lid: str, config: dict[str, Any]) -> None:
        destination = config.get("DestinationConfig", {}).get("OnFailure", {})
        for target in self._known(references(destination.get("Destination"))):
            self._link(lid, target, "failure", "on failure")

    def _role_access(self, principal: str, role: str) -> None:
        props = self._resources[role].get("Properties", {})
        for policy in props.get("Policies", []):
            self._policy_access(principal, policy)

    def _policy_access(self, principal: str, policy: Any) -> None:
        if isinstance(policy, dict) and "Fn::If" in policy:
            for branch in policy["Fn::If"][1:]:
                self._policy_access(principal, branch)
            return
        if not isinstance(policy, dict):
            return  # a managed policy's name or ARN: nothing of this template
        document = policy.get("PolicyDocument", policy)
        if "Statement" not in document:
            for name, parameters in sorted(policy.items()):  # SAM policy templates
                label = policy_template_access(name)
                for target in self._known(references(parameters)):
                    self._link(principal, target, "access", label)
            return
        statements = document["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Effect") != "Allow":
                continue
            resource = statement.get("Resource", [])
            targets = set(self._known(references(resource)))
            for text in _sub_texts(resource):
                targets |= {lid for name, lid in self._names.items() if _names_in(name, text)}
            actions = statement.get("Action", [])
            label = access_label([actions] if isinstance(actions, str) else list(actions))
            for target in sorted(targets):
                self._link(principal, target, "access", label)

    def _distribution(self, lid: str, config: dict[str, Any]) -> None:
        origins = {
            o["Id"]: self._known(references(o.get("DomainName"))) for o in config.get("Origins", [])
        }
        behaviours = [("/*", config.get("DefaultCacheBehavior", {}))]
        behaviours += [(b["PathPattern"], b) for b in config.get("CacheBehaviors", [])]
        patterns: dict[str, list[str]] = {}
        for pattern, behaviour in behaviours:
            for target in origins.get(behaviour.get("TargetOriginId", ""), []):
                patterns.setdefault(target, []).append(pattern)
        for target, found in patterns.items():
            self._link(lid, target, "origin", " ".join(found))
        for acl in self._known(references(config.get("WebACLId"))):
            self._link(acl, lid, "guard", "WAF")
        for bucket in self._known(references(config.get("Logging", {}).get("Bucket"))):
            self._link(lid, bucket, "access", "access logs")

    _READERS: ClassVar[dict[str, Callable[[_Reader, str, dict[str, Any]], None]]] = {
        "AWS::Serverless::Function": _function,
        "AWS::Lambda::Function": _function,
        "AWS::DAX::Cluster": _dax,
        "AWS::Cognito::IdentityPoolRoleAttachment": _identity_roles,
        "AWS::Cognito::IdentityPool": _identity_pool,
        "AWS::Serverless::Api": _api,
        "AWS::ApiGateway::Authorizer": _api,
        "AWS::CloudFront::Distribution": _cloudfront,
        "AWS::SecretsManager::RotationSchedule": _rotation,
        "AWS::SES::ConfigurationSetEventDestination": _mail_events,
        "AWS::WAFv2::WebACLAssociation": _web_acl,
        "AWS::CloudWatch::Alarm": _alarm,
    }


def _names_in(name: str, arn: str) -> bool:
    """Whether the ARN pattern `arn` names `name` whole (`...-photos` is not `...-photos-123`)."""
    return re.search(r"(^|[:/])" + re.escape(name) + r"($|[:/])", arn) is not None


def _event_label(etype: str, props: dict[str, Any]) -> str:
    """A short name of an event source: the stream, the S3 events and prefix, the topic."""
    if etype == "DynamoDB":
        return "stream" + (" (filtered)" if props.get("FilterCriteria") else "")
    if etype == "S3":
        events = props.get("Events", [])
        names = {str(e).split(":")[1] for e in ([events] if isinstance(events, str) else events)}
        rules = props.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        prefix = "".join(f" {r['Value']}" for r in rules if r.get("Name") == "prefix")
        return (names.pop() if len(names) == 1 else "object events") + prefix
    return etype.lower()
