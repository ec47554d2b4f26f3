"""Celery task of the automated QA checks (the schema comes from the task's headers)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True)
def qa_checks_task(since_iso: str | None = None) -> dict:
    """Run the active QA check rules on contacts updated since ``since_iso`` (all when None).
    Safe to run twice: the upsert writes only what changed."""
    from .checks import qa_checks_run

    return qa_checks_run(since=dt.datetime.fromisoformat(since_iso) if since_iso else None)
