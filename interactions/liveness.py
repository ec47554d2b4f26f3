"""Who runs an import, and whether they still do: the owner label of a RUNNING ImportRun.

A run records ``host:pid`` of the process that runs it and a heartbeat (each batch). A run
whose process is gone can never finish by itself; it is found by ``import_runs_reap``. On the
owner's own host a dead process is known at once (``os.kill(pid, 0)``); from another host
(another container, another machine) only the heartbeat tells, so there the run must have
been silent for ``IMPORT_STALE_AFTER_SECONDS`` (longer than any batch or recompute takes).
"""

from __future__ import annotations

import datetime as dt
import os
import socket


def owner_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def is_own(owner: str) -> bool:
    return owner == owner_label()


def owner_is_alive(
    owner: str, heartbeat_at: dt.datetime | None, *, now: dt.datetime, stale_after: dt.timedelta
) -> bool:
    host, _, pid_text = owner.rpartition(":")
    if host == socket.gethostname() and pid_text.isdigit():
        return _process_exists(int(pid_text)) and not _silent(heartbeat_at, now, stale_after)
    return not _silent(heartbeat_at, now, stale_after)


def _silent(heartbeat_at: dt.datetime | None, now: dt.datetime, stale_after: dt.timedelta) -> bool:
    return heartbeat_at is None or now - heartbeat_at > stale_after


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
