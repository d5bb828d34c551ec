"""`python -m app.devstack run|user`: the commands behind `make run` and `make user`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from app.devstack.config import REPO_ROOT, StackConfig


def _run(args: argparse.Namespace) -> int:
    from app.devstack.run import run

    return run(
        StackConfig(
            state_dir=Path(args.state_dir),
            api_port=args.port,
            emulator_port=args.emulator_port,
            user_files_port=args.user_files_port,
            identity_port=args.identity_port,
            site_port=args.site_port,
            dax_port=args.dax_port,
            stage=args.stage,
            https=args.https,
            persist=not args.no_persist,
        )
    )


def _user(args: argparse.Namespace) -> int:
    from app.devstack.cognito.users import sign_in

    outputs_file = Path(args.state_dir) / "outputs.json"
    if not outputs_file.exists():
        print("the local stack is not running: start it with `make run`", file=sys.stderr)
        return 2
    outputs = json.loads(outputs_file.read_text(encoding="utf-8"))
    groups = (*(("authors",) if args.author else ()), *(("editors",) if args.editor else ()))
    tokens = sign_in(outputs, args.email, args.password, groups)
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


def _rotate_keys(args: argparse.Namespace) -> int:
    """Rotate every signing key ring now, as its schedule would (the rotation function's code,
    run here against the running stack's emulator)."""
    import boto3

    from app.adapters.secrets_rotation import SecretsManagerRotation
    from app.devstack.emulators.process import LOCAL_CREDENTIALS
    from app.devstack.secretsmanager.rotation import rotate

    state = Path(args.state_dir)
    if not (state / "rotations.json").exists():
        print("the local stack is not running: start it with `make run`", file=sys.stderr)
        return 2
    outputs = json.loads((state / "outputs.json").read_text(encoding="utf-8"))
    client = boto3.client(
        "secretsmanager",
        endpoint_url=outputs["AwsEndpointUrl"],
        region_name=outputs.get("Region", "us-east-1"),
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    rotation = SecretsManagerRotation(client)
    for secret, function in json.loads((state / "rotations.json").read_text()).items():
        rotate(secret, lambda e: rotation.step(e["SecretId"], e["ClientRequestToken"], e["Step"]))
        print(f"rotated {secret.rsplit(':', 1)[-1]} ({function}'s code)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m app.devstack")
    # DEVSTACK_DIR: a second stack's state beside the first (the docs' test runs one this way).
    parser.add_argument(
        "--state-dir", default=os.environ.get("DEVSTACK_DIR") or str(REPO_ROOT / ".devstack")
    )
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
    run.add_argument("--dax-port", type=int, default=int(os.environ.get("DAX_PORT", "4569")))
    run.add_argument("--stage", default="local")
    run.add_argument("--https", action="store_true")
    run.add_argument("--no-persist", action="store_true", help="do not record or restore data")
    run.set_defaults(func=_run)
    user = commands.add_parser("user", help="create/sign in a local user and print an ID token")
    user.add_argument("email")
    user.add_argument("--password", default=os.environ.get("PASSWORD") or None)
    user.add_argument("--author", action="store_true", help="add the user to the authors group")
    user.add_argument("--editor", action="store_true", help="add the user to the editors group")
    user.set_defaults(func=_user)
    outbox = commands.add_parser("outbox", help="show every email the local SES sent")
    outbox.set_defaults(func=_outbox)
    keys = commands.add_parser("rotate-keys", help="rotate every signing key ring now")
    keys.set_defaults(func=_rotate_keys)
    args = parser.parse_args(argv)
    if args.command == "user" and args.password is None:
        from app.devstack.cognito.users import DEFAULT_LOCAL_PASSWORD

        args.password = DEFAULT_LOCAL_PASSWORD
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
