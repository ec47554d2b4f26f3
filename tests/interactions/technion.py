"""Converts the Technion SEE-Lab bank call-center day into the canonical interactions CSV.

The source has no date, hold or wrap time; each of its 2,375 rows becomes one contact:
- AGENT: answered by ``server``; offered when the queue started (or when the caller left
  the VRU if the call never queued), answered when it left the queue (``q_exit``: its
  ``q_time`` is the documented queue wait; ``ser_start`` runs a second or two early, the
  log's clocks disagree) or, unqueued, at ``ser_start``; talk = ``ser_time``.
- HANG after queueing, and PHANTOM (a call that vanished from the queue): abandoned when
  the queue ended.
- HANG that never queued: the caller hung up in the VRU, so it never reached an agent's
  queue: deflected (not offered, per kpis.md).
``call_id`` repeats across VRU lines, so the key is ``<vru+line>-<call_id>``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

COLUMNS = [
    "external_id",
    "channel",
    "queue",
    "agent",
    "initiated_at",
    "offered_at",
    "answered_at",
    "ended_at",
    "talk_seconds",
    "outcome",
]


def _at(date: str, clock: str) -> str:
    hours, minutes, seconds = clock.split(":")
    return f"{date}T{int(hours):02d}:{minutes}:{seconds}"


def technion_to_canonical_csv(path: Path, date: str = "2024-03-04", *, clamp_initiated: bool = True) -> bytes:
    """``clamp_initiated=False`` keeps the log's own VRU entry time, a minute after the queue
    entry in 3 calls (two systems' clocks), as a real export would carry it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            queued = row["q_start"] != "0:00:00"
            offered = _at(date, row["q_start"] if queued else row["vru_exit"])
            initiated = _at(date, row["vru_entry"])
            if clamp_initiated:
                initiated = min(offered, initiated)  # a few rows queue "before" the VRU
            base = [f"{row['vru+line']}-{row['call_id']}", "voice", row["type"], ""]
            if row["outcome"] == "AGENT":
                answered = _at(date, row["q_exit"]) if queued else max(offered, _at(date, row["ser_start"]))
                ended = max(answered, _at(date, row["ser_exit"]))
                base[3] = row["server"]
                writer.writerow(base + [initiated, offered, answered, ended, row["ser_time"], "answered"])
            elif queued:
                ended = max(offered, _at(date, row["q_exit"]))
                writer.writerow(base + [initiated, offered, "", ended, "", "abandoned"])
            else:
                writer.writerow(base + [initiated, offered, "", "", "", "deflected"])
    return out.getvalue().encode()
