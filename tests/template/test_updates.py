"""The software-updates edge: its template, and the local edge held to that template."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.conftest import REPO_ROOT
from tests.templates import TEMPLATE
from updates.edge import UPDATES_TEMPLATE, edge_behaviors, edge_config

DAY = 86_400


@pytest.fixture(scope="module")
def updates() -> dict[str, Any]:
    return load_template(UPDATES_TEMPLATE)


def policy(updates: dict[str, Any], name: str) -> dict[str, Any]:
    config: dict[str, Any] = updates["Resources"][name]["Properties"]["CachePolicyConfig"]
    return config


def default(updates: dict[str, Any], value: Any) -> Any:
    """A `!Ref` to a parameter, read as its default (what the local edge uses)."""
    if isinstance(value, dict) and "Ref" in value:
        return updates["Parameters"][value["Ref"]]["Default"]
    return value


def test_standalone_template_holds_only_the_distribution_and_its_policies(
    updates: dict[str, Any],
) -> None:
    types = sorted(r["Type"] for r in updates["Resources"].values())
    assert types == [
        "AWS::CloudFront::CachePolicy",
        "AWS::CloudFront::CachePolicy",
        "AWS::CloudFront::Distribution",
    ]
    assert "Default" not in updates["Parameters"]["OriginDomainName"]  # must be given
    assert set(updates["Outputs"]) >= {"UpdatesDomainName"}


def test_origin_is_reached_over_https_through_origin_shield(updates: dict[str, Any]) -> None:
    config = updates["Resources"]["UpdatesDistribution"]["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Ref": "OriginDomainName"}
    custom = origin["CustomOriginConfig"]
    assert custom["OriginProtocolPolicy"] == "https-only"
    assert custom["OriginSSLProtocols"] == ["TLSv1.2"]
    assert origin["OriginShield"] == {
        "Enabled": True,
        "OriginShieldRegion": {"Ref": "OriginShieldRegion"},
    }
    default_behavior = config["DefaultCacheBehavior"]
    assert default_behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default_behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert default_behavior["Compress"] is False  # binaries are not recompressed
    (manifests,) = config["CacheBehaviors"]
    assert manifests["PathPattern"] == {"Ref": "ManifestPathPattern"}
    assert manifests["Compress"] is True


def test_update_files_are_cached_long_and_keyed_only_on_path_and_selectors(
    updates: dict[str, Any],
) -> None:
    files = policy(updates, "UpdateFilesCachePolicy")
    assert default(updates, files["MinTTL"]) >= DAY  # the origin cannot make them uncacheable
    assert default(updates, files["DefaultTTL"]) == default(updates, files["MaxTTL"])
    assert default(updates, files["DefaultTTL"]) >= 30 * DAY
    key = files["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}
    assert key["QueryStringsConfig"] == {
        "QueryStringBehavior": "whitelist",
        "QueryStrings": {"Ref": "SelectorQueryStrings"},
    }
    assert key["EnableAcceptEncodingGzip"] is False
    assert key["EnableAcceptEncodingBrotli"] is False
    manifests = policy(updates, "UpdateManifestsCachePolicy")
    assert manifests["MinTTL"] == 0  # the origin's Cache-Control decides
    assert 0 < default(updates, manifests["DefaultTTL"]) <= default(updates, manifests["MaxTTL"])


def test_the_main_template_deploys_the_edge_only_for_an_origin(updates: dict[str, Any]) -> None:
    main = load_template(TEMPLATE)
    edge = main["Resources"]["UpdatesEdge"]
    assert edge["Type"] == "AWS::CloudFormation::Stack"
    assert edge["Condition"] == "HasUpdatesOrigin"
    assert main["Conditions"]["HasUpdatesOrigin"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "UpdatesOriginDomain"}, ""]}]
    }
    assert main["Parameters"]["UpdatesOriginDomain"]["Default"] == ""
    assert (REPO_ROOT / edge["Properties"]["TemplateURL"]).resolve() == UPDATES_TEMPLATE
    passed = edge["Properties"]["Parameters"]
    assert set(passed) <= set(updates["Parameters"])
    required = {n for n, p in updates["Parameters"].items() if "Default" not in p}
    assert required <= set(passed)
    output = main["Outputs"]["UpdatesDomainName"]
    assert output["Condition"] == "HasUpdatesOrigin"
    assert output["Value"] == {"Fn::GetAtt": ["UpdatesEdge", "Outputs.UpdatesDomainName"]}


def locations(config: str) -> dict[str, dict[str, list[str]]]:
    """nginx `location` blocks: their match -> directive name -> arguments (joined)."""
    found: dict[str, dict[str, list[str]]] = {}
    for match, body in re.findall(r"location ([^{]+)\{(.*?)\n\s*\}", config, re.S):
        directives: dict[str, list[str]] = {}
        for line in body.strip().splitlines():
            name, _, args = line.strip().rstrip(";").partition(" ")
            directives.setdefault(name, []).append(args)
        found[match.strip()] = directives
    return found


def edge_for(template: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    config = edge_config(
        edge_behaviors(template),
        port=8000,
        origin_port=9000,
        state=Path("/state"),
        origin_host="downloads.example.com",
    )
    return locations(config)


def test_the_local_edge_caches_as_the_template_says(updates: dict[str, Any]) -> None:
    """Read the policies straight from the YAML and find each value in the nginx config."""
    edge = edge_for(updates)
    manifest_pattern = default(updates, {"Ref": "ManifestPathPattern"})
    assert manifest_pattern == "*.json"
    files, manifests = edge["/"], edge[r"~ ^.*\.json$"]
    selectors = default(updates, {"Ref": "SelectorQueryStrings"}).split(",")
    file_policy = policy(updates, "UpdateFilesCachePolicy")
    manifest_policy = policy(updates, "UpdateManifestsCachePolicy")
    assert files["proxy_cache_valid"] == [f"200 206 {default(updates, file_policy['DefaultTTL'])}s"]
    assert manifests["proxy_cache_valid"] == [
        f"200 206 {default(updates, manifest_policy['DefaultTTL'])}s"
    ]
    # MinTTL > 0 for files: origin headers cannot shorten it; manifests: the origin decides.
    assert "Cache-Control" in files["proxy_ignore_headers"][0]
    assert "Cache-Control" not in manifests["proxy_ignore_headers"][0]
    # No cookies, no headers in the key or to the origin; only the selecting query strings.
    for block in (files, manifests):
        assert block["proxy_pass_request_headers"] == ["off"]
        assert block["set"] == ["$args $selectors"]
        assert block["proxy_cache_lock"] == ["on"]
    assert files["proxy_cache_key"] == ['"$uri?$selectors$slice_range"']
    assert files["slice"] == ["1m"]  # ranges are served from cached slices
    assert manifests["proxy_cache_key"] == ['"$uri?$selectors"']
    config = edge_config(
        edge_behaviors(updates), port=1, origin_port=2, state=Path("/s"), origin_host="o"
    )
    picked = re.findall(r"if \(\$arg_(\w+)\)", config)
    assert sorted(picked) == sorted(selectors)
    # Compression: off for binaries, on for manifests (the behaviours' Compress).
    assert files["gzip"] == ["off"]
    assert manifests["gzip"][0] == "on"


def test_a_change_to_the_template_changes_the_edge(updates: dict[str, Any]) -> None:
    """The configuration is derived, not written by hand: edit the template, the edge follows."""
    changed = copy.deepcopy(updates)
    changed["Parameters"]["FileTtlSeconds"]["Default"] = 7 * DAY
    changed["Parameters"]["SelectorQueryStrings"]["Default"] = "channel"
    changed["Parameters"]["ManifestPathPattern"]["Default"] = "/manifests/*"
    edge = edge_for(changed)
    assert edge["/"]["proxy_cache_valid"] == [f"200 206 {7 * DAY}s"]
    assert set(edge) == {"~ ^/manifests/.*$", "/"}
    config = edge_config(
        edge_behaviors(changed), port=1, origin_port=2, state=Path("/s"), origin_host="o"
    )
    assert re.findall(r"if \(\$arg_(\w+)\)", config) == ["channel"]
    keyed = copy.deepcopy(updates)
    params = policy(keyed, "UpdateFilesCachePolicy")["ParametersInCacheKeyAndForwardedToOrigin"]
    params["HeadersConfig"] = {"HeaderBehavior": "whitelist", "Headers": ["Authorization"]}
    with pytest.raises(ValueError, match="cookies or headers"):
        edge_for(keyed)
