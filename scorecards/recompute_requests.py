"""Background KPI recomputes: coalesced per tenant, and never waiting on a lock in a worker.

Imports, exclusions, QA decisions, settings saves and the nightly run each *request* a
recompute. A request is merged into the tenant's one pending KpiRecomputeRequest row (the
union of the ranges: a full request absorbs partial ones), and a message is sent only when
that row is new. However many requests arrive, a tenant has at most one run going and one
message waiting, so its burst delays another tenant's work by one run at most.

The task takes the tenant's recompute lock without waiting. If another run holds it, the
pending row's message is sent again a few seconds later (KPI_RECOMPUTE_BUSY_RETRY_SECONDS)
and the worker goes on with other tenants' work. Holding the lock, it turns the pending row
into the running one (new requests start a new pending row) and runs the engine; the running
row is deleted once the run has committed, so a retry after a lost database connection, or
the next message after a killed worker, runs it again.

The rows are the source of truth; the broker only carries "run this tenant's pending
recompute". A message that finds nothing pending does nothing. One that was lost (Redis
restarted, the broker unreachable when it was sent) is sent again by the next request an hour
on, and by the nightly run.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from functools import partial

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError as BrokerUnreachable

from tenants.current import current_schema_name

from . import engine
from .models import KpiRecomputeRequest

logger = logging.getLogger(__name__)

PENDING, RUNNING = KpiRecomputeRequest.State.PENDING, KpiRecomputeRequest.State.RUNNING
# A request that fails this many runs in a row is dropped (and logged), so that one poisoned
# request cannot fail every later recompute of its tenant; the nightly run rebuilds anyway.
GIVE_UP_AFTER_ATTEMPTS = 3
# A pending row whose message was due longer ago than this was most likely lost.
LOST_AFTER = dt.timedelta(hours=1)
_NEVER_SENT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_REASONS_LENGTH = 200


def kpi_recompute_request(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    reason: str = "manual",
    changed_since: dt.datetime | None = None,
    delay_seconds: int = 0,
    resend: bool = False,
) -> None:
    """Merge a recompute of the current tenant's [since, until] (None: an open end; both: a
    full run) into its pending one, and send that a message unless it has one due about as
    soon (or ``resend``: always, for the nightly run and tasks sent by hand).

    ``delay_seconds`` lets requests of the next seconds share the run (survey answers).
    Usage: ``kpi_recompute_request(since=day, until=day, reason="qa")``
    """
    now = timezone.now()
    due = now + dt.timedelta(seconds=delay_seconds)
    slack = dt.timedelta(seconds=settings.KPI_RECOMPUTE_BUSY_RETRY_SECONDS)
    for attempt in (1, 2):
        token: uuid.UUID | None = None
        try:
            with transaction.atomic():
                row = KpiRecomputeRequest.objects.select_for_update().filter(state=PENDING).first()
                send = row is None or resend or due < row.due_at - slack or row.due_at < now - LOST_AFTER
                if row is None:
                    row = KpiRecomputeRequest(state=PENDING, since=since, until=until, changed_since=changed_since)
                    row.reasons = reason[:_REASONS_LENGTH]
                else:
                    _merge(row, since=since, until=until, changed_since=changed_since, reasons=reason)
                if send:
                    token = row.token = uuid.uuid4()
                    row.due_at = due
                row.save()
            break
        except IntegrityError:
            # Another request created the pending row at the same moment: merge into it.
            if attempt == 2:
                raise
    if token is not None:
        transaction.on_commit(partial(_send, current_schema_name(), token, delay_seconds))


# The pending row already asks for everything a request for one day would add: merging the
# request would change nothing and send nothing (kpi_recompute_request's `send` condition,
# negated). A hot path (a survey answer) runs this inside its own write instead of the locked
# read-merge-write of kpi_recompute_request. FOR SHARE makes it safe against a claim: a worker's
# _claim (FOR UPDATE) waits until the statement's transaction has committed, so its run sees
# that write; a row claimed meanwhile is re-checked on its new version (state 'running') and
# no longer matches, so the caller asks the full way. Used as a CTE: the parameters are named.
PENDING_COVERS_DAY_SQL = f"""
    SELECT 1 FROM {KpiRecomputeRequest._meta.db_table}
     WHERE state = 'pending'
       AND (since IS NULL OR since <= %(recompute_day)s) AND (until IS NULL OR until >= %(recompute_day)s)
       AND changed_since IS NULL
       AND %(recompute_reason)s = ANY(string_to_array(reasons, ', '))
       AND due_at <= statement_timestamp() + make_interval(secs => %(recompute_latest_due_seconds)s)
       AND due_at >= statement_timestamp() - make_interval(secs => %(recompute_lost_after_seconds)s)
       FOR SHARE"""


def pending_covers_day_params(*, day: dt.date, reason: str, delay_seconds: int) -> dict:
    """The parameters of PENDING_COVERS_DAY_SQL for kpi_recompute_enqueue(since=day,
    until=day, reason=reason, debounce_seconds=delay_seconds)."""
    return {
        "recompute_day": day,
        "recompute_reason": reason,
        "recompute_latest_due_seconds": delay_seconds + settings.KPI_RECOMPUTE_BUSY_RETRY_SECONDS,
        "recompute_lost_after_seconds": LOST_AFTER.total_seconds(),
    }


def kpi_recompute_run(*, token: str) -> str:
    """The task's body (the current tenant): run its pending recompute, and a run a dead worker
    left unfinished. Returns "done", "busy" (another run holds the lock: sent again for later)
    or "nothing" (another message ran it already)."""
    if not engine.lock_try():
        _send_again_later(token)
        return "busy"
    try:
        row = _claim()
        if row is None:
            return "nothing"
        engine.recompute(since=row.since, until=row.until, reason=row.reasons, changed_since=row.changed_since)
        KpiRecomputeRequest.objects.filter(pk=row.pk).delete()
        return "done"
    finally:
        _release()


def _merge(
    row: KpiRecomputeRequest,
    *,
    since: dt.date | None,
    until: dt.date | None,
    changed_since: dt.datetime | None,
    reasons: str,
) -> None:
    """Widen ``row`` to cover the other request too."""
    row.since = None if row.since is None or since is None else min(row.since, since)
    row.until = None if row.until is None or until is None else max(row.until, until)
    # Each request's changed contacts lie in its own range, so those of the earlier start lie
    # in the union; a request without one (rebuild every case of its days) wins.
    row.changed_since = (
        None if row.changed_since is None or changed_since is None else min(row.changed_since, changed_since)
    )
    known = row.reasons.split(", ")
    added = [reason for reason in reasons.split(", ") if reason not in known]
    row.reasons = ", ".join([*known, *added])[:_REASONS_LENGTH]


def _claim() -> KpiRecomputeRequest | None:
    """Holding the lock: the row to run now, marked running, or None."""
    with transaction.atomic():
        rows = {row.state: row for row in KpiRecomputeRequest.objects.select_for_update()}
        running, pending = rows.get(RUNNING), rows.get(PENDING)
        if running is not None and running.attempts >= GIVE_UP_AFTER_ATTEMPTS:
            logger.error(
                "kpi recompute of %s (%s, %s..%s) given up after %d attempts",
                current_schema_name(),
                running.reasons,
                running.since,
                running.until,
                running.attempts,
            )
            running.delete()
            running = None
        if running is None:
            if pending is None:
                return None
            running, pending = pending, None
            running.state = RUNNING
        # else: a run that died (its worker killed, its connection lost) left its row; it runs
        # again here, together with whatever is pending.
        if pending is not None:
            _merge(
                running,
                since=pending.since,
                until=pending.until,
                changed_since=pending.changed_since,
                reasons=pending.reasons,
            )
            pending.delete()
        running.attempts += 1
        running.save()
        return running


def _send_again_later(token: str) -> None:
    """The pending row's own message comes back later; any other one for it is dropped, so a
    tenant has one message waiting however long its current run takes."""
    seconds = settings.KPI_RECOMPUTE_BUSY_RETRY_SECONDS
    due = timezone.now() + dt.timedelta(seconds=seconds)
    if KpiRecomputeRequest.objects.filter(state=PENDING, token=token).update(due_at=due):
        _send(current_schema_name(), uuid.UUID(token), seconds)


def _send(schema: str, token: uuid.UUID, countdown: int) -> None:
    from .tasks import kpi_recompute_task

    try:
        kpi_recompute_task.apply_async(
            kwargs={"token": str(token)}, headers={"_schema_name": schema}, countdown=countdown or None
        )
    except BrokerUnreachable:
        # The request is recorded: the next one sends it again, the nightly run at the latest.
        logger.exception("kpi recompute of %s not sent: the broker is unreachable", schema)
        with schema_context(schema):
            KpiRecomputeRequest.objects.filter(state=PENDING, token=token).update(due_at=_NEVER_SENT)


def _release() -> None:
    try:
        engine.lock_release()
    except DatabaseError:
        # The connection is broken (a database restart): the lock went with it.
        connection.close()
