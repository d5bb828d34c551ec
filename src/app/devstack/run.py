"""`make run`: start the local stack, serve it until Ctrl-C, reload functions when code changes."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from app.devstack.config import StackConfig
from app.devstack.console import Console
from app.devstack.edge.demo_posts import seed_demo_posts
from app.devstack.functions.reload import SourceWatcher
from app.devstack.secretsmanager.rotation import rotation_targets
from app.devstack.serving import local_server, serve_together
from app.devstack.stack import LocalStack, write_outputs
from app.devstack.tls import ensure_certificate
from app.site.pages import STATIC


def run(config: StackConfig) -> int:
    """Run until Ctrl-C or SIGTERM; returns the exit code."""
    console = Console()
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
            verify: str | bool = str(tls[0]) if tls else True
            if seed_demo_posts(config.api_url, stack.outputs, verify):
                console.progress("published the demo posts; rendering their pages")
            for pumps in stack.stream_pumps.values():
                for pump in pumps:
                    pump.drain(timeout=120)
            stack.start_polling()
            if watcher is not None:
                watcher.start()
            _announce(config, stack)

        # Called from the servers' event loop: the first render runs beside it, not in it.
        ready = threading.Thread(target=finish_start, name="first-render", daemon=True).start
        return 0 if serve_together(servers, gateway, ready) else 1
    finally:
        if watcher is not None:
            watcher.stop()
        config.outputs_file.unlink(missing_ok=True)
        stack.stop()
        print("local stack stopped", flush=True)


def _reload(stack: LocalStack, changed: set[Path]) -> None:
    """Hot reload: restart the workers that ran the changed code; re-upload changed assets."""
    source = stack.config.project / "src"
    names = ", ".join(sorted(p.relative_to(source).as_posix() for p in changed))
    retired = stack.functions.source_changed(changed)
    if retired:
        restarted = ", ".join(f"{name} ({count})" for name, count in sorted(retired.items()))
        stack.console.line(f"{'HotReload':<22} {names} changed: restarting {restarted}")
    if any(path.is_relative_to(STATIC) for path in changed):
        stack.site_assets.put_assets(STATIC)
        stack.console.line(f"{'HotReload':<22} {names} changed: site assets uploaded again")
    devstack = source / "app" / "devstack"
    if any(path.is_relative_to(devstack) for path in changed):
        stack.console.line(f"{'HotReload':<22} {names} is the local stack's own code: restart it")


def _announce(config: StackConfig, stack: LocalStack) -> None:
    write_outputs(config.outputs_file, stack.outputs)
    write_outputs(config.state_dir / "rotations.json", rotation_targets(stack.provisioned))
    lines = [f"\nLocal stack is ready. Outputs (also in {config.outputs_file}):"]
    lines += [f"  {key:<24} {value}" for key, value in sorted(stack.outputs.items())]
    lines += [
        f"\n  blog: {config.site_url}    docs: {config.api_url}docs",
        f"  function logs: {config.logs}{os.sep}",
        "  sign in: make user EMAIL=you@example.com [AUTHOR=1]",
        "  Ctrl-C stops everything.\n",
    ]
    for line in lines:
        stack.console.line(line)
