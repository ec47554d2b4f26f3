"""The base class of every Celery task (config/celery.py): a suspended tenant's tasks do not run.

The beat dispatchers already skip inactive tenants; this guard catches the rest in one place:
tasks queued before the suspension (a large import, a KPI recompute, a digest retry) and any
task sent later by hand. tenant-schemas-celery has switched the connection to the task's
schema (task_prerun) before ``__call__`` runs.
"""

from __future__ import annotations

import logging

from celery.exceptions import Ignore
from django.db import connection
from tenant_schemas_celery.app import get_schema_name_from_task, switch_schema
from tenant_schemas_celery.task import TenantTask

from common.task_retry import RetryWhenDatabaseLost

from .current import TenantSuspended, current_schema_name, ensure_tenant_active

logger = logging.getLogger(__name__)


class SuspensionGuardTask(TenantTask):
    abstract = True

    def __call__(self, *args, **kwargs):
        schema = get_schema_name_from_task(self, kwargs)
        if schema and connection.schema_name != schema:
            # task_prerun could not switch to the task's schema (the database was away: a signal
            # receiver's error is only logged), so the task would run in public. Switch now,
            # where a lost database is retried like any other (RetryWhenDatabaseLost).
            switch_schema(self, kwargs)
        try:
            ensure_tenant_active()
        except TenantSuspended:
            # Ignore: the worker acknowledges and drops the message (no retry, no error state).
            # Whatever it would have done is redone after resuming: imports are re-run from the
            # page (the ImportRun stays queued), KPIs by the nightly recompute, digests next week.
            logger.warning("task %s refused: tenant %s is suspended", self.name, current_schema_name())
            raise Ignore() from None
        return super().__call__(*args, **kwargs)


class ActiveTenantTask(RetryWhenDatabaseLost, SuspensionGuardTask):
    """Refuses a suspended tenant's tasks; retries any task that lost the database (the retry
    is outermost: the suspension check reads the database too)."""

    abstract = True
