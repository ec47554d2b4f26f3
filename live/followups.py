"""What follows rows the live feed wrote (KPIs, survey invitations, QA checks), at most once per
LIVE_FOLLOWUPS_SECONDS per tenant.

A live sender posts many small batches a second; announcing each as an import would queue a
recompute, an invitation pass and a QA pass per batch. Instead the earliest time of the rows
not yet announced is kept in Redis, and one announcement covers every row written since: now if
the tenant's gate is open, otherwise by a task that runs once the gate has closed (so the last
batch of a quiet evening is not left waiting for the next event).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings

from common.followups import Event, announce
from tenants.current import current_schema_name

from .state import key, redis_client


def live_followups_request(*, written_at: dt.datetime) -> bool:
    """Note rows written at ``written_at``; announce them now if the gate is open. Returns
    whether it announced."""
    schema = current_schema_name()
    client = redis_client()
    client.set(key(schema, "followups_since"), written_at.timestamp(), nx=True)
    return _announce_if_open(schema)


def _announce_if_open(schema: str) -> bool:
    client = redis_client()
    gate_seconds = settings.LIVE_FOLLOWUPS_SECONDS
    if not client.set(key(schema, "followups_gate"), 1, nx=True, ex=gate_seconds):
        return False
    pending = client.getdel(key(schema, "followups_since"))
    if pending is None:
        return False
    since = dt.datetime.fromtimestamp(float(pending), dt.UTC)
    announce(Event.IMPORT_COMMITTED, started_at=since, mode="async")
    # whatever is written while the gate is closed is announced when it opens again
    live_followups_flush_task.apply_async(countdown=gate_seconds + 1, headers={"_schema_name": schema})
    return True


@shared_task
def live_followups_flush_task() -> bool:
    return _announce_if_open(current_schema_name())
