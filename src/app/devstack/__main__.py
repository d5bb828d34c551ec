"""`python -m app.devstack run|user`: the commands behind `make run` and `make user`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from starlette.types import ASGIApp

from app.adapters.site_s3 import S3SitePublisher
from app.api.app import create_app
from app.bootstrap import Container, build_container
from app.devstack.edge.origin import seed_demo_posts, site_app
from app.devstack.event_sources.dynamodb_streams import PumpThread, StreamPump
from app.devstack.serving import local_server, serve_together
from app.devstack.stack import (
    REPO_ROOT,
    RunningStack,
    StackConfig,
    s3_pumps,
    start_stack,
    stream_pumps,
    write_outputs,
)
from app.devstack.tls import ensure_certificate
from app.settings import Settings
from app.site.pages import STATIC


def _run(args: argparse.Namespace) -> int:
    config = StackConfig(
        state_dir=Path(args.state_dir),
        api_port=args.port,
        emulator_port=args.emulator_port,
        user_files_port=args.user_files_port,
        identity_port=args.identity_port,
        site_port=args.site_port,
        stage=args.stage,
        https=args.https,
        persist=not args.no_persist,
    )
    step = iter(range(1, 10))

    def progress(message: str) -> None:
        prefix = "      " if message.startswith("  ") else f"[{next(step)}] "
        print(prefix + message.strip(), flush=True)

    # `kill` (SIGTERM) cleans up like Ctrl-C: the emulators run in their own sessions.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    stack = start_stack(config, progress)
    pumps: PumpThread | None = None
    try:
        tls = None
        if config.https:
            tls = ensure_certificate(config.state_dir / "tls")
            progress(f"HTTPS certificate: {tls[0]} (trust it on your device or simulator)")
            # The renderer calls the photos API, served with this certificate (httpx reads it).
            os.environ["SSL_CERT_FILE"] = str(tls[0])
        api, container = _local_api(stack.api_environment)
        stream, pumps = _prepare_site(stack, container, progress)
        api_server = local_server(api, config.api_port, tls)
        identity_server = local_server(stack.identity.app(), config.identity_port)
        site_server = local_server(
            site_app(
                api,
                _s3(stack),
                stack.outputs["SiteBucketName"],
                stack.outputs["PhotosBucketName"],
            ),
            config.site_port,
            tls,
        )
        progress(f"serving the API on {config.api_url} and the site on {config.site_url}")

        def finish_start() -> None:
            # The renderer asks the photos API (served now) while it renders the first pages.
            for pump in stream:
                pump.drain(timeout=60)
            pumps.start()
            announce()

        def announce() -> None:
            write_outputs(config, stack.outputs)
            print(f"\nLocal stack is ready. Outputs (also in {config.outputs_file}):", flush=True)
            for key, value in sorted(stack.outputs.items()):
                print(f"  {key:<24} {value}", flush=True)
            print(f"\n  blog: {config.site_url}    docs: {config.api_url}docs")
            print("  sign in: make user EMAIL=you@example.com [AUTHOR=1]")
            print("  Ctrl-C stops everything.\n", flush=True)

        servers = [identity_server, site_server]
        # Called from the servers' event loop: the first render runs beside it, not in it.
        ready = threading.Thread(target=finish_start, name="first-render", daemon=True).start
        return 0 if serve_together(servers, api_server, ready) else 1
    finally:
        if pumps is not None:
            pumps.stop()
        config.outputs_file.unlink(missing_ok=True)
        stack.stop()
        print("local stack stopped", flush=True)


def _local_api(environment: dict[str, str]) -> tuple[ASGIApp, Container]:
    """The same app as on Lambda, configured from the template's environment plus local values."""
    os.environ.update(environment)
    container = build_container(Settings())
    app = create_app(container)
    copy_config_to_registered_loggers(source_logger=Logger(service="local-api"), include={"app"})
    return app, container


def _s3(stack: RunningStack) -> Any:
    return boto3.client("s3", endpoint_url=stack.emulator.url, region_name=stack.outputs["Region"])


def _prepare_site(
    stack: RunningStack, container: Container, progress: Callable[[str], None]
) -> tuple[list[StreamPump], PumpThread]:
    """Assets into the site bucket, demo posts on an empty blog, the pumps (not yet running)."""
    S3SitePublisher(_s3(stack), stack.outputs["SiteBucketName"]).put_assets(STATIC)
    pumps = stream_pumps(stack)
    if container.posts is not None and seed_demo_posts(container.posts):
        progress("seeding demo posts; the site renders from the posts stream once serving")
    return pumps, PumpThread([*pumps, *s3_pumps(stack)])


def _user(args: argparse.Namespace) -> int:
    from app.devstack.cognito.users import sign_in

    outputs_file = Path(args.state_dir) / "outputs.json"
    if not outputs_file.exists():
        print("the local stack is not running: start it with `make run`", file=sys.stderr)
        return 2
    outputs = json.loads(outputs_file.read_text(encoding="utf-8"))
    tokens = sign_in(outputs, args.email, args.password, ("authors",) if args.author else ())
    print(tokens["IdToken"])
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from app.devstack.emulators.outbox import format_outbox, read_outbox

    outputs_file = Path(args.state_dir) / "outputs.json"
    if not outputs_file.exists():
        print("the local stack is not running: start it with `make run`", file=sys.stderr)
        return 2
    outputs = json.loads(outputs_file.read_text(encoding="utf-8"))
    print(format_outbox(read_outbox(outputs["AwsEndpointUrl"])))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m app.devstack")
    parser.add_argument("--state-dir", default=str(REPO_ROOT / ".devstack"))
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the whole system locally")
    run.add_argument("--port", type=int, default=int(os.environ.get("API_PORT", "3000")))
    run.add_argument(
        "--emulator-port", type=int, default=int(os.environ.get("EMULATOR_PORT", "4566"))
    )
    run.add_argument(
        "--user-files-port", type=int, default=int(os.environ.get("USER_FILES_PORT", "4567"))
    )
    run.add_argument(
        "--identity-port", type=int, default=int(os.environ.get("IDENTITY_PORT", "4568"))
    )
    run.add_argument("--site-port", type=int, default=int(os.environ.get("SITE_PORT", "8080")))
    run.add_argument("--stage", default="local")
    run.add_argument("--https", action="store_true")
    run.add_argument("--no-persist", action="store_true", help="do not record or restore data")
    run.set_defaults(func=_run)
    user = commands.add_parser("user", help="create/sign in a local user and print an ID token")
    user.add_argument("email")
    user.add_argument("--password", default=os.environ.get("PASSWORD") or None)
    user.add_argument("--author", action="store_true", help="add the user to the authors group")
    user.set_defaults(func=_user)
    outbox = commands.add_parser("outbox", help="show every email the local SES sent")
    outbox.set_defaults(func=_outbox)
    args = parser.parse_args(argv)
    if args.command == "user" and args.password is None:
        from app.devstack.cognito.users import DEFAULT_LOCAL_PASSWORD

        args.password = DEFAULT_LOCAL_PASSWORD
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
