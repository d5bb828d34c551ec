"""The steps of a start summed up in a line each, and the outputs table once the stack is ready.

The detail goes to files: every resource with its physical name in `resources.txt` beside the
stack's state, the functions' logs under `logs/`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from app.devstack.console import Console, seconds
from app.devstack.console.lines import plural
from app.devstack.functions.service import LocalLambda
from app.devstack.provisioning.model import Provisioned

# What a person calls a resource type; any other is its last part in words ("log group").
KINDS = {
    "AWS::DynamoDB::Table": "table",
    "AWS::DynamoDB::GlobalTable": "table",
    "AWS::S3::Bucket": "bucket",
    "AWS::Serverless::Function": "function",
    "AWS::Lambda::Function": "function",
    "AWS::SQS::Queue": "queue",
    "AWS::SNS::Topic": "topic",
    "AWS::SecretsManager::Secret": "secret",
    "AWS::Cognito::UserPool": "user pool",
    "AWS::Serverless::Api": "API",
}
# Named in trigger descriptions by their logical ids (a table's stream, a bucket's events).
NAMED = {"table", "bucket", "queue", "topic", "secret"}
SHOWN = ("table", "bucket", "function", "queue", "topic", "secret", "user pool", "API")


def shown_path(path: Path) -> str:
    """A path as short as it can be said: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def kind(resource_type: str) -> str:
    """`AWS::Logs::LogGroup` -> "log group"."""
    if resource_type in KINDS:
        return KINDS[resource_type]
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*", resource_type.rpartition("::")[2])
    return " ".join(word if word.isupper() else word.lower() for word in words)


def created(provisioned: Provisioned) -> dict[str, tuple[str, str]]:
    """Logical id -> (type, physical id) of every resource the provisioner created."""
    skipped = {entry.split(" ", 1)[0] for entry in provisioned.skipped}
    resources: dict[str, Any] = provisioned.template["Resources"]
    return {
        logical_id: (resource["Type"], provisioned.refs.get(logical_id) or "(local)")
        for logical_id, resource in resources.items()
        if logical_id not in skipped
    }


def write_resources(path: Path, resources: dict[str, tuple[str, str]], skipped: list[str]) -> None:
    """Every resource created (`created`), `Type LogicalId -> physical id`, then what exists
    only on AWS."""
    rows = sorted((t, lid, physical) for lid, (t, physical) in resources.items())
    width = max((len(f"{t} {lid}") for t, lid, _ in rows), default=0)
    lines = [f"{f'{t} {lid}':<{width}}  -> {physical}" for t, lid, physical in rows]
    if skipped:
        lines += ["", "Only on AWS (not emulated locally):", *skipped]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def resources_summary(resources: dict[str, tuple[str, str]]) -> str:
    """`5 tables, 4 buckets, 13 functions, ... and 27 more` of the resources `created`."""
    counts = Counter(kind(t) for t, _ in resources.values())
    parts = [plural(counts.pop(noun), noun) for noun in SHOWN if noun in counts]
    rest = sum(counts.values())
    return ", ".join(parts) + (f" and {rest} more" if rest else "")


def resources_step(
    console: Console, provisioned: Provisioned, template: Path, listing: Path, started: float
) -> None:
    """The provisioning step in a line, its detail written to `listing`."""
    resources = created(provisioned)
    write_resources(listing, resources, provisioned.skipped)
    console.progress(
        f"created {len(resources)} resources from {template.name} in {seconds(started)}: "
        f"{resources_summary(resources)}"
    )
    skipped = len(provisioned.skipped)
    aws_only = f" (and the {skipped} that exist only on AWS)" if skipped else ""
    console.detail(f"names and ids in {shown_path(listing)}{aws_only}")
    console.name_resources(
        {lid: physical for lid, (t, physical) in resources.items() if kind(t) in NAMED}
    )


def functions_summary(functions: LocalLambda, build: Path | None) -> str:
    """Where the functions run from, in one line: their `sam build` artifact or the source."""
    built = sorted(name for name, pool in functions.pools.items() if pool.code.built)
    source = sorted(name for name, pool in functions.pools.items() if not pool.code.built)
    folders = sorted({shown_path(functions.pools[name].code.directory) for name in source})
    where = f"from source {', '.join(folder + '/' for folder in folders)}"
    if build is None:
        text = f"{plural(len(source), 'function')} run {where}"
    elif not built:
        why = "is older" if build.is_dir() else "not found: `make build` makes it"
        text = f"{plural(len(source), 'function')} run {where} (sam build output {why})"
    else:
        text = f"{plural(len(built), 'function')} run from {shown_path(build)}"
        if source:
            text += f", {len(source)} {where}, changed since the build: {', '.join(source)}"
    if functions.skipped:
        text += f"; {len(functions.skipped)} with inline code run only on AWS"
    return text


def outputs_table(
    outputs: dict[str, str], outputs_file: Path, links: dict[str, str], logs: Path
) -> list[str]:
    """The stack's outputs aligned to the longest key, then where to go and what to type."""
    width = max(map(len, outputs), default=0)
    lines = [f"Outputs (also in {shown_path(outputs_file)}):"]
    for key, value in sorted(outputs.items()):
        lines.append(f"  {key:<{width}}  {value or '(none locally)'}")
    label = max(map(len, [*links, "function logs", "sign in"]))
    lines += ["", *(f"  {name:<{label}}  {url}" for name, url in links.items())]
    lines += [
        f"  {'function logs':<{label}}  {shown_path(logs)}{os.sep}",
        f"  {'sign in':<{label}}  make user EMAIL=you@example.com [AUTHOR=1]",
        "",
        "Ctrl-C stops everything.",
    ]
    return lines
