"""The software-updates edge, generated from updates/template.yaml: what CloudFront is told to do.

The distribution's cache behaviours and policies become an nginx configuration with
`proxy_cache`, `slice` (ranges served from cached slices) and `proxy_cache_lock` (a flash crowd
collapses into one origin fetch per slice). Local differences from CloudFront (one edge, no Origin
Shield tier, plain HTTP on loopback, MaxTTL not enforced on origin-sent max-age) are in
docs/software-updates.md.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.devstack.provisioning.intrinsics import Resolver, load_template

REPO_ROOT = Path(__file__).resolve().parents[1]
UPDATES_TEMPLATE = REPO_ROOT / "updates" / "template.yaml"
SLICE = "1m"  # the unit the edge fetches and caches large files in
# The origin team's only optional change: manifests say how fresh they must be.
MANIFEST_CACHE_CONTROL = "public, max-age=30"


@dataclass(frozen=True)
class CachePolicy:
    """What a CloudFront cache policy decides: TTLs and what is in the cache key."""

    name: str
    min_ttl: int
    default_ttl: int
    max_ttl: int
    query_strings: tuple[str, ...]
    cookies: str
    headers: str
    encodings_in_key: bool


@dataclass(frozen=True)
class Behavior:
    """A cache behaviour: a path pattern (None for the default), compression and its policy."""

    path_pattern: str | None
    compress: bool
    policy: CachePolicy


def edge_behaviors(
    template: dict[str, Any] | None = None, parameters: Mapping[str, str] | None = None
) -> list[Behavior]:
    """The distribution's behaviours in CloudFront's order (patterns first, the default last)."""
    template = template or load_template(UPDATES_TEMPLATE)
    values = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    values.update(parameters or {})
    values.setdefault("OriginDomainName", "origin.invalid")
    values.setdefault("AWS::StackName", "local-updates")
    refs = {name: name for name in template["Resources"]}
    resolver = Resolver(values, refs, {}, conditions=template.get("Conditions", {}))
    policies = {
        name: _policy(resolver.resolve(resource["Properties"]["CachePolicyConfig"]))
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudFront::CachePolicy"
    }
    (distribution,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::Distribution"
    ]
    config = resolver.resolve(distribution["Properties"]["DistributionConfig"])
    behaviors = [
        Behavior(b["PathPattern"], bool(b.get("Compress", False)), policies[b["CachePolicyId"]])
        for b in config.get("CacheBehaviors", [])
    ]
    default = config["DefaultCacheBehavior"]
    behaviors.append(
        Behavior(None, bool(default.get("Compress", False)), policies[default["CachePolicyId"]])
    )
    return behaviors


def _policy(config: dict[str, Any]) -> CachePolicy:
    keyed = config["ParametersInCacheKeyAndForwardedToOrigin"]
    query = keyed["QueryStringsConfig"]
    names: Any = query.get("QueryStrings", ())
    if isinstance(names, str):  # a CommaDelimitedList parameter resolves to its text
        names = [name.strip() for name in names.split(",") if name.strip()]
    if query["QueryStringBehavior"] == "none":
        names = ()
    elif query["QueryStringBehavior"] != "whitelist":
        raise ValueError("the local edge keys only on listed query strings")
    return CachePolicy(
        name=str(config["Name"]),
        min_ttl=int(config["MinTTL"]),
        default_ttl=int(config["DefaultTTL"]),
        max_ttl=int(config["MaxTTL"]),
        query_strings=tuple(names),
        cookies=keyed["CookiesConfig"]["CookieBehavior"],
        headers=keyed["HeadersConfig"]["HeaderBehavior"],
        encodings_in_key=bool(keyed["EnableAcceptEncodingGzip"]),
    )


def location_regex(path_pattern: str) -> str:
    """A CloudFront path pattern (`*` and `?` wildcards, case-sensitive) as an nginx regex."""
    pattern = path_pattern if path_pattern.startswith(("/", "*")) else f"/{path_pattern}"
    return "^" + fnmatch.translate(pattern).removeprefix("(?s:").removesuffix(")\\Z") + "$"


def _preamble(name: str, state: Path, workers: str, log_format: str) -> str:
    """What the origin and the edge share: files under `state`, and the `http {` they open."""
    # As root, nginx would drop its workers to `nobody`, who cannot read a private temp folder;
    # these servers listen on loopback only and serve a folder the demo made itself.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes {workers};
pid {state}/{name}.pid;
error_log {state}/{name}-error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format {name} '{log_format}';
    access_log {state}/{name}-access.log {name};
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000;
    client_body_temp_path {state}/{name}-tmp/body;
    proxy_temp_path {state}/{name}-tmp/proxy;
"""


