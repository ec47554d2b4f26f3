from celery import shared_task

from .services import import_run_execute_stored


@shared_task(acks_late=True)
def import_run_task(run_id: int) -> dict:
    """Runs inside the tenant's schema (tenant-schemas-celery reads it from the headers)."""
    run = import_run_execute_stored(run_id=run_id)
    return {"run": run.pk, "status": run.status}
