"""When a Celery worker starts, end the imports a dead worker left RUNNING (in every tenant)."""

from __future__ import annotations

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def reap_interrupted_imports(**kwargs) -> None:
    from .tasks import import_runs_reap_dispatch

    try:
        import_runs_reap_dispatch()
    except Exception:
        # A worker must start even when this cannot run now: beat runs it again periodically.
        logger.exception("reaping interrupted imports at worker start")
