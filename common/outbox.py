"""Work asked for while the broker (Redis) is down is not lost and does not fail the request.

The project's Celery app (config/celery.py) sends every task through ``OutboxCeleryApp``: when
the broker cannot be reached, the task is written to ``PendingTask`` (PostgreSQL) instead, and the
caller carries on (a settings save, an upload, a QA decision answer as usual). Once the broker is
back, ``pending_tasks_flush`` sends them in order: when a worker starts, and every minute from beat.
Tasks are safe to run twice and late (CONVENTIONS.md), so a delayed send is only a delay.

Beat's own sends are not kept: beat sends them again at its next tick, and a backlog of missed
ticks replayed at once would do the same periodic work many times over.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import kombu.exceptions
import redis.exceptions
from django.db import transaction
from django.utils import timezone
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp
from tenant_schemas_celery.task import headers_with_schema

# No model import at module level: config/celery.py imports this before Django's apps are loaded.

logger = logging.getLogger(__name__)

# What kombu and redis-py raise when the broker cannot be reached (after kombu's own retries).
BROKER_DOWN = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


class OutboxCeleryApp(TenantAwareCeleryApp):
    def send_task(self, name, args=None, kwargs=None, **options):
        options["headers"] = headers_with_schema(options.get("headers") or {})
        try:
            return super().send_task(name, args=args, kwargs=kwargs, **options)
        except BROKER_DOWN as exc:
            if options.get("producer") is not None:  # beat: it sends again at its next tick
                raise
            task_id = options.get("task_id") or str(uuid.uuid4())
            _keep(name, args, kwargs, options, task_id=task_id)
            logger.warning("broker down (%s): task %s kept to send later", exc, name)
            return self.AsyncResult(task_id)

    def send_task_now(self, name, args=None, kwargs=None, **options):
        """Send, or raise when the broker is down (no outbox)."""
        return super().send_task(name, args=args, kwargs=kwargs, **options)


def _keep(name: str, args, kwargs, options: dict, *, task_id: str) -> None:
    from .models import PendingTask

    queue = options.get("queue")
    eta = options.get("eta")
    if eta is None and options.get("countdown"):
        eta = timezone.now() + dt.timedelta(seconds=float(options["countdown"]))
    PendingTask.objects.create(
        name=name,
        args=list(args or []),
        kwargs=dict(kwargs or {}),
        headers={**options["headers"], "_outbox_task_id": task_id},
        queue=str(getattr(queue, "name", queue) or ""),
        eta=eta,
    )


def pending_tasks_flush(app: OutboxCeleryApp, *, limit: int = 1000) -> int:
    """Send kept tasks, oldest first; stop at the first failure (the broker is still down).
    Returns how many were sent. Rows are locked (skip_locked) so two flushes never send one twice."""
    from .models import PendingTask

    sent = 0
    with transaction.atomic():
        for row in PendingTask.objects.select_for_update(skip_locked=True).order_by("pk")[:limit]:
            headers = dict(row.headers)
            options: dict = {"headers": headers, "task_id": headers.pop("_outbox_task_id", None)}
            if row.queue:
                options["queue"] = row.queue
            if row.eta and row.eta > timezone.now():
                options["eta"] = row.eta
            try:
                app.send_task_now(row.name, args=row.args, kwargs=row.kwargs, **options)
            except BROKER_DOWN:
                logger.warning("broker still down: %d kept task(s) wait", PendingTask.objects.count() - sent)
                break
            row.delete()
            sent += 1
    return sent
