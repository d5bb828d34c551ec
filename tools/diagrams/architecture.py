"""The architecture picture: template.yaml's resources, routes, event sources and access, as DOT.

Three columns, left to right: what callers reach (edge, API, identity), the functions, and what
the functions use (data, messaging). Every edge points the way the calls go, so an event source
(a stream, a bucket, a topic, a rotation schedule) is drawn from the function's side with its
arrow at the function (`dir=back`): the columns stay columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Any

from tools.diagrams.access import joined
from tools.diagrams.dot import attributes, cluster, header, html_label, quote, row, table
from tools.diagrams.template_model import Model, Route, read_template


@dataclass(frozen=True)
class Kind:
    """How one resource type is drawn: its cluster, caption and colours."""

    cluster: str
    caption: str
    fill: str
    line: str


_PALETTES = {  # a look: its cluster, fill and line colours
    "function": ("functions", "#fff3e0", "#e65100"),
    "table": ("data", "#e3f2fd", "#1565c0"),
    "bucket": ("data", "#e8f5e9", "#2e7d32"),
    "keys": ("data", "#eceff1", "#455a64"),
    "queue": ("messaging", "#fce4ec", "#ad1457"),
    "mail": ("messaging", "#fff8e1", "#ff8f00"),
    "api": ("api", "#ede7f6", "#4527a0"),
    "edge": ("edge", "#f3e5f5", "#6a1b9a"),
    "stack": ("edge", "#f5f5f5", "#616161"),
    "identity": ("identity", "#ffebee", "#c62828"),
}


def _kind(palette: str, caption: str) -> Kind:
    return Kind(_PALETTES[palette][0], caption, *_PALETTES[palette][1:])


KINDS = {  # the resource types drawn (others are folded into these, or left out)
    "AWS::Serverless::Function": _kind("function", ""),
    "AWS::Lambda::Function": _kind("function", ""),
    "AWS::DynamoDB::Table": _kind("table", "DynamoDB table"),
    "AWS::DynamoDB::GlobalTable": _kind("table", "DynamoDB global table"),
    "AWS::DAX::Cluster": _kind("table", "DAX read cache"),
    "AWS::S3::Bucket": _kind("bucket", "S3 bucket"),
    "AWS::SecretsManager::Secret": _kind("keys", "Secrets Manager key ring"),
    "AWS::SQS::Queue": _kind("queue", "SQS queue"),
    "AWS::SNS::Topic": _kind("queue", "SNS topic"),
    "AWS::SES::ConfigurationSet": _kind("mail", "SES configuration set"),
    "AWS::SES::EmailIdentity": _kind("mail", "SES sender identity"),
    "AWS::Serverless::Api": _kind("api", "API Gateway REST API"),
    "AWS::CloudFront::Distribution": _kind("edge", "CloudFront distribution"),
    "AWS::CloudFormation::Stack": _kind("stack", "nested stack"),
    "AWS::Cognito::UserPool": _kind("identity", "Cognito user pool"),
    "AWS::Cognito::IdentityPool": _kind("identity", "Cognito identity pool"),
}
CLUSTERS = (
    ("edge", "Edge", "#ce93d8"),
    ("api", "API", "#b39ddb"),
    ("identity", "Identity", "#ef9a9a"),
    ("functions", "Functions (Lambda)", "#ffcc80"),
    ("data", "Data", "#90caf9"),
    ("messaging", "Messaging", "#f48fb1"),
)
COLUMNS = (("edge", "api", "identity"), ("functions",), ("data", "messaging"))
_ACCESS_COLOURS = {"read": "#1565c0", "write": "#c62828", "read/write": "#6a1b9a"}
_STYLE = {  # edge kind -> colour, line style, pen width
    "route": ("#4527a0", "solid", "1.4"),
    "event": ("#ef6c00", "bold", "1.6"),
    "failure": ("#c62828", "dashed", "1.1"),
    "origin": ("#6a1b9a", "solid", "1.4"),
    "auth": ("#78909c", "dashed", "1.1"),
}
_NONE = Kind("", "", "", "")
_RIGHT = COLUMNS[2]  # what the functions use
_KEY = [  # legend rows: colour, what it means
    ("#4527a0", "API invokes (routes in the function)"),
    ("#ef6c00", "event source (stream, S3, SNS, rotation)"),
    ("#c62828", "dashed: on-failure destination"),
    ("#1565c0", "IAM: read"),
    ("#c62828", "IAM: write"),
    ("#6a1b9a", "IAM: read/write; CloudFront behaviour"),
    ("#455a64", "IAM: send mail, invalidate, invoke"),
]
LEGEND = table(
    [row("<b>Legend</b>")]
    + [row(f"&#9472;&#9472; {escape(text)}", 11, colour) for colour, text in _KEY]
    + [row("GET*: public route (no authorizer)", 11), row("dashed box: only with a condition", 11)],
    border=1,
    padding=3,
)


def architecture_dot(template: dict[str, Any]) -> str:
    """The whole picture of `template` (parsed with `load_template`), as DOT text."""
    model = read_template(template)
    resources: dict[str, dict[str, Any]] = template.get("Resources", {})
    notes = _notes(model)
    web_acls = {link.source for link in model.links if link.kind == "guard"}
    members: dict[str, list[str]] = defaultdict(list)
    for lid in _drawing_order(model, resources):
        kind = KINDS.get(model.types[lid])
        if kind is not None and lid not in web_acls:
            members[kind.cluster].append(_node(lid, kind, resources[lid], model, notes[lid]))
    for topic, count in sorted(model.alarms.items()):
        label = html_label("CloudWatch alarms", caption=f"{count} alarms \u2192 {topic}")
        members["messaging"].append(
            f"{quote('alarms:' + topic)} "
            + attributes(label=label, fillcolor="#eceff1", color="#455a64")
            + ";"
        )
    lines = header("architecture", f"{_stack_title(template)}: generated from template.yaml", 0.5)
    for name, label, colour in CLUSTERS:
        if members[name]:
            lines += cluster(name, label, colour, members[name])
    lines.append(f"  legend {attributes(label=LEGEND, shape='plain', style='solid')};")
    column_of = {}
    for index, column in enumerate(COLUMNS):
        ids = ["legend"] if index == 0 else []
        ids += [line.split(" [", 1)[0].strip() for name in column for line in members[name]]
        column_of.update(dict.fromkeys((i.strip('"') for i in ids), index))
        lines.append("  { rank=same; " + " ".join(ids) + " }")
    lines += _edges(model, column_of)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _drawing_order(model: Model, resources: dict[str, dict[str, Any]]) -> list[str]:
    """What the functions use in order of kind, then service (`Metadata.Service`); each function
    at the mean place of what it uses: a first order that keeps most edges short and level."""
    types = list(KINDS)
    service = {lid: str(r.get("Metadata", {}).get("Service", "~")) for lid, r in resources.items()}
    used = sorted(
        (lid for lid in model.types if _cluster(model, lid) in _RIGHT),
        key=lambda lid: (
            _RIGHT.index(_cluster(model, lid)),
            types.index(model.types[lid]),
            service[lid],
            lid,
        ),
    )
    place = {lid: index for index, lid in enumerate(used)}
    functions = [lid for lid in model.types if _cluster(model, lid) == "functions"]
    reach: dict[str, list[int]] = defaultdict(list)
    for link in model.links:
        for function, other in ((link.source, link.target), (link.target, link.source)):
            if function in functions and other in place:
                reach[function].append(place[other])
    functions.sort(key=lambda f: (sum(reach[f]) / len(reach[f]) if reach[f] else len(place), f))
    rest = sorted(lid for lid in model.types if lid not in place and lid not in functions)
    return rest + functions + used


def _notes(model: Model) -> dict[str, list[str]]:
    """What is written in a node rather than drawn: authorizers, identity providers, web ACLs,
    and the labels of edges inside the right-hand column (no room for them there)."""
    notes: dict[str, list[str]] = defaultdict(list)
    for link in model.links:
        if _cluster(model, link.source) in _RIGHT and _cluster(model, link.target) in _RIGHT:
            notes[link.source].append(f"{link.label} \u2192 {link.target}")
        elif link.kind == "auth":
            notes[link.source].append(f"{link.label}: {link.target}")
        elif link.kind == "guard":
            condition = model.conditions.get(link.source)
            notes[link.target].append(
                f"WAF: {link.source}" + (f" (if {condition})" if condition else "")
            )
    return notes


def _cluster(model: Model, lid: str) -> str:
    return KINDS.get(model.types.get(lid, ""), _NONE).cluster


def _stack_title(template: dict[str, Any]) -> str:
    description = str(template.get("Description", "")).split(":", 1)[0].strip()
    return description or "Architecture"


def _node(lid: str, kind: Kind, resource: dict[str, Any], model: Model, notes: list[str]) -> str:
    caption = kind.caption
    lines: list[str] = []
    props = resource.get("Properties", {})
    rtype = model.types[lid]
    if (
        rtype in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
        and "StreamSpecification" in props
    ):
        caption += " + stream"
    elif rtype == "AWS::Serverless::Api":
        lines = _api_features(props)
    elif rtype == "AWS::CloudFormation::Stack":
        caption = f"nested stack: {props.get('TemplateURL', '')}"
    lines += notes
    if lid in model.conditions:
        lines.append(f"only if {model.conditions[lid]}")
    label = html_label(
        lid, caption=caption, lines=lines, mono=_route_lines(model.routes.get(lid, []))
    )
    style = "rounded,filled,dashed" if lid in model.conditions else "rounded,filled"
    return (
        f"{quote(lid)} "
        + attributes(label=label, fillcolor=kind.fill, color=kind.line, style=style)
        + ";"
    )


def _api_features(props: dict[str, Any]) -> list[str]:
    features = []
    if props.get("CacheClusterEnabled"):
        features.append("stage cache (chosen GETs)")
    if any("ThrottlingRateLimit" in s for s in props.get("MethodSettings", [])):
        features.append("throttling per method")
    return features


def _route_lines(routes: list[Route]) -> list[str]:
    """Routes grouped by path: `GET POST /todos`; `*` marks a route without the authorizer."""
    by_path: dict[str, list[Route]] = defaultdict(list)
    for route in routes:
        by_path[route.path].append(route)
    order = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
    lines = []
    for path in sorted(by_path):
        methods = sorted(
            by_path[path], key=lambda r: order.index(r.method) if r.method in order else 99
        )
        lines.append(" ".join(r.method + ("*" if r.public else "") for r in methods) + " " + path)
    return lines


def _edges(model: Model, column_of: dict[str, int]) -> list[str]:
    """One edge per pair and kind, its labels joined. An on-failure edge stands for the send it
    needs; an event source and the function's access to it share one two-headed edge."""
    merged: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for link in model.links:
        merged[(link.source, link.target, link.kind)].append(link.label)
    for topic in sorted(model.alarms):
        merged[(f"alarms:{topic}", topic, "event")].append("alarm")
    lines = []
    for (source, target, kind), labels in sorted(merged.items()):
        if source.startswith("schedule:"):  # no resource: a note beside the function
            column_of[source] = 2
            lines.append(
                f"  {quote(source)} "
                + attributes(label=source.split(":", 1)[1], shape="note")
                + ";"
            )
        if (
            kind in ("guard", "auth")
            or source not in column_of  # a resource the picture leaves out (a role, a log group)
            or target not in column_of
            or (kind == "access" and (source, target, "failure") in merged)
            or (kind == "access" and (target, source, "event") in merged)
        ):
            continue
        words = joined(labels)
        back = kind == "event" and column_of[source] > column_of[target]
        tail, head = (target, source) if back else (source, target)
        both = back and (tail, head, "access") in merged
        if both:
            words += joined(merged[(tail, head, "access")])
        # Two ranks between the functions and what they use: room for the labels.
        span = "2" if column_of[tail] == 1 and column_of[head] == 2 else "1"
        direction = "both" if both else "back" if back else "forward"
        shown = column_of[tail] != 2 or column_of[head] != 2  # else the label is in the node
        style = _edge_style(kind, ", ".join(words), direction, span, shown)
        if kind == "access" and (tail in model.conditions or head in model.conditions):
            style = style[:-1] + ', style="dashed"]'  # only with the template condition
        lines.append(f"  {quote(tail)} -> {quote(head)} {style};")
    return lines


def _edge_style(kind: str, label: str, direction: str, span: str, shown: bool) -> str:
    """Between the functions and what they use, labels sit in a rank of their own (span 2); the
    others are xlabels, placed after layout so they do not push the columns apart."""
    place = "label" if span == "2" else "xlabel"
    colour_of = label.split(", ", maxsplit=1)[0]
    label = label if shown else ""
    if kind == "access":
        colour = _ACCESS_COLOURS.get(colour_of, "#455a64")
        return attributes(**{place: label}, color=colour, fontcolor=colour, minlen=span)
    colour, style, width = _STYLE[kind]
    return attributes(
        **{place: label},
        color=colour,
        fontcolor=colour,
        style=style,
        penwidth=width,
        minlen=span,
        dir=direction,
    )
