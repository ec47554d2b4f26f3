"""The base class of every Celery task (config/celery.py): a suspended tenant's tasks do not run.

The beat dispatchers already skip inactive tenants; this guard catches the rest in one place:
tasks queued before the suspension (a large import, a KPI recompute, a digest retry) and any
task sent later by hand. tenant-schemas-celery has switched the connection to the task's
schema (task_prerun) before ``__call__`` runs.
"""

from __future__ import annotations

import logging

from celery.exceptions import Ignore
from tenant_schemas_celery.task import TenantTask

from .current import TenantSuspended, current_schema_name, ensure_tenant_active

logger = logging.getLogger(__name__)


class ActiveTenantTask(TenantTask):
    abstract = True

    def __call__(self, *args, **kwargs):
        try:
            ensure_tenant_active()
        except TenantSuspended:
            # Ignore: the worker acknowledges and drops the message (no retry, no error state).
            # Whatever it would have done is redone after resuming: imports are re-run from the
            # page (the ImportRun stays queued), KPIs by the nightly recompute, digests next week.
            logger.warning("task %s refused: tenant %s is suspended", self.name, current_schema_name())
            raise Ignore() from None
        return super().__call__(*args, **kwargs)
