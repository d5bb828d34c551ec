"""What every template test reads: `template.yaml` as written, and as SAM translates it (per module,
so a test that plants a mistake in its copy never reaches another module)."""

from __future__ import annotations

from typing import Any

import pytest

from app.devstack.provisioning.intrinsics import load_template
from tests.templates import TEMPLATE, translate


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """`template.yaml`, parsed with its intrinsic functions kept."""
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def translated(template: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template SAM makes of it."""
    return translate(template)
