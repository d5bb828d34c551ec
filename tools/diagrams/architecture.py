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

from tools.diagrams.dot import attributes, cluster, header, html_label, quote, row, table
from tools.diagrams.template_model import Model, Route, read_template


@dataclass(frozen=True)
class Kind:
    """How one resource type is drawn: its cluster, caption and colours."""

    cluster: str
    caption: str
    fill: str
    line: str


_FUNCTION = ("functions", "#fff3e0", "#e65100")
_TABLE = ("data", "#e3f2fd", "#1565c0")
_BUCKET = ("data", "#e8f5e9", "#2e7d32")
_KEYS = ("data", "#eceff1", "#455a64")
_QUEUE = ("messaging", "#fce4ec", "#ad1457")
_MAIL = ("messaging", "#fff8e1", "#ff8f00")
_IDENTITY = ("identity", "#ffebee", "#c62828")
_EDGE = ("edge", "#f3e5f5", "#6a1b9a")
KINDS = {
    "AWS::Serverless::Function": Kind(_FUNCTION[0], "", *_FUNCTION[1:]),
    "AWS::Lambda::Function": Kind(_FUNCTION[0], "", *_FUNCTION[1:]),
    "AWS::DynamoDB::Table": Kind(_TABLE[0], "DynamoDB table", *_TABLE[1:]),
    "AWS::DynamoDB::GlobalTable": Kind(_TABLE[0], "DynamoDB global table", *_TABLE[1:]),
    "AWS::DAX::Cluster": Kind(_TABLE[0], "DAX read cache", *_TABLE[1:]),
    "AWS::S3::Bucket": Kind(_BUCKET[0], "S3 bucket", *_BUCKET[1:]),
    "AWS::SecretsManager::Secret": Kind(_KEYS[0], "Secrets Manager key ring", *_KEYS[1:]),
    "AWS::SQS::Queue": Kind(_QUEUE[0], "SQS queue", *_QUEUE[1:]),
    "AWS::SNS::Topic": Kind(_QUEUE[0], "SNS topic", *_QUEUE[1:]),
    "AWS::SES::ConfigurationSet": Kind(_MAIL[0], "SES configuration set", *_MAIL[1:]),
    "AWS::SES::EmailIdentity": Kind(_MAIL[0], "SES sender identity", *_MAIL[1:]),
    "AWS::Serverless::Api": Kind("api", "API Gateway REST API", "#ede7f6", "#4527a0"),
    "AWS::CloudFront::Distribution": Kind(_EDGE[0], "CloudFront distribution", *_EDGE[1:]),
    "AWS::CloudFormation::Stack": Kind(_EDGE[0], "nested stack", "#f5f5f5", "#616161"),
    "AWS::Cognito::UserPool": Kind(_IDENTITY[0], "Cognito user pool", *_IDENTITY[1:]),
    "AWS::Cognito::IdentityPool": Kind(_IDENTITY[0], "Cognito identity pool", *_IDENTITY[1:]),
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
_BACKWARDS = ("functions", "data", "messaging")  # event sources there are drawn from the function
_NONE = Kind("", "", "", "")
_RIGHT = ("data", "messaging")
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
        (
            lid
            for lid in model.types
            if KINDS.get(model.types[lid], _NONE).cluster in _BACKWARDS[1:]
        ),
        key=lambda lid: (
            _BACKWARDS.index(KINDS[model.types[lid]].cluster),
            types.index(model.types[lid]),
            service[lid],
            lid,
        ),
    )
    place = {lid: index for index, lid in enumerate(used)}
    functions = [
        lid for lid in model.types if KINDS.get(model.types[lid], _NONE).cluster == "functions"
    ]
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
        words = _joined(labels)
        back = kind == "event" and column_of[source] > column_of[target]
        tail, head = (target, source) if back else (source, target)
        both = back and (tail, head, "access") in merged
        if both:
            words += _joined(merged[(tail, head, "access")])
        # Two ranks between the functions and what they use: room for the labels.
        span = "2" if column_of[tail] == 1 and column_of[head] == 2 else "1"
        direction = "both" if both else "back" if back else "forward"
        shown = column_of[tail] != 2 or column_of[head] != 2  # else the label is in the node
        style = _edge_style(kind, ", ".join(words), direction, span, shown)
        if kind == "access" and (tail in model.conditions or head in model.conditions):
            style = style[:-1] + ', style="dashed"]'  # only with the template condition
        lines.append(f"  {quote(tail)} -> {quote(head)} {style};")
    return lines


def _joined(labels: list[str]) -> list[str]:
    """`read` and `write` from two statements make one `read/write`."""
    words = list(dict.fromkeys(w for label in labels for w in label.split(", ") if w))
    if "read/write" in words or ("read" in words and "write" in words):
        words = ["read/write"] + [w for w in words if w not in ("read", "write", "read/write")]
    return words


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
