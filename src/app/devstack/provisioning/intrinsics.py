"""Read template.yaml as CloudFormation does: short-form tags and the intrinsics the stack uses."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns `!Ref x` into `{"Ref": x}` and `!Sub y` into `{"Fn::Sub": y}`."""


def _construct_tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node for !{suffix}")
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    """Parse a SAM/CloudFormation template file."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return data


class _NoValue:
    """`AWS::NoValue`: the property or list item disappears."""


NO_VALUE = _NoValue()


class Resolver:
    """Evaluates Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If (with the template's Conditions)
    against local physical ids and attributes."""

    def __init__(
        self,
        parameters: Mapping[str, str],
        refs: Mapping[str, str],
        attributes: Mapping[tuple[str, str], str],
        dynamic: Callable[[str], str] | None = None,
        conditions: Mapping[str, Any] | None = None,
    ) -> None:
        self._parameters = parameters
        self._refs = refs
        self._attributes = attributes
        self._dynamic = dynamic
        self._conditions = conditions or {}

    def condition(self, name: str) -> bool:
        """Evaluate one of the template's Conditions."""
        return self._truth(self._conditions[name])

    def resolve(self, value: Any) -> Any:
        """Return `value` with every intrinsic replaced by its local value."""
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if isinstance(value, str):
            return self._dynamic_reference(value)
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and arg == "AWS::NoValue":
                return NO_VALUE
            if key == "Fn::If":
                return self.resolve(arg[1] if self.condition(str(arg[0])) else arg[2])
            if key == "Ref":
                return self._ref(str(arg))
            if key == "Fn::GetAtt":
                return self._attributes[(str(arg[0]), str(arg[1]))]
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                return str(arg[0]).join(str(self.resolve(part)) for part in arg[1])
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _truth(self, expression: Any) -> bool:
        ((kind, args),) = expression.items()
        if kind == "Fn::Equals":
            return bool(self.resolve(args[0]) == self.resolve(args[1]))
        if kind == "Fn::Not":
            return not self._truth(args[0])
        if kind == "Fn::And":
            return all(self._truth(arg) for arg in args)
        if kind == "Fn::Or":
            return any(self._truth(arg) for arg in args)
        if kind == "Condition":
            return self.condition(str(args))
        raise ValueError(f"unsupported condition function: {kind}")

    def _ref(self, name: str) -> str:
        if name in self._parameters:
            return self._parameters[name]
        return self._refs[name]

    def _sub(self, arg: Any) -> str:
        template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return self._attributes[(resource, attribute)]
            return self._ref(name)

        text = _SUB_VAR.sub(replace, str(template)).replace("${!", "${")
        return self._dynamic_reference(text)

    def _dynamic_reference(self, text: str) -> str:
        if self._dynamic is not None and text.startswith("{{resolve:") and text.endswith("}}"):
            return self._dynamic(text[len("{{resolve:") : -2])
        return text
