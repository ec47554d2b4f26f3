"""Live events in: the live state first (what the wallboard shows within a second or two), then
the finished contacts and agent intervals into the same tables a batch import writes.

Every entry point (``POST /api/v1/events/``, ``manage.py asterisk_feed``) calls
``live_events_ingest``. It is idempotent: the live state is a merge that ignores a replay
(live/contacts.py) and the tables are upserts on the contact's id and the interval's start.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.followups import Event, announce
from interactions.ingestion.rows import RowError, RowWarning
from interactions.services import ImportSummary, import_rows
from tenants.current import current_schema_name, current_tenant, ensure_tenant_active

from . import amazon_connect, canonical, contacts, state
from .canonical import Invalid
from .contacts import DayRules
from .events import AgentStateEvent, ContactEvent
from .followups import live_followups_request


class BatchTooLarge(ValueError):
    pass


@dataclass
class LiveIngestSummary:
    accepted: int = 0
    duplicates: int = 0
    contacts_written: int = 0
    intervals_written: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": len({e["line"] for e in self.errors}),
            "contacts_written": self.contacts_written,
            "intervals_written": self.intervals_written,
            "errors": sorted(self.errors, key=lambda e: e["line"]),
            "warnings": sorted(self.warnings, key=lambda w: w["line"]),
        }


def day_rules() -> DayRules:
    tenant = current_tenant()
    return DayRules(
        tz=zoneinfo.ZoneInfo(tenant.timezone),
        service_level_seconds=tenant.service_level_seconds,
        service_level_inclusive=tenant.service_level_inclusive,
        short_abandon_seconds=tenant.short_abandon_seconds,
    )


def events_parse(items: list, *, tz: zoneinfo.ZoneInfo) -> list:
    """A batch of JSON items (canonical events or Amazon Connect agent event records), each
    named by its 1-based position, into live events, RowErrors and RowWarnings."""
    if len(items) > settings.LIVE_MAX_BATCH:
        raise BatchTooLarge(f"a batch holds at most {settings.LIVE_MAX_BATCH} events; this one has {len(items)}")
    parsed: list = []
    for line, item in enumerate(items, start=1):
        if isinstance(item, dict) and "EventType" in item and "type" not in item:
            try:
                parsed += amazon_connect.parse_record(line, item)
            except Invalid as exc:
                parsed.append(RowError(line, exc.field, exc.message))
        else:
            parsed += canonical.parse(line, item, tz)
    return parsed


def live_events_ingest(
    *, events: Iterable[ContactEvent | AgentStateEvent | RowError | RowWarning], source: str
) -> LiveIngestSummary:
    """Apply a batch of live events of the current tenant (see the module docstring)."""
    ensure_tenant_active()
    summary = LiveIngestSummary()
    good: list[ContactEvent | AgentStateEvent] = []
    for item in events:
        if isinstance(item, RowError):
            summary.errors.append(item.as_dict())
        elif isinstance(item, RowWarning):
            summary.warnings.append(item.as_dict())
        else:
            good.append(item)
    rules = day_rules()
    schema = current_schema_name()
    with state.tenant_lock(schema):
        applied = state.apply(schema, good, rules)
        summary.duplicates = applied.duplicates
        summary.accepted = len(good) - applied.duplicates
        rows: list = []
        for external_id, record in sorted(applied.finished.items()):
            row = contacts.interaction_row(external_id, record)
            problem = contacts.row_problem(row)
            if problem:
                summary.errors.append(problem.as_dict())
            else:
                rows.append(row)
        rows += applied.intervals
        if rows:
            try:
                _write(rows, summary)
            except Exception:
                # The live state has the batch, the tables do not: the sender's retry (it gets a
                # 5xx) applies it again (the merge ignores what it already has) and writes it.
                state.forget_seen(schema, good)
                raise
    announce(Event.LIVE_EVENTS_APPLIED, accepted=summary.accepted)  # alerts judge the new state
    return summary


def _write(rows: list, summary: LiveIngestSummary) -> None:
    started_at = timezone.now()
    written = ImportSummary()
    with transaction.atomic():
        import_rows(rows, summary=written)
    if written.created or written.updated:
        # KPIs, survey invitations, QA checks: as after an import, at most every few seconds
        live_followups_request(written_at=started_at)
    summary.errors += written.errors
    summary.contacts_written = sum(1 for r in rows if isinstance(r, contacts.InteractionRow))
    summary.intervals_written = len(rows) - summary.contacts_written
