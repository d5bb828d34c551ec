"""The local stack's picture: which process stands in for which AWS service, on which port.

Read from the code that runs it: ports and stage from `StackConfig`'s defaults, the worker cap from
the function pool, the user-files bucket's placement from the stack, and what runs from the
template (functions with code, their event sources, who reads through DAX or signs S3 calls
with its own IAM user). A port or an event source that changes changes the picture.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any

from app.devstack.config import StackConfig
from app.devstack.stack import USER_FILES_BUCKET
from tools.diagrams.dot import attributes, cluster, header, html_label, quote
from tools.diagrams.template_model import Model, read_template

_SOURCES = {  # event source resource type -> how the local stack delivers it
    "AWS::DynamoDB::Table": "DynamoDB streams",
    "AWS::DynamoDB::GlobalTable": "DynamoDB streams",
    "AWS::S3::Bucket": "S3 notifications (via SQS)",
    "AWS::SNS::Topic": "SNS subscriptions (via SQS)",
}
_SERVICES = (  # resource types, the service, what one is called
    (("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"), "DynamoDB + Streams", "table"),
    (("AWS::S3::Bucket",), "S3", "bucket"),
    (("AWS::SQS::Queue",), "SQS", "queue"),
    (("AWS::SNS::Topic",), "SNS", "topic"),
    (("AWS::SES::ConfigurationSet",), "SES (make outbox)", "configuration set"),
    (("AWS::SecretsManager::Secret",), "Secrets Manager", "key ring"),
    (("AWS::Cognito::UserPool",), "Cognito", "user pool"),
    (("AWS::Logs::LogGroup",), "CloudWatch Logs", "log group"),
)
CLIENTS = "Browser, phone app, curl"
_SERVERS = ("site", "gateway", "identity", "dax", "pollers")
_GREY, _BLUE, _ORANGE, _GREEN = (
    ("#eceff1", "#455a64"),
    ("#e3f2fd", "#1565c0"),
    ("#fff3e0", "#e65100"),
    (
        "#e8f5e9",
        "#2e7d32",
    ),
)


def _defaults() -> StackConfig:
    return StackConfig(state_dir=Path(".devstack"))


def local_stack_dot(template: dict[str, Any], config: StackConfig | None = None) -> str:
    """The local stack of `template` (parsed with `load_template`) as `make run` starts it, on
    `config`'s ports (StackConfig's defaults unless given)."""
    config, model = config or _defaults(), read_template(template)
    resources: dict[str, dict[str, Any]] = template.get("Resources", {})
    functions = sorted(
        lid
        for lid, r in resources.items()
        if r["Type"] == "AWS::Serverless::Function" and "InlineCode" not in r.get("Properties", {})
    )
    lines = header(
        "local_stack", "make run: which local process stands in for which AWS service", ranksep=0.4
    )
    lines.append(
        f"  you {attributes(label=html_label(CLIENTS), style='rounded', color='#263238')};"
    )
    lines += cluster(
        "run",
        "make run: one Python process, servers on 127.0.0.1",
        "#b0bec5",
        _servers(config, model),
    )
    max_envs = next(
        f.default for f in dataclasses.fields(StackConfig) if f.name == "max_environments"
    )
    workers = html_label(
        "Lambda: worker processes",
        caption=f"up to {max_envs} per function",
        lines=[
            "restarted when src/ changes",
            *(f"{f}: S3 as its own IAM user" for f in _own_users(model, functions)),
        ],
        mono=functions,
    )
    lines += cluster(
        "lambda",
        "Functions",
        "#ffcc80",
        [f"workers {attributes(label=workers, fillcolor=_ORANGE[0], color=_ORANGE[1])};"],
    )
    lines += cluster(
        "emulators", "AWS emulators: moto, child processes", "#90caf9", _emulators(config, model)
    )
    lines += [
        "  { rank=same; you }",
        "  { rank=same; site gateway identity dax pollers }",
        "  { rank=same; workers emulator user_files }",
    ]
    lines += _edges(functions, resources)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _servers(config: StackConfig, model: Model) -> list[str]:
    routes = sum(len(r) for r in model.routes.values())
    apis = model.of_type("AWS::Serverless::Api")
    distributions = model.of_type("AWS::CloudFront::Distribution")
    pools = model.of_type("AWS::Cognito::IdentityPool")
    daxes = model.of_type("AWS::DAX::Cluster")
    behaviours = [
        f"{link.label} \u2192 {link.target}"
        for link in model.links
        if link.kind == "origin" and link.source in distributions
    ]
    sources: dict[str, set[str]] = defaultdict(set)
    for link in model.links:
        if link.kind == "event" and model.types.get(link.source) in _SOURCES:
            sources[_SOURCES[model.types[link.source]]].add(link.target)
    nodes = [
        (
            "site",
            f"Site edge :{config.site_port}",
            f"stands in for CloudFront {', '.join(distributions)}",
            [*behaviours, "pretty URLs, error pages, security headers"],
            _GREEN,
        ),
        (
            "gateway",
            f"API Gateway :{config.api_port}/{config.stage}/",
            f"stands in for {', '.join(apis)} (REST)",
            [
                f"{routes} routes (the functions' Api events)",
                "Cognito authorizer, stage cache",
                "throttling, gateway responses",
            ],
            ("#ede7f6", "#4527a0"),
        ),
        (
            "identity",
            f"Cognito Identity :{config.identity_port}",
            f"stands in for {', '.join(pools)}",
            [
                "GetId, GetCredentialsForIdentity:",
                "a role per identity, assumed",
                "in the user-files emulator",
            ],
            ("#ffebee", "#c62828"),
        ),
        (
            "dax",
            f"DAX :{config.dax_port}",
            f"stands in for {', '.join(daxes) or 'DAX'}",
            ["item and query cache, write-through", "in front of DynamoDB"],
            _BLUE,
        ),
        (
            "pollers",
            "Event-source pollers",
            "stand in for event source mappings",
            [
                line
                for kind, targets in sorted(sources.items())
                for line in (f"{kind} to", *(f"\u2192 {t}" for t in sorted(targets)))
            ]
            + ["async retries, then on-failure queues", "DynamoDB TTL deletes"],
            _GREY,
        ),
    ]
    return [
        f"{name} "
        + attributes(
            label=html_label(title, caption=caption, lines=body), fillcolor=fill, color=line
        )
        + ";"
        for name, title, caption, body, (fill, line) in nodes
    ]


def _emulators(config: StackConfig, model: Model) -> list[str]:
    services = []
    for types, name, unit in _SERVICES:
        count = len([lid for lid in model.of_type(*types) if lid != USER_FILES_BUCKET])
        if count:
            services.append(f"{name}: {count} {unit}{'s' if count > 1 else ''}")
    main = html_label(
        f"AWS emulator :{config.emulator_port}",
        caption="its recording, replayed on start,",
        lines=[f"keeps the data ({config.state_dir}/)", *services],
    )
    enforcing = html_label(
        f"User-files emulator :{config.user_files_port}",
        caption="IAM enforced on every request",
        lines=[
            f"S3: {USER_FILES_BUCKET} + its notification queue",
            "an IAM user per function that reaches it",
            "STS roles of signed-in identities",
        ],
    )
    return [
        f"emulator {attributes(label=main, fillcolor=_BLUE[0], color=_BLUE[1])};",
        f"user_files {attributes(label=enforcing, fillcolor='#ffebee', color='#c62828')};",
    ]


def _edges(functions: list[str], resources: dict[str, dict[str, Any]]) -> list[str]:
    reads_dax = [f for f in functions if "DAX_ENDPOINT" in _environment(resources[f])]
    edges = [  # tail, head, label, drawn from the head's side (arrow at the tail)
        ("you", "site", "", False),
        ("you", "gateway", "", False),
        ("you", "identity", "", False),
        ("you", "emulator", "sign-in (user pool)", False),
        ("you", "user_files", "own folder (S3)", False),
        ("site", "gateway", "/api/*", False),
        ("site", "emulator", "site and photos buckets", False),
        ("gateway", "workers", "invoke: proxy event", False),
        ("gateway", "emulator", "user pool keys", False),
        ("pollers", "workers", "invoke: event", False),
        ("pollers", "emulator", "streams, queues", False),
        ("pollers", "user_files", "its notification queue", False),
        ("identity", "user_files", "AssumeRole", False),
        ("dax", "emulator", "misses, writes", False),
        ("workers", "emulator", "AWS SDK calls", False),
        ("dax", "workers", f"reads of {', '.join(reads_dax)}", True),
        ("workers", "user_files", "", False),  # which ones: written in the workers' node
    ]
    colours = {
        "emulator": _BLUE[1],
        "user_files": "#c62828",
        "workers": _ORANGE[1],
        "dax": _BLUE[1],
    }
    lines = []
    for tail, head, label, back in edges:
        colour = colours.get(tail if back else head, "#455a64")
        # A rank for the labels between the columns; edges from `you` leave theirs unplaced.
        across = tail in _SERVERS and head not in _SERVERS
        place = "label" if across else "xlabel"
        span = "2" if across else "1"
        style = attributes(
            **{place: label},
            color=colour,
            fontcolor=colour,
            minlen=span,
            dir="back" if back else "forward",
        )
        lines.append(f"  {quote(tail)} -> {quote(head)} {style};")
    return lines


def _own_users(model: Model, functions: list[str]) -> list[str]:
    """Functions whose policies reach the user-files bucket: each signs as its own IAM user."""
    return sorted(
        {
            link.source
            for link in model.links
            if link.kind == "access"
            and link.target == USER_FILES_BUCKET
            and link.source in functions
        }
    )


def _environment(resource: dict[str, Any]) -> dict[str, Any]:
    variables: dict[str, Any] = resource["Properties"].get("Environment", {}).get("Variables", {})
    return variables
