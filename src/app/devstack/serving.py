"""uvicorn servers on loopback: together in the foreground (make run) or in a thread (tests)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp


def local_server(app: ASGIApp, port: int, tls: tuple[Path, Path] | None = None) -> uvicorn.Server:
    """A quiet uvicorn server on 127.0.0.1 (`tls` = certificate and key files)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # Idle keep-alive connections (the renderer's, to the API) must not hold up Ctrl-C: a TLS
        # one otherwise waits out asyncio's 30 s SSL shutdown for a peer that reads nothing.
        timeout_graceful_shutdown=3,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )
    return uvicorn.Server(config)


def serve_together(
    background: list[uvicorn.Server], main: uvicorn.Server, on_ready: Callable[[], None]
) -> bool:
    """Run the servers until Ctrl-C or SIGTERM; `main` starts last so its handler takes the signal.

    When `main` exits, the others are told to stop too. Returns whether everything started.
    """

    async def run() -> bool:
        tasks = []
        for server in background:
            tasks.append(asyncio.create_task(server.serve()))
            while not server.started and not tasks[-1].done():
                await asyncio.sleep(0.05)
        main_task = asyncio.create_task(main.serve())
        while not main.started and not main_task.done():
            await asyncio.sleep(0.05)
        ready = main.started and all(server.started for server in background)
        if ready:
            on_ready()
        await main_task
        for server in background:
            server.should_exit = True
        await asyncio.gather(*tasks)
        return ready

    return asyncio.run(run())


@contextmanager
def serving_in_thread(app: ASGIApp, port: int) -> Iterator[str]:
    """Serve `app` from a daemon thread; yields its base URL (no trailing slash)."""
    server = local_server(app, port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
