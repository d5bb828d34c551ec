"""Schemathesis hooks for the contract fuzz run: hostile path parameters.

The spec types every id as a plain string, so the fuzzer alone draws tame values and never finds
the ids that reach rows they should not (a single-table key like `#writes`) or that break a
decoder. Here half the path parameters come from hostile alphabets instead: key separators
(`#`, `|`, `:`), `%` and its encodings, `/` (sent encoded), dots, control, bidi and astral
characters, and lengths past every limit (300 characters). A dictionary of the adapters' own
string constants joins them, as a fuzzer's auto-dictionary takes a target's comparison constants
(AFL's `-x` and its dictionary docs): the keys a storage layer builds are the values worth trying.

Loaded by schemathesis through `SCHEMATHESIS_HOOKS` (tests/e2e/test_fuzz.py sets it). Values are
drawn raw; schemathesis percent-encodes path parameters after the hooks run.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.transport.serialization import quote_all

ADAPTERS = Path(__file__).resolve().parents[2] / "src" / "app" / "adapters"
HOSTILE_ALPHABET = "#%/\\?.:|*&=+ '\"<>~\x00\x1f\x7f\u00e9\u200b\u202e\uffff\U0001f600"
GENERIC_TOKENS = ("#", "%", "%23", "%2F", "%25", "..", ".", "/", "\\", "*", "null", "~", "$")
KEY_SEPARATORS = set("#|:")
LONG = 300


def adapter_constants() -> list[str]:
    """Key material among the adapters' string constants: short ones holding a separator."""
    found: set[str] = set()
    for module in sorted(ADAPTERS.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                if len(value) <= 24 and " " not in value and set(value) & KEY_SEPARATORS:
                    found.add(value)
    return sorted(found)


def hostile_values() -> st.SearchStrategy[str]:
    """One path parameter value from the hostile alphabets, the dictionary, or a long run."""
    tokens = st.sampled_from([*GENERIC_TOKENS, *adapter_constants()])
    piece = st.one_of(tokens, st.text(alphabet=HOSTILE_ALPHABET, min_size=1, max_size=4))
    return st.one_of(
        tokens,
        st.text(alphabet=HOSTILE_ALPHABET, min_size=1, max_size=16),
        st.lists(piece, min_size=2, max_size=4).map("".join),
        st.text(min_size=LONG, max_size=LONG),
        st.builds(lambda head: head + "a" * (LONG - len(head)), tokens),
    )


_HOSTILE = hostile_values()


def dictionary_sweep() -> list[str]:
    """Every path parameter of every operation also gets each of these, deterministically (the
    fuzzer's draws are random and may miss a single token): the dictionary, one of each hostile
    character, and the long forms."""
    tokens = [*GENERIC_TOKENS, *adapter_constants()]
    return [
        *tokens,
        *(f"a{char}b" for char in HOSTILE_ALPHABET),
        "\u00e9t\u00e9",
        "a" * LONG,
        "#" * LONG,
        "\U0001f600" * LONG,
    ]


def _maybe_hostile(parameters: Any) -> st.SearchStrategy[Any]:
    """Keep the generated parameters, or replace each value with a hostile one."""
    if not isinstance(parameters, dict) or not parameters:
        return st.just(parameters)  # negative-mode containers pass through untouched
    hostile = st.fixed_dictionaries(dict.fromkeys(parameters, _HOSTILE))
    return st.one_of(st.just(parameters), hostile)


@schemathesis.hook
def before_add_examples(context: schemathesis.HookContext, examples: list[Any]) -> None:
    """The sweep runs in the examples phase, each value on the operation's first example (so its
    body and headers are valid and the request reaches the code that looks the id up)."""
    if not examples or not examples[0].path_parameters:
        return
    base = examples[0]
    for value in dictionary_sweep():
        case = base.derive()
        case.path_parameters = quote_all(dict.fromkeys(base.path_parameters, value))
        examples.append(case)


@schemathesis.hook
def before_generate_path_parameters(
    context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Half of the drawn path parameters are hostile."""
    return strategy.flatmap(_maybe_hostile)


_READS = itertools.count()


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Any, **kwargs: Any) -> None:
    """Stateful scenarios read as our clients do after a write: with a new `fresh` value.

    The stage cache serves a GET from its cache for the TTL whatever was written since, as API
    Gateway does ("Enable API caching", API Gateway developer guide: a write does not flush it),
    so a to-do deleted within a minute of being read is still served from the cache to a read
    with the same key. The use-after-free check would count that; clients avoid it with `fresh`
    (docs/caching.md). Only the stateful phase changes: the other phases keep reading through
    the cache with whatever the fuzzer drew.
    """
    meta = getattr(case, "meta", None)
    if case.method.upper() != "GET" or meta is None or meta.phase.name != "stateful":
        return
    declared = {parameter.name for parameter in case.operation.query}
    if "fresh" in declared:
        case.query = {**(case.query or {}), "fresh": f"stateful-{next(_READS)}"}
