"""Create in the emulators what template.yaml declares, and compute the stack's Outputs locally."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from app.devstack.provisioning.cognito import CognitoResources
from app.devstack.provisioning.context import Creator, ProvisioningContext
from app.devstack.provisioning.data import DataResources
from app.devstack.provisioning.intrinsics import Resolver
from app.devstack.provisioning.messaging import MessagingResources
from app.devstack.provisioning.model import ACCOUNT_ID, Provisioned
from app.devstack.provisioning.serverless import ServerlessResources


class Provisioner:
    """Reads a template and creates its resources in the emulators; idempotent."""

    def __init__(
        self,
        template: dict[str, Any],
        endpoint_url: str,
        region: str,
        stack_name: str,
        *,
        placement: dict[str, str] | None = None,
        local_urls: dict[str, str] | None = None,
    ) -> None:
        """`placement` sends some resources (by logical id) to another emulator endpoint;
        `local_urls` says where the local stack serves the API and the distribution."""
        self._template = template
        self._region = region
        self._stack_name = stack_name
        self._context = ProvisioningContext(
            endpoint_url, region, stack_name, self._resolver, placement
        )
        self._data = DataResources(self._context)
        self._serverless = ServerlessResources(self._context, self._data, local_urls or {})

    def provision(
        self, parameter_overrides: dict[str, str], progress: Callable[[str], None] = print
    ) -> Provisioned:
        """Create every supported resource (skipping ones that exist) and evaluate Outputs."""
        parameters = {
            name: str(spec.get("Default", ""))
            for name, spec in self._template.get("Parameters", {}).items()
        }
        parameters.update(parameter_overrides)
        parameters.update(
            {
                "AWS::Region": self._region,
                "AWS::AccountId": ACCOUNT_ID,
                "AWS::StackName": self._stack_name,
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
            }
        )
        result = Provisioned(parameters=parameters, template=self._template)
        resources: dict[str, dict[str, Any]] = self._template["Resources"]
        # In dependency order: data, then sign-in, then what runs (functions reference both).
        creators: dict[str, Creator] = {
            **self._data.creators(),
            **MessagingResources(self._context).creators(),
            **CognitoResources(self._context).creators(),
            **self._serverless.creators(),
        }
        for kind, create in creators.items():
            for logical_id, resource in resources.items():
                if resource["Type"] == kind and self._wanted(resource, result):
                    create(logical_id, resource.get("Properties", {}), result)
                    progress(f"{kind} {logical_id} -> {result.refs[logical_id] or '(local)'}")
        result.skipped = sorted(
            f"{lid} ({r['Type']})"
            for lid, r in resources.items()
            if r["Type"] not in creators or not self._wanted(r, result)
        )
        globals_ = self._template.get("Globals", {}).get("Function", {})
        for logical_id, resource in resources.items():
            if resource["Type"] == "AWS::Serverless::Function" and self._wanted(resource, result):
                props = resource.get("Properties", {})
                result.functions[logical_id] = self._serverless.function_spec(
                    logical_id, props, globals_, result
                )
                self._serverless.event_sources(logical_id, props, result)
        for resource in resources.values():  # a function's async settings, written apart
            function = resource.get("Properties", {}).get("FunctionName", {})
            if (
                resource["Type"] == "AWS::Lambda::EventInvokeConfig"
                and isinstance(function, dict)
                and function.get("Ref") in result.functions
            ):
                result.functions[function["Ref"]] = dataclasses.replace(
                    result.functions[function["Ref"]],
                    async_invoke=self._serverless.async_invoke_config(
                        resource["Properties"], result
                    ),
                )
        result.resolver = self._resolver(result)
        for name, output in self._template.get("Outputs", {}).items():
            if self._wanted(output, result):  # an Output's Condition, like a resource's
                result.outputs[name] = result.localize(str(result.resolve(output["Value"])))
        return result

    def _resolver(self, result: Provisioned) -> Resolver:
        return Resolver(
            result.parameters,
            result.refs,
            result.attributes,
            self._dynamic,
            self._template.get("Conditions", {}),
        )

    def _wanted(self, resource: dict[str, Any], result: Provisioned) -> bool:
        """False for a resource whose Condition is false with these parameters."""
        condition = resource.get("Condition")
        return condition is None or self._resolver(result).condition(condition)

    def _dynamic(self, reference: str) -> str:
        """`{{resolve:secretsmanager:...}}`, resolved from the emulator as CloudFormation would."""
        service, _, rest = reference.partition(":")
        if service != "secretsmanager":
            raise ValueError(f"unsupported dynamic reference: {service}")
        parts = rest.split(":")
        # The secret id may itself be an ARN (arn:aws:secretsmanager:region:account:secret:name).
        split_at = 7 if rest.startswith("arn:") else 1
        secret_id, key = ":".join(parts[:split_at]), ":".join(parts[split_at:])
        if key not in ("", "SecretString"):
            raise ValueError("only whole SecretString references are supported locally")
        try:
            response = self._context.client("secretsmanager").get_secret_value(SecretId=secret_id)
        except ClientError as error:
            raise ValueError(f"the secret {secret_id} does not exist locally") from error
        value: str = response["SecretString"]
        return value
