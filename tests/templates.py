"""template.yaml helpers for tests and gates: load it, translate SAM to CloudFormation offline."""

from __future__ import annotations

import copy
import json
import logging
import sys
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.arn_generator import ArnGenerator
from samtranslator.translator.translator import Translator

from app.devstack.provisioning.intrinsics import load_template

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"
# The web ACL template.yaml nests (twice), also deployed on its own to us-east-1.
WEB_ACL_TEMPLATE = TEMPLATE.parent / "ops" / "web-acl.yaml"


def translate(template: dict[str, Any], region: str = "us-east-1") -> dict[str, Any]:
    """Expand the SAM transform without AWS (what CloudFormation would deploy)."""
    # Without a feature-toggle config samtranslator warns once per DeploymentPreference.
    logging.getLogger("samtranslator.feature_toggle").setLevel(logging.ERROR)
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


def planted(template: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `template` with `value` set at a dotted path ("Resources.Fn.Properties.X"; a
    number indexes a list): how the gates prove they catch a mistake planted in it."""
    mutated = copy.deepcopy(template)
    *parents, last = path.split(".")
    node: Any = mutated
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return mutated


def either(value: Any) -> Any:
    """`value` with every `Fn::If` replaced by both its branches (a list item by two items,
    anything else by the list of the two), so a check sees whatever any condition deploys."""
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            items += _branches(item) if _is_if(item) else [either(item)]
        return items
    if _is_if(value):
        return _branches(value)
    if isinstance(value, dict):
        return {key: either(item) for key, item in value.items()}
    return value


def _is_if(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"Fn::If"}


def _branches(value: dict[str, Any]) -> list[Any]:
    _, *branches = value["Fn::If"]
    return [either(b) for b in branches if b != {"Ref": "AWS::NoValue"}]


def candidates(template: dict[str, Any], value: Any) -> list[Any]:
    """The values a setting may deploy with, its default first: a literal is itself, an `Fn::If`
    each branch's, a `!Ref` to a parameter its default, allowed values and bounds."""
    if value is None:
        return []
    if _is_if(value):
        return [found for branch in _branches(value) for found in candidates(template, branch)]
    if not (isinstance(value, dict) and set(value) == {"Ref"}):
        return [value]
    parameter = template.get("Parameters", {}).get(value["Ref"])
    if parameter is None:
        return [value]
    keys = ("Default", "MinValue", "MaxValue")
    found = [parameter[key] for key in keys if key in parameter]
    return found + list(parameter.get("AllowedValues", []))


def main(argv: list[str]) -> int:
    """Print the translated template as JSON (for cfn-lint)."""
    path = Path(argv[1]) if len(argv) > 1 else TEMPLATE
    json.dump(translate(load_template(path)), sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
