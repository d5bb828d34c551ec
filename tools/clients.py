"""Everything generated from the API's OpenAPI spec, written or checked for drift.

    python tools/clients.py write   # clients/openapi.json, clients/python, clients/typescript/src
    python tools/clients.py check   # regenerate into a temporary folder; fail on any difference

The spec comes from the app itself (all services); the Python SDK from openapi-python-client;
the TypeScript types from openapi-typescript, and the small typed client from `typescript_client`.
"""

from __future__ import annotations

import difflib
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "clients"
SPEC = CLIENTS / "openapi.json"
PYTHON_SDK = CLIENTS / "python"
PYTHON_CONFIG = CLIENTS / "python-config.yaml"
TYPESCRIPT = CLIENTS / "typescript"
TS_GENERATED = ("schema.ts", "client.ts")
BIN = Path(sys.executable).parent
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def openapi_spec() -> dict[str, Any]:
    """The whole API's spec, as every function serves it at /openapi.json."""
    sys.path.insert(0, str(ROOT / "src"))
    from app.api.app import create_app
    from app.bootstrap import build_container
    from app.settings import Settings

    spec: dict[str, Any] = create_app(build_container(Settings.model_validate({}))).openapi()
    return spec


def spec_text(spec: dict[str, Any]) -> str:
    """The committed form: stable indentation, a trailing newline."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def generate_python(spec_path: Path, out: Path) -> None:
    """openapi-python-client into `out` (a folder that must not exist yet)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # its ruff post-hooks
    subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec_path),
            "--output-path",
            str(out),
            "--config",
            str(PYTHON_CONFIG),
            "--meta",
            "uv",
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(out / ".ruff_cache", ignore_errors=True)  # left by its ruff post-hook


