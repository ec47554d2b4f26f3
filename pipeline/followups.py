"""The one place that knows what follows what (the events are in common/followups.py).

The top of the app layers: it may import every app, and none imports it. Each handler runs
in the announcing transaction, so work queued with ``transaction.on_commit`` starts only once
what set it in motion is committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import transaction

from alerts.services import alerts_evaluate_after_events
from coaching.signals import signals_recompute
from common.followups import Event, handles
from qa.checks import qa_checks_run
from qa.tasks import qa_checks_task
from recognition.milestones import milestones_recompute
from scorecards.services import kpi_recompute_after_import, kpi_recompute_enqueue
from surveys.services import follow_ups_create_missing, invitations_sample
from surveys.tasks import invitations_sample_task
from tenants.current import current_schema_name

logger = logging.getLogger("scorecards.engine")


@handles(Event.IMPORT_COMMITTED)
def after_import(*, started_at: dt.datetime, mode: str) -> None:
    """What new rows set in motion, in this order: KPIs of the periods they touched, follow-ups
    for low survey scores (they read the responses just imported), survey invitations for newly
    handled contacts, automated QA checks."""
    kpi_recompute_after_import(started_at=started_at, mode=mode)
    # updated_at comes from the database's clock, started_at from ours: a second of slack
    since = started_at - dt.timedelta(seconds=1)
    follow_ups_create_missing(since=since)
    if mode == "async":
        schema = current_schema_name()

        def enqueue() -> None:
            for task in (invitations_sample_task, qa_checks_task):
                task.apply_async(args=[since.isoformat()], headers={"_schema_name": schema})

        transaction.on_commit(enqueue)
    else:
        invitations_sample(since=since)
        qa_checks_run(since=since)


@handles(Event.KPIS_RECOMPUTED)
def after_recompute(*, since: dt.date, until: dt.date, full: bool = False) -> None:
    """Coaching signals and personal milestones read the snapshots just written (the engine's
    transaction is still open). Milestones also read the survey answers and QA evaluations
    whose arrival asked for this recompute: only around those days, unless the run was full."""
    began = time.monotonic()
    signals_recompute(since=since, until=until)
    logger.info("kpi engine: %.2fs signals", time.monotonic() - began)
    began = time.monotonic()
    milestones_recompute(since=None if full else since, until=None if full else until)
    logger.info("kpi engine: %.2fs milestones", time.monotonic() - began)


@handles(Event.TEAM_HISTORY_CHANGED)
def after_team_history_changed(*, reason: str) -> None:
    """A contact counts for its agent's current team, under the team's current name, and the KPI
    engine keeps day sums by team name: the whole history is recomputed once this commits
    (debounced, so that moving several agents one after the other asks for one run)."""
    kpi_recompute_enqueue(reason=reason, debounce_seconds=60)


@handles(Event.LIVE_EVENTS_APPLIED)
def after_live_events(*, accepted: int) -> None:
    """Alerts judge the new live state at once (at most once per tenant every few seconds, and
    never failing the batch: beat's evaluation every 30 s catches up)."""
    if accepted:
        alerts_evaluate_after_events()
