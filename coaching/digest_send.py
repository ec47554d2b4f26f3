"""The digest ledger: a DigestDelivery row is claimed before its email is sent, so a re-run,
a Celery retry or two workers at once never send it twice.

``digest_send_week(week_start=date(2026, 3, 9))`` -> ``{"sent": 2, "skipped": 0, "failed": 0}``

Claiming is one statement each way, decided by PostgreSQL:
* a new row: ``INSERT … ON CONFLICT (recipient, kind, week) DO NOTHING RETURNING id`` — of two
  workers, only the one whose INSERT returned the id sends;
* a failed row: ``UPDATE … SET status='claimed' WHERE … AND status='failed'`` — the row lock
  lets only one of two workers see status='failed' and change it.
A row left 'claimed' by a worker that died mid-send is not re-taken automatically: we cannot
know whether the email left, and a missing digest is better than a double one. Admins see
such rows on the deliveries page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User

from .digest import agent_digest, manager_digest, recipients
from .models import DigestDelivery

log = logging.getLogger(__name__)
Status = DigestDelivery.Status


def digest_render(*, user: User, kind: str, week_start: dt.date) -> tuple[str, str, str]:
    """(subject, text, html) of one digest, in the recipient's language (also in the admin's
    preview, which shows what is sent), whoever or whatever triggered it."""
    with translation.override(recipient_language(user)):
        if kind == "agent":
            context, name = agent_digest(agent=user.agent, week_start=week_start), "digest-agent"
        else:
            context, name = manager_digest(manager=user, week_start=week_start), "digest"
        return (
            render_to_string(f"emails/{name}-subject.txt", context).strip(),
            render_to_string(f"emails/{name}-body.txt", context),
            render_to_string(f"emails/{name}-body.html", context),
        )


def recipient_language(user: User) -> str:
    """The user's own language, else the site's: an email has no browser to ask."""
    # getattr: accounts.User.language arrives with the per-user language setting (issue 15).
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def delivery_claim(*, recipient: User, kind: str, week_start: dt.date) -> DigestDelivery | None:
    """The claimed ledger row, or None when it was sent already or another worker holds it."""
    table = DigestDelivery._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (recipient_id, kind, week_start, status, attempts, last_error, claimed_at)"
            " VALUES (%s, %s, %s, %s, 0, '', %s)"
            " ON CONFLICT (recipient_id, kind, week_start) DO NOTHING RETURNING id",
            [recipient.pk, kind, week_start, Status.CLAIMED, timezone.now()],
        )
        row = cur.fetchone()
    if row is None:
        retaken = DigestDelivery.objects.filter(
            recipient=recipient, kind=kind, week_start=week_start, status=Status.FAILED
        ).update(status=Status.CLAIMED, claimed_at=timezone.now())
        if not retaken:
            return None
    return DigestDelivery.objects.get(recipient=recipient, kind=kind, week_start=week_start)


def delivery_mark(delivery: DigestDelivery, **fields) -> None:
    """Record one attempt on a claimed row: ``status=SENT, sent_at=…`` or ``status=FAILED, last_error=…``."""
    DigestDelivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1, **fields)


def ledger_send(*, recipient: User, kind: str, week_start: dt.date, summary: dict, send: Callable[[], object]) -> None:
    """Claims the ledger row of (recipient, kind, period), calls ``send`` only if this worker
    holds it, and records the outcome on the row and in ``summary`` ("sent", "skipped" when
    sent already or held elsewhere, "failed": taken again by the next run). The digest and
    the report subscriptions both send through it, so "once per period" is decided here."""
    delivery = delivery_claim(recipient=recipient, kind=kind, week_start=week_start)
    if delivery is None:
        summary["skipped"] += 1
        return
    try:
        send()
    except Exception as error:  # noqa: BLE001 - recorded on the ledger, retried later
        log.warning("%s email to %s failed: %s", kind, recipient.email, error)
        delivery_mark(delivery, status=Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000])
        summary["failed"] += 1
    else:
        delivery_mark(delivery, status=Status.SENT, sent_at=timezone.now(), last_error="")
        summary["sent"] += 1


def digest_send_week(*, week_start: dt.date, dry_run: bool = False) -> dict:
    """Send this tenant's digests for a week, each at most once. A dry run renders them and
    lists them under "would_send" without claiming anything."""
    summary: dict = {"sent": 0, "skipped": 0, "failed": 0}
    if dry_run:
        summary["would_send"] = []
    for user, kind in recipients():
        if dry_run:
            subject, _, _ = digest_render(user=user, kind=kind, week_start=week_start)
            already = DigestDelivery.objects.filter(
                recipient=user, kind=kind, week_start=week_start, status=Status.SENT
            ).exists()
            summary["would_send"].append({"to": user.email, "kind": kind, "subject": subject, "already_sent": already})
            continue
        ledger_send(
            recipient=user,
            kind=kind,
            week_start=week_start,
            summary=summary,
            send=partial(_digest_send, user, kind, week_start),
        )
    return summary


def _digest_send(user: User, kind: str, week_start: dt.date) -> None:
    subject, text, html = digest_render(user=user, kind=kind, week_start=week_start)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
