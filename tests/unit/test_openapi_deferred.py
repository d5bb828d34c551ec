"""FastAPI's OpenAPI models are built when the spec is first rendered, not at import, and the
spec is the same either way (the committed one, which the SDKs are generated from)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO_ROOT

CHECK = r"""
import json, sys
import app.api.app
from fastapi.openapi.models import OpenAPI
built_at_import = OpenAPI.__pydantic_complete__
from app.api.app import DESCRIPTION
from app.api.services import full_openapi
spec = full_openapi("Serverless reference API", "1.0.0", DESCRIPTION)
print(json.dumps({"built_at_import": built_at_import, "built": OpenAPI.__pydantic_complete__,
                  "spec": spec}))
"""


def test_openapi_models_build_on_first_use_and_give_the_committed_spec() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=REPO_ROOT,
        env={"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["built_at_import"] is False
    assert report["built"] is True
    committed = json.loads((REPO_ROOT / "clients" / "openapi.json").read_text())
    assert report["spec"] == committed
