"""`make run`: start the local stack, serve it until Ctrl-C, reload functions when code changes."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path

from app.devstack.config import StackConfig
from app.devstack.console import Console, seconds
from app.devstack.console.lines import plural
from app.devstack.console.startup import outputs_table
from app.devstack.edge.demo_posts import seed_demo_posts
from app.devstack.functions.reload import SourceWatcher
from app.devstack.secretsmanager.rotation import rotation_targets
from app.devstack.serving import local_server, serve_together
from app.devstack.stack import LocalStack
from app.devstack.tls import ensure_certificate
from app.site.pages import STATIC


def run(config: StackConfig) -> int:
    """Run until Ctrl-C or SIGTERM; returns the exit code."""
    started = time.monotonic()
    console = Console()
    console.hold()  # requests and invocations of the start itself: summed up by its steps
    # `kill` (SIGTERM) cleans up like Ctrl-C: the emulators and workers run in their own sessions.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    tls = None
    if config.https:
        tls = ensure_certificate(config.state_dir / "tls")
        console.progress(f"HTTPS certificate: {tls[0]} (trust it on your device or simulator)")
    stack = LocalStack(config, console).start()
    watcher: SourceWatcher | None = None
    try:
        watcher = SourceWatcher(config.project / "src", lambda changed: _reload(stack, changed))
        servers = [
            local_server(stack.identity.app(), config.identity_port),
            local_server(stack.dax, config.dax_port),
            local_server(stack.site, config.site_port, tls),
        ]
        gateway = local_server(stack.gateway, config.api_port, tls)
        console.progress(f"serving the API on {config.api_url} and the site on {config.site_url}")

        def finish_start() -> None:
            # Through the served gateway: demo posts as an author publishes them, then their
            # pages rendered from the stream before anyone is told the site is ready.
            step = time.monotonic()
            verify: str | bool = str(tls[0]) if tls else True
            published = seed_demo_posts(config.api_url, stack.outputs, verify)
            for pumps in stack.stream_pumps.values():
                for pump in pumps:
                    pump.drain(timeout=120)
            if published:
                console.progress(
                    f"published {published} demo posts and rendered the site in {seconds(step)} "
                    f"({_held(console)})"
                )
            stack.start_polling()
            if watcher is not None:
                watcher.start()
            _announce(config, stack, started)

        # Called from the servers' event loop: the first render runs beside it, not in it.
        ready = threading.Thread(target=finish_start, name="first-render", daemon=True).start
        return 0 if serve_together(servers, gateway, ready) else 1
    finally:
        if watcher is not None:
            watcher.stop()
        config.outputs_file.unlink(missing_ok=True)
        stack.stop()
        print("local stack stopped", flush=True)


def _held(console: Console) -> str:
    counts = [plural(count, what) for what, count in sorted(console.held.items())]
    return ", ".join(counts) or "nothing invoked"


def _reload(stack: LocalStack, changed: set[Path]) -> None:
    """Hot reload: restart the workers that ran the changed code; re-upload changed assets."""
    source = stack.config.project / "src"
    names = ", ".join(sorted(p.relative_to(source).as_posix() for p in changed))
    retired = stack.functions.source_changed(changed)
    if retired:
        restarted = ", ".join(f"{name} ({count})" for name, count in sorted(retired.items()))
        stack.console.reload(f"{names} changed: restarting {restarted}")
    if any(path.is_relative_to(STATIC) for path in changed):
        stack.site_assets.put_assets(STATIC)
        stack.console.reload(f"{names} changed: site assets uploaded again")
    devstack = source / "app" / "devstack"
    if any(path.is_relative_to(devstack) for path in changed):
        stack.console.reload(f"{names} is the local stack's own code: restart it")


def write_outputs(path: Path, outputs: dict[str, str]) -> None:
    """Publish the outputs where clients (and newcomer-check) read them."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)


def _announce(config: StackConfig, stack: LocalStack, started: float) -> None:
    write_outputs(config.state_dir / "rotations.json", rotation_targets(stack.provisioned))
    links = {
        "blog": config.site_url,
        "phone app": f"{config.site_url}app/",
        "authoring": f"{config.site_url}write/",
        "API docs": f"{config.api_url}docs",
    }
    console = stack.console
    console.line("")
    console.line(f"Local stack is ready in {seconds(started)}.", "step")
    for line in outputs_table(stack.outputs, config.outputs_file, links, config.logs):
        console.line(line)
    console.line("")
    console.hold(False)
    write_outputs(config.outputs_file, stack.outputs)  # last: clients wait for it
