"""One live contact, merged from its events (pure: no Redis, no ORM).

Events may arrive twice, replayed, or out of order by a few seconds. The record is therefore a
merge that does not depend on arrival order: each kind of event has its own slot, and when two
events of one kind disagree the earliest wins for "enqueued"/"answered" and the latest for
"ended"/"abandoned" (ties broken by event id). Everything the live state counts is a pure
function of the merged record (``contribution``), so applying "new contribution − old" keeps
the counters equal to what the clean sequence would have produced, whatever the order.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from interactions.ingestion.rows import InteractionRow, RowError

from .events import ContactEvent

EARLIEST_WINS = ("enqueued", "answered")
LATEST_WINS = ("ended", "abandoned")
CENTER = "*"  # the counters' name for the whole center (a queue cannot be named so: see NO_QUEUE)
NO_QUEUE = "(no queue)"


@dataclass(frozen=True)
class DayRules:
    """The tenant's KPI settings the live figures need (../shared/spec/kpis.md)."""

    tz: zoneinfo.ZoneInfo
    service_level_seconds: int = 20
    service_level_inclusive: bool = True
    short_abandon_seconds: int = 5


def _slot(event: ContactEvent) -> dict:
    slot: dict = {"at": event.at.timestamp(), "id": event.event_id, "line": event.line}
    for key, value in (
        ("q", event.queue),
        ("ch", event.channel if event.channel != "voice" else None),
        ("ag", event.agent),
        ("cu", event.customer_id),
        ("talk", event.talk_seconds),
        ("hold", event.hold_seconds),
        ("acw", event.acw_seconds),
    ):
        if value is not None:
            slot[key] = value
    return slot


def merge(record: dict | None, event: ContactEvent) -> dict:
    """The record with ``event`` merged in (a new dict; ``record`` is left as it was)."""
    merged = dict(record or {})
    if event.kind == "missed":
        if event.agent:
            merged["missed"] = sorted(set(merged.get("missed", [])) | {event.agent})
        return merged
    if event.kind == "transferred":
        merged["transferred"] = True
        return merged
    new, old = _slot(event), merged.get(event.kind)
    if old is None or _wins(event.kind, (new["at"], new["id"]), (old["at"], old["id"])):
        merged[event.kind] = new
    return merged


def _wins(kind: str, new: tuple, old: tuple) -> bool:
    return new < old if kind in EARLIEST_WINS else new > old


def _first(record: dict, key: str, kinds=("enqueued", "answered", "ended", "abandoned")):
    for kind in kinds:
        value = record.get(kind, {}).get(key)
        if value is not None:
            return value
    return None


def queue_of(record: dict) -> str:
    return _first(record, "q") or NO_QUEUE


def outcome_of(record: dict) -> str | None:
    """answered, abandoned, or None while the contact is still waiting."""
    if "answered" in record:
        return "answered"
    if "abandoned" in record or "ended" in record:  # ended before any agent answered
        return "abandoned"
    return None


def _left_queue_at(record: dict) -> float | None:
    if "answered" in record:
        return record["answered"]["at"]
    for kind in ("abandoned", "ended"):
        if kind in record:
            return record[kind]["at"]
    return None


def is_waiting(record: dict) -> bool:
    return "enqueued" in record and outcome_of(record) is None


def contribution(record: dict | None, rules: DayRules) -> dict[tuple[str, str], int]:
    """What the record adds to the counters: {(bucket, field): amount}.

    Buckets: ``d:<local day of offered_at>`` for today's figures (a contact belongs to the day
    it was offered, as in the KPIs), ``w:<minute it left the queue>`` for the rolling windows of
    the alerts. Fields: ``<queue>|<measure>`` for its queue and for the center (CENTER).
    Wait sums are in milliseconds: integers, so adding and subtracting never drifts.
    """
    if not record or "enqueued" not in record:
        return {}
    outcome = outcome_of(record)
    left = _left_queue_at(record)
    if outcome is None or left is None:
        return {}
    offered_at = record["enqueued"]["at"]
    wait = max(0.0, left - offered_at)
    measures: dict[str, int] = {}
    if outcome == "answered":
        threshold = rules.service_level_seconds
        within = wait <= threshold if rules.service_level_inclusive else wait < threshold
        measures = {"offered": 1, "handled": 1, "wait_ms": round(wait * 1000), "within": int(within)}
    elif wait < rules.short_abandon_seconds:
        measures = {"short": 1}
    else:
        measures = {"offered": 1, "abandoned": 1}
    day = dt.datetime.fromtimestamp(offered_at, rules.tz).date().isoformat()
    minute = int(left // 60)
    out: dict[tuple[str, str], int] = {}
    for bucket in (f"d:{day}", f"w:{minute}"):
        for scope in (queue_of(record), CENTER):
            for measure, amount in measures.items():
                out[(bucket, f"{scope}|{measure}")] = amount
    return out


def delta(old: dict | None, new: dict, rules: DayRules) -> dict[tuple[str, str], int]:
    before, after = contribution(old, rules), contribution(new, rules)
    changes = {key: after.get(key, 0) - before.get(key, 0) for key in before.keys() | after.keys()}
    return {key: amount for key, amount in changes.items() if amount}


def is_finished(record: dict) -> bool:
    """Ready for the Interaction table: offered, and answered and ended, or abandoned."""
    if "enqueued" not in record:
        return False
    outcome = outcome_of(record)
    return outcome == "abandoned" or (outcome == "answered" and "ended" in record)


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def interaction_row(external_id: str, record: dict) -> InteractionRow:
    """The finished contact as the batch import would have written it (``is_finished`` first)."""
    offered_at = record["enqueued"]["at"]
    answered = record.get("answered")
    ended = record.get("ended") or record.get("abandoned")
    agent = _first(record, "ag", ("ended", "answered"))
    line = max(slot["line"] for kind, slot in record.items() if kind in EARLIEST_WINS + LATEST_WINS)
    row = InteractionRow(
        line=line,
        external_id=external_id,
        offered_at=_utc(offered_at),
        channel=_first(record, "ch") or "voice",
        queue=_first(record, "q"),
        customer_id=_first(record, "cu"),
        transferred=bool(record.get("transferred")),
        live=True,
    )
    if answered is not None:
        ended_at = record["ended"]["at"]
        talk = record["ended"].get("talk")
        row.outcome = "answered"
        row.agent = agent
        row.answered_at = _utc(answered["at"])
        row.ended_at = _utc(ended_at)
        row.talk_seconds = talk if talk is not None else max(0, round(ended_at - answered["at"]))
        row.hold_seconds = record["ended"].get("hold") or 0
        row.acw_seconds = record["ended"].get("acw") or 0
    else:
        row.outcome = "abandoned"
        row.ended_at = _utc(ended["at"]) if ended else None
    row.missed_by = [m for m in record.get("missed", []) if m != row.agent]
    return row


def row_problem(row: InteractionRow) -> RowError | None:
    """The checks a batch import makes (../shared/spec/ingestion.md), on a finished contact."""
    if row.answered_at is not None and row.answered_at < row.offered_at:
        return RowError(row.line, "at", f"contact {row.external_id} was answered before it was enqueued")
    if row.ended_at is not None and row.ended_at < (row.answered_at or row.offered_at):
        before = "answered" if row.answered_at else "enqueued"
        return RowError(row.line, "at", f"contact {row.external_id} ended before it was {before}")
    return None
