"""The site's security headers through the local edge, as the template's response headers policy
says, and a browser that reports any Content-Security-Policy violation (tests/e2e/conftest.py
fails every browser test on one; the phone app's and the authoring page's full flows run under
it in their own modules)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from app.devstack.edge.headers import headers_policy, security_headers
from app.devstack.provisioning.intrinsics import load_template
from tests.e2e.conftest import CSP_VIOLATIONS
from tests.e2e.running import local_stack
from tests.templates import TEMPLATE

PAGES = ("", "app/", "write/", "404-no-such-page/")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    state = tmp_path_factory.mktemp("headers") / "devstack"
    with local_stack(state, "--no-persist") as (published, _):
        yield published


def policy() -> dict[str, str]:
    config = headers_policy(load_template(TEMPLATE), "SiteDistribution")
    assert config is not None
    return security_headers(config)


@pytest.mark.parametrize("path", PAGES)
def test_the_site_answers_with_the_templates_headers(outputs: dict[str, str], path: str) -> None:
    expected = policy()
    response = httpx.get(outputs["SiteUrl"] + path, timeout=10)
    assert response.status_code in (200, 404)
    for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert response.headers[name] == expected[name]
    csp = {
        d.split()[0]: d.split()[1:] for d in response.headers["Content-Security-Policy"].split("; ")
    }
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    # The emulators the pages reach instead of Cognito and S3 are allowed, and nothing else new.
    local = {
        outputs[k] for k in ("AwsEndpointUrl", "CognitoIdentityEndpoint", "UserFilesS3Endpoint")
    }
    assert {e.rstrip("/") for e in local} <= set(csp["connect-src"])
    # Not locally: a browser would pin localhost to HTTPS for two years.
    assert "Strict-Transport-Security" not in response.headers


def test_the_api_behaviour_is_left_alone(outputs: dict[str, str]) -> None:
    response = httpx.get(outputs["SiteUrl"] + "api/health", timeout=10)
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers


def test_the_pages_load_without_a_violation_and_a_violation_is_caught(
    outputs: dict[str, str], browser: Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    for path in PAGES[:3]:
        page.goto(outputs["SiteUrl"] + path)
        page.wait_for_load_state("networkidle")
    assert CSP_VIOLATIONS == []
    # The watch itself: an inline script is refused, and reported.
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'), "
        "{textContent: 'window.ran = true'}))"
    )
    page.wait_for_timeout(500)
    ran: Any = page.evaluate("window.ran === true")
    assert ran is False
    assert any("script-src" in v for v in CSP_VIOLATIONS), CSP_VIOLATIONS
    CSP_VIOLATIONS.clear()
    context.close()
