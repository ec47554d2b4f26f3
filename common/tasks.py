from celery import current_app, shared_task

from .outbox import pending_tasks_flush


@shared_task
def pending_tasks_flush_task() -> int:
    """Beat, every minute: send the tasks kept while the broker was down (common/outbox.py)."""
    return pending_tasks_flush(current_app)
