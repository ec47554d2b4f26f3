"""Celery tasks of customer surveys (the schema comes from the task's headers)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True)
def invitations_sample_task(since_iso: str) -> int:
    """Sample invitations among contacts imported since ``since_iso``; safe to run twice."""
    from .services import invitations_sample

    return invitations_sample(since=dt.datetime.fromisoformat(since_iso))