def edge_config(
    behaviors: list[Behavior], *, port: int, origin_port: int, state: Path, origin_host: str
) -> str:
    """nginx configuration of an edge that caches as the distribution's behaviours say."""
    for behavior in behaviors:
        policy = behavior.policy
        if policy.cookies != "none" or policy.headers != "none":
            raise ValueError(
                "the local edge mirrors policies without cookies or headers in the key"
            )
    selectors = sorted({q for b in behaviors for q in b.policy.query_strings})
    pick = "".join(
        f'        if ($arg_{name}) {{ set $selectors "${{selectors}}&{name}=$arg_{name}"; }}\n'
        for name in selectors
    )
    locations = "".join(_location(b, origin_host) for b in behaviors)
    log = '$msec "$request" $status $body_bytes_sent $upstream_cache_status $request_time'
    return f"""# Generated from updates/template.yaml by updates/edge.py: do not edit.
{_preamble("edge", state, "auto", log)}    proxy_cache_path {state}/edge-cache levels=1:2
                     keys_zone=updates:32m max_size=20g inactive=365d use_temp_path=off;
    upstream origin {{
        server 127.0.0.1:{origin_port};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        # Only the selecting query strings: the cache key and all the origin is sent.
        set $selectors "";
{pick}{locations}    }}
}}
"""


def _location(behavior: Behavior, origin_host: str) -> str:
    policy = behavior.policy
    where = f"~ {location_regex(behavior.path_pattern)}" if behavior.path_pattern else "/"
    sliced = policy.min_ttl > 0  # large immutable files are fetched and cached in slices
    directives = [
        *([f"slice {SLICE}", "proxy_set_header Range $slice_range"] if sliced else []),
        "proxy_cache updates",
        f'proxy_cache_key "$uri?$selectors{"$slice_range" if sliced else ""}"',
        f"proxy_cache_valid 200 206 {policy.default_ttl}s",
        # MinTTL > 0: the origin cannot shorten the TTL (versioned files); else its headers decide.
        "proxy_ignore_headers "
        + ("Cache-Control Expires Set-Cookie" if policy.min_ttl > 0 else "Set-Cookie"),
        "proxy_hide_header Set-Cookie",
        "proxy_cache_lock on",
        "proxy_cache_lock_age 60s",
        "proxy_cache_lock_timeout 60s",
        "proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504",
        "proxy_cache_background_update on",
        "proxy_pass_request_headers off",  # no headers in the key: none reach the origin
        "proxy_http_version 1.1",
        'proxy_set_header Connection ""',
        f"proxy_set_header Host {origin_host}",
        *(
            ["gzip on", "gzip_types application/json application/xml text/plain"]
            if behavior.compress
            else ["gzip off"]
        ),
        "add_header X-Cache $upstream_cache_status always",
        # The origin sees the path as the client sent it (nginx escapes it) and the selectors only.
        "set $args $selectors",
        "proxy_pass http://origin",
    ]
    body = "".join(f"            {line};\n" for line in directives)
    return (
        f"        # {policy.name}: TTL min {policy.min_ttl} s, default {policy.default_ttl} s,"
        f" max {policy.max_ttl} s\n        location {where} {{\n{body}        }}\n"
    )


def origin_config(root: Path, *, port: int, state: Path) -> str:
    """nginx as a plain static file server: the unchanged origin (plus manifest Cache-Control)."""
    log = '$msec "$request" $status $body_bytes_sent $request_time'
    return f"""# The stand-in origin: static files, none of our code.
{_preamble("origin", state, "1", log)}    types {{
        application/json json;
        application/octet-stream bin;
    }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        root {root};
        location ~ \\.json$ {{
            add_header Cache-Control "{MANIFEST_CACHE_CONTROL}";
        }}
    }}
}}
"""
