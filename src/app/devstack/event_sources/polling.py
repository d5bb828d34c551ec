"""The pollers' loop: every event source mapping polled in turn, in the background."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol


class Pollable(Protocol):
    """A pump: one round of work per call, returning how many invocations it made."""

    def poll(self) -> int:
        """Do one round."""


class PumpThread:
    """Runs pumps in the background until stopped (the local stack)."""

    def __init__(self, pumps: Sequence[Pollable], interval: float = 0.25) -> None:
        self._pumps = pumps
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-pumps", daemon=True)

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (waits for the current round)."""
        self._stop.set()
        if self._thread.ident is not None:  # started
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            busy = False
            for pump in self._pumps:
                try:
                    busy = pump.poll() > 0 or busy
                except Exception:  # noqa: BLE001 - keep pumping; the emulator may be restarting
                    busy = False
            if not busy:
                self._stop.wait(self._interval)
