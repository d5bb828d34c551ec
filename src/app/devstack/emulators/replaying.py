"""Whether the emulator is replaying its recording: what moto does then already happened once.

Checks and side effects added to moto (POST policies, the SES mailbox simulator's events) are
skipped while the recording is replayed: the policies have expired since, and the events were
delivered when the mail was first sent.
"""

from __future__ import annotations

from typing import Any

# The replay sends its requests to this same server from another thread: a process-wide flag.
_global = {"replaying": False}
_installed = {"done": False}


def now() -> bool:
    """True while the recording is being replayed (in this process)."""
    return _global["replaying"]


def install() -> None:
    """Mark the replay, around moto's own (idempotent)."""
    if _installed["done"]:
        return
    from moto.moto_api._internal.recorder.models import Recorder

    original = Recorder.replay_recording

    def replay(self: Any, *args: Any, **kwargs: Any) -> Any:
        _global["replaying"] = True
        try:
            return original(self, *args, **kwargs)
        finally:
            _global["replaying"] = False

    Recorder.replay_recording = replay  # type: ignore[method-assign]
    _installed["done"] = True
