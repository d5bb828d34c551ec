"""The distribution's 404 page: which origin errors it replaces, and what it must leave alone.

Custom error responses apply to every cache behaviour of a distribution (CloudFront Developer
Guide, "Generating custom error responses"), the API's included, so the mapping is held here
against what each origin answers.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

from app.site.pages import NOT_FOUND
from tests.template.test_template import resolved


def distribution(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = template["Resources"]["SiteDistribution"]["Properties"][
        "DistributionConfig"
    ]
    return config


def test_the_site_buckets_403_becomes_the_rendered_404_page_briefly_cached(
    template: dict[str, Any],
) -> None:
    (entry,) = distribution(template)["CustomErrorResponses"]
    assert entry["ErrorCode"] == 403
    assert entry["ResponseCode"] == 404
    assert entry["ResponsePagePath"] == f"/{NOT_FOUND}"  # where the renderer writes it
    assert 0 < entry["ErrorCachingMinTTL"] <= 60  # an API 403 is cached no longer than this


def test_missing_keys_are_403_because_the_distribution_may_not_list_the_bucket(
    template: dict[str, Any],
) -> None:
    """S3 answers a missing key with 404 only to callers allowed s3:ListBucket (S3 API
    Reference, GetObject, "Permissions"): the mapped code is what the site origin says."""
    statements = template["Resources"]["SiteBucketPolicy"]["Properties"]["PolicyDocument"]
    allowed = [s for s in statements["Statement"] if s["Effect"] == "Allow"]
    actions = {
        a for s in allowed for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {"s3:GetObject"}


def test_the_apis_not_found_answers_pass_through(template: dict[str, Any]) -> None:
    """Unknown routes (the gateway) and missing items (the app) are 404 problem+json: 404 is
    not mapped, so they reach clients as they are."""
    mapped = {e["ErrorCode"] for e in distribution(template)["CustomErrorResponses"]}
    gateway = template["Resources"]["Api"]["Properties"]["GatewayResponses"]
    assert gateway["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    assert 404 not in mapped


def test_the_error_page_is_fetched_from_the_site_bucket(template: dict[str, Any]) -> None:
    config = distribution(template)
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert not [p for p in patterns if fnmatch(f"/{NOT_FOUND}", p)]  # the default behaviour
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "site"


def test_the_renderer_knows_the_sites_public_url(template: dict[str, Any]) -> None:
    variables = template["Resources"]["RenderSiteFunction"]["Properties"]["Environment"]
    site_url = variables["Variables"]["SITE_URL"]
    assert site_url == template["Outputs"]["SiteUrl"]["Value"]
    condition, custom, default = site_url["Fn::If"]
    assert condition == "HasSiteDomain"
    assert default == {"Fn::Sub": "https://${SiteDistribution.DomainName}/"}
    assert resolved(template, custom, {"SiteDomainName": "blog.example.com"}) == (
        "https://blog.example.com/"
    )
