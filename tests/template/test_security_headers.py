"""The site's response headers policy: the site's behaviours carry it (not /api/*), its CSP allows
only the page's own scripts and styles and the endpoints the pages really call, and it forbids
framing; HSTS, nosniff and the referrer policy come with it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from app.devstack.edge.headers import headers_policy, security_headers, with_connect_sources
from tests.template.test_template import resolved

# CloudFront quota: "Maximum length of a Content-Security-Policy header value" (CloudFront
# Developer Guide, "Quotas on response headers policies").
CSP_MAX_LENGTH = 1783
LONGEST = {"Stage": "a" * 14, "AWS::Region": "ap-southeast-3"}


def csp(template: dict[str, Any], parameters: dict[str, str] | None = None) -> dict[str, list[str]]:
    config = headers_policy(template, "SiteDistribution")
    assert config is not None
    value = resolved(template, config["ContentSecurityPolicy"]["ContentSecurityPolicy"], parameters)
    return {d.split()[0]: d.split()[1:] for d in str(value).split("; ")}


def test_the_site_behaviours_carry_the_policy_and_the_api_does_not(
    template: dict[str, Any],
) -> None:
    config = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    reference = {"Ref": "SiteHeadersPolicy"}
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == reference
    by_path = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert by_path["/thumbnails/*"]["ResponseHeadersPolicyId"] == reference
    assert "ResponseHeadersPolicyId" not in by_path["/api/*"]


def test_only_the_pages_own_code_runs_and_nobody_frames_them(template: dict[str, Any]) -> None:
    policy = csp(template)
    for directive in ("default-src", "script-src", "style-src"):
        assert policy[directive] == ["'self'"], directive
    assert not [
        d for d, sources in policy.items() if {"'unsafe-inline'", "'unsafe-eval'"} & set(sources)
    ]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_the_pages_may_reach_cognito_and_their_buckets_in_the_stacks_region(
    template: dict[str, Any],
) -> None:
    parameters = {"Stage": "prod", "AWS::Region": "eu-west-1"}
    connect = set(csp(template, parameters)["connect-src"])
    assert "https://cognito-idp.eu-west-1.amazonaws.com" in connect
    assert "https://cognito-identity.eu-west-1.amazonaws.com" in connect
    assert "https://<UserFilesBucket>.s3.eu-west-1.amazonaws.com" in connect
    # The authoring page POSTs a photo where the photos function's presigned POST points.
    bucket = resolved(
        template, template["Resources"]["PhotosBucket"]["Properties"]["BucketName"], parameters
    )
    s3 = boto3.client(
        "s3", region_name="eu-west-1", config=Config(signature_version="s3v4"),
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    url = urlsplit(s3.generate_presigned_post(Bucket=bucket, Key="uploads/x")["url"])
    photos = f"{url.scheme}://{url.netloc}"
    assert photos.replace(str(bucket), "<PhotosBucket>") in connect


def test_the_policy_fits_cloudfronts_quota_with_the_longest_names(template: dict[str, Any]) -> None:
    policy = csp(template, LONGEST)
    assert len("; ".join(" ".join([d, *s]) for d, s in policy.items())) <= CSP_MAX_LENGTH


def test_hsts_nosniff_no_framing_and_a_referrer_policy(template: dict[str, Any]) -> None:
    config = headers_policy(template, "SiteDistribution")
    assert config is not None
    headers = security_headers(config)
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert all(entry.get("Override") is True for entry in config.values())


def test_local_endpoints_are_added_to_connect_src_only() -> None:
    policy = "default-src 'self'; connect-src 'self' https://a.example; img-src 'self'"
    local = with_connect_sources(policy, ["http://127.0.0.1:4566/", "http://127.0.0.1:9000/x"])
    assert local == (
        "default-src 'self'; connect-src 'self' https://a.example http://127.0.0.1:4566 "
        "http://127.0.0.1:9000; img-src 'self'"
    )
