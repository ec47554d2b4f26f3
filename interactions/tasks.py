from celery import shared_task
from django_tenants.utils import schema_context

from tenants.models import Tenant

from .services import import_run_execute_stored, import_runs_reap


@shared_task(acks_late=True)
def import_run_task(run_id: int) -> dict:
    """Runs inside the tenant's schema (tenant-schemas-celery reads it from the headers)."""
    run = import_run_execute_stored(run_id=run_id)
    return {"run": run.pk, "status": run.status}


@shared_task
def import_runs_reap_dispatch() -> int:
    """End every active tenant's imports left RUNNING by a dead process (worker start and beat).

    One small query per tenant, run in place rather than fanned out: the KPI recompute of what
    a reaped run committed is itself queued as a task."""
    reaped = 0
    for schema in (
        Tenant.objects.filter(is_active=True).exclude(schema_name="public").values_list("schema_name", flat=True)
    ):
        with schema_context(schema):
            reaped += len(import_runs_reap(mode="async"))
    return reaped
