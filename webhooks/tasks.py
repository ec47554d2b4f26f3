"""The delivery task, on its own queue (config/celery.py: "webhooks"), so that receivers that
answer slowly hold up no import or recompute."""

from __future__ import annotations

from celery import shared_task

from .services import webhook_delivery_attempt


@shared_task(acks_late=True)
def webhook_delivery_task(delivery_id: int) -> dict:
    """Runs inside the tenant's schema (tenant-schemas-celery reads it from the headers). One
    attempt; a failed one has scheduled the next with a countdown (services.DeliverySend).
    Safe to run twice: a delivered or failed delivery is never sent again."""
    outcome = webhook_delivery_attempt(delivery_id)
    return {"delivery": delivery_id, "status": outcome.status, "retry_in": outcome.retry_in}
