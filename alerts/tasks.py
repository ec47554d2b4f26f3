"""Celery tasks of alerts: beat's dispatcher (every 30 s), one evaluation per tenant, emails.

A wait grows and a 15-minute window slides with no event at all, so evaluating after live
batches is not enough: beat asks every 30 s. The dispatcher runs in the public schema and
enqueues an evaluation only for active tenants with an active rule (most have none).
"""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

from tenants.models import Tenant

from .models import AlertRule

# An evaluation still queued after this is dropped: the next one, 30 s later, judges the
# newer state anyway, and a backlog (a worker away) must not run them all at once.
EVALUATE_EXPIRES_SECONDS = 25


@shared_task(acks_late=True)
def alerts_evaluate_task() -> int:
    """Evaluate the current tenant's rules (its schema comes from the headers)."""
    from .services import alerts_evaluate

    return len(alerts_evaluate())


@shared_task
def alerts_evaluate_dispatch() -> list[str]:
    """Beat's one alerts entry: an evaluation for each active tenant that has active rules."""
    sent = []
    for tenant in Tenant.objects.filter(is_active=True).exclude(schema_name="public").order_by("pk"):
        with schema_context(tenant.schema_name):
            has_rules = AlertRule.objects.filter(is_active=True).exists()
        if has_rules:
            alerts_evaluate_task.apply_async(
                headers={"_schema_name": tenant.schema_name}, expires=EVALUATE_EXPIRES_SECONDS
            )
            sent.append(tenant.schema_name)
    return sent


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=6)
def alert_email_task(episode_id: int, what: str) -> int:
    """Email one fired or recovered episode (idempotent: the episode is its ledger)."""
    from .delivery import alert_email_send

    return alert_email_send(episode_id=episode_id, what=what)