def generate_typescript(spec_path: Path, spec: dict[str, Any], out: Path) -> None:
    """schema.ts (openapi-typescript) and client.ts (one typed function per operation)."""
    out.mkdir(parents=True, exist_ok=True)
    tool = TYPESCRIPT / "node_modules" / ".bin" / "openapi-typescript"
    if not tool.exists():
        raise SystemExit("run `npm ci --prefix clients/typescript` first (make does)")
    subprocess.run(
        [str(tool), str(spec_path), "-o", str(out / "schema.ts"), "--default-non-nullable=false"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (out / "client.ts").write_text(typescript_client(spec), encoding="utf-8")


def _success_statuses(operation: dict[str, Any]) -> list[str]:
    return [s for s in operation["responses"] if s.startswith(("2", "3"))]


def _data_type(op_id: str, operation: dict[str, Any]) -> str:
    types = []
    for status in _success_statuses(operation):
        content = operation["responses"][status].get("content", {})
        if "application/json" in content:
            types.append(
                f'operations["{op_id}"]["responses"][{status}]["content"]["application/json"]'
            )
        else:
            types.append("undefined")
    return " | ".join(dict.fromkeys(types)) or "undefined"


def typescript_client(spec: dict[str, Any]) -> str:
    """A dependency-free client over `fetch`, typed by openapi-typescript's `operations`."""
    inputs: list[str] = []
    methods: list[str] = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            op_id = operation["operationId"]
            kinds = {p["in"] for p in operation.get("parameters", [])}
            required = {p["in"] for p in operation.get("parameters", []) if p.get("required")}
            fields = []
            needs_input = False  # some path parameter, header or body is required
            for kind, key in (("path", "path"), ("query", "query"), ("header", "headers")):
                if kind in kinds:
                    optional = "" if kind in required else "?"
                    needs_input |= not optional
                    param_type = f'NonNullable<operations["{op_id}"]["parameters"]["{kind}"]>'
                    fields.append(f"  {key}{optional}: {param_type};")
            body = operation.get("requestBody")
            if body:
                optional = "" if body.get("required") else "?"
                needs_input |= not optional
                body_type = (
                    f'NonNullable<operations["{op_id}"]["requestBody"]>'
                    '["content"]["application/json"]'
                )
                fields.append(f"  body{optional}: {body_type};")
            input_name = op_id[0].upper() + op_id[1:] + "Input"
            inputs.append(f"export interface {input_name} {{\n" + "\n".join(fields) + "\n}\n")
            arg = f"input: {input_name}" + ("" if needs_input else " = {}")
            secured = bool(operation.get("security"))
            summary = operation.get("summary", op_id)
            methods.append(
                f"    /** {summary} (`{method.upper()} {path}`, tag {operation['tags'][0]}). */\n"
                f"    {op_id}: ({arg}): Promise<ApiResult<{_data_type(op_id, operation)}>> =>\n"
                f'      call("{method.upper()}", "{path}", input, {str(secured).lower()}),'
            )
    return TS_TEMPLATE.format(
        title=spec["info"]["title"],
        version=spec["info"]["version"],
        inputs="\n".join(inputs),
        methods="\n".join(methods),
    )


TS_TEMPLATE = """\
// Generated by tools/clients.py from clients/openapi.json ({title} {version}): do not edit.
import type {{ components, operations }} from "./schema.js";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

/** A successful answer: the parsed body (undefined for 204/304), status and headers. */
export interface ApiResult<T> {{
  status: number;
  data: T;
  headers: Headers;
}}

/** Any 4xx/5xx: the RFC 9457 problem the API sent, with its stable `code`. */
export class ApiError extends Error {{
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {{
    super(`${{status}} ${{problem.code}}: ${{problem.detail}}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }}
}}

export interface ClientOptions {{
  /** The API's base URL, e.g. outputs.json's ApiUrl or https://<site>/api/. */
  baseUrl: string;
  /** A Cognito user pool ID token (or a function returning a fresh one) for private routes. */
  token?: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
}}

interface CallInput {{
  path?: object;
  query?: object;
  headers?: object;
  body?: unknown;
}}

{inputs}
export function createClient(options: ClientOptions) {{
  const send = options.fetch ?? fetch;
  const base = options.baseUrl.endsWith("/") ? options.baseUrl : `${{options.baseUrl}}/`;

  async function call<T>(method: string, template: string, input: CallInput, secured: boolean) {{
    const path = template.replace(/\\{{(\\w+)\\}}/g, (_m, name: string) =>
      encodeURIComponent(String((input.path as Record<string, unknown>)[name])),
    );
    const url = new URL(path.slice(1), base);
    for (const [name, value] of Object.entries(input.query ?? {{}})) {{
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }}
    const headers = new Headers({{ Accept: "application/json, application/problem+json" }});
    for (const [name, value] of Object.entries(input.headers ?? {{}})) {{
      if (value !== undefined && value !== null) headers.set(name, String(value));
    }}
    if (secured && options.token !== undefined) {{
      const token = typeof options.token === "function" ? await options.token() : options.token;
      headers.set("Authorization", `Bearer ${{token}}`);
    }}
    let body: string | undefined;
    if (input.body !== undefined) {{
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(input.body);
    }}
    const response = await send(url, {{ method, headers, body }});
    const text = await response.text();
    if (response.status >= 400) {{
      throw new ApiError(response.status, JSON.parse(text) as Problem);
    }}
    const data = text ? (JSON.parse(text) as T) : (undefined as T);
    return {{ status: response.status, data, headers: response.headers }} as ApiResult<T>;
  }}

  return {{
{methods}
  }};
}}

export type Client = ReturnType<typeof createClient>;
"""


def write() -> None:
    """Regenerate everything in place."""
    spec = openapi_spec()
    SPEC.write_text(spec_text(spec), encoding="utf-8")
    shutil.rmtree(PYTHON_SDK, ignore_errors=True)
    generate_python(SPEC, PYTHON_SDK)
    generate_typescript(SPEC, spec, TYPESCRIPT / "src")
    print(f"wrote {SPEC.relative_to(ROOT)}, {PYTHON_SDK.relative_to(ROOT)}, typescript/src")


def check() -> int:
    """Regenerate into a temporary folder and compare with what is committed."""
    spec = openapi_spec()
    drift: list[str] = []
    committed = SPEC.read_text(encoding="utf-8") if SPEC.exists() else ""
    if committed != spec_text(spec):
        diff = difflib.unified_diff(
            committed.splitlines(), spec_text(spec).splitlines(), "committed", "app", lineterm=""
        )
        drift.append("clients/openapi.json differs from the app's spec:\n" + "\n".join(diff))
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        (fresh / "openapi.json").write_text(spec_text(spec), encoding="utf-8")
        generate_python(fresh / "openapi.json", fresh / "python")
        drift += _folder_drift(fresh / "python", PYTHON_SDK, "clients/python")
        generate_typescript(fresh / "openapi.json", spec, fresh / "ts")
        for name in TS_GENERATED:
            if not filecmp.cmp(fresh / "ts" / name, TYPESCRIPT / "src" / name, shallow=False):
                drift.append(f"clients/typescript/src/{name} differs from a fresh generation")
    if drift:
        print("\n".join(drift))
        print("\nthe generated clients drifted from the app: run `make clients` and commit")
        return 1
    print("OpenAPI spec, Python SDK and TypeScript client: in sync with the app")
    return 0


def _folder_drift(fresh: Path, committed: Path, name: str) -> list[str]:
    compare = filecmp.dircmp(
        fresh, committed, ignore=["__pycache__", ".pytest_cache", ".ruff_cache"]
    )
    problems: list[str] = []
    pending = [(compare, "")]
    while pending:
        current, prefix = pending.pop()
        problems += [f"{name}/{prefix}{f}: only in a fresh generation" for f in current.left_only]
        problems += [f"{name}/{prefix}{f}: not generated any more" for f in current.right_only]
        for file in current.common_files:
            if not filecmp.cmp(Path(current.left) / file, Path(current.right) / file, False):
                problems.append(f"{name}/{prefix}{file}: differs from a fresh generation")
        pending += [(sub, f"{prefix}{d}/") for d, sub in current.subdirs.items()]
    return problems


def main(argv: list[str]) -> int:
    """`write` or `check`."""
    if argv[1:] == ["write"]:
        write()
        return 0
    if argv[1:] == ["check"]:
        return check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
