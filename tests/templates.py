"""template.yaml helpers for tests and gates: load it, translate SAM to CloudFormation offline."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.arn_generator import ArnGenerator
from samtranslator.translator.translator import Translator

from app.devstack.provisioning.intrinsics import load_template

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"


def translate(template: dict[str, Any], region: str = "us-east-1") -> dict[str, Any]:
    """Expand the SAM transform without AWS (what CloudFormation would deploy)."""
    ArnGenerator.BOTO_SESSION_REGION_NAME = region
    session = boto3.session.Session(region_name=region)
    translator = Translator(None, Parser(), boto_session=session)
    # Managed policies are named by full ARN in the template, so no IAM lookup is needed.
    packaged = copy.deepcopy(template)
    for logical_id, resource in packaged["Resources"].items():
        # As `sam package` would: local code folders become S3 locations.
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://packaged-code/{logical_id}.zip"
        if resource["Type"] == "AWS::CloudFormation::Stack":
            url = f"https://packaged-code.s3.amazonaws.com/{logical_id}.template"
            resource["Properties"]["TemplateURL"] = url
    result: dict[str, Any] = translator.translate(
        packaged,
        parameter_values={"AWS::AccountId": "123456789012"},
        get_managed_policy_map=dict,
    )
    return result


def flat_routes(routes: list[Any]) -> list[Any]:
    """An app's routes, with FastAPI's included routers opened (their routes hold full paths)."""
    flat = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat += flat_routes(included.routes) if included is not None else [route]
    return flat


def main(argv: list[str]) -> int:
    """Print the translated template as JSON (for cfn-lint)."""
    path = Path(argv[1]) if len(argv) > 1 else TEMPLATE
    json.dump(translate(load_template(path)), sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
