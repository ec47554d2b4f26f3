"""When a Celery worker starts, send the tasks kept while the broker was down."""

from __future__ import annotations

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def flush_pending_tasks(sender=None, **kwargs) -> None:
    from .outbox import pending_tasks_flush

    try:
        pending_tasks_flush(sender.app)
    except Exception:
        logger.exception("sending kept tasks at worker start")  # beat tries again every minute
