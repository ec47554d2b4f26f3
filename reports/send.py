"""Sending the reports of one period, each at most once, through the digest's ledger
(coaching.digest_send: a DigestDelivery row is claimed with INSERT … ON CONFLICT DO NOTHING
before the email goes; a failed row is taken again by the next run).

``report_send_period(cadence="week", start=date(2026, 3, 9))`` -> ``{"sent": 2, "skipped": 0, "failed": 0}``

One email per recipient and period holds all their subscriptions of that cadence: the ledger's
key is (recipient, kind, period), and two emails of the same week would be one too many anyway.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from accounts.models import Role, User
from coaching.digest_send import ledger_send
from coaching.models import DigestDelivery

from .models import Cadence
from .render import report_message

LEDGER_KIND = {Cadence.WEEKLY: DigestDelivery.Kind.REPORT_WEEK, Cadence.MONTHLY: DigestDelivery.Kind.REPORT_MONTH}


def report_recipients(*, cadence: str) -> list[User]:
    """Active managers and admins with an email and a subscription of this cadence. Someone
    who left or became an agent keeps the row but gets nothing."""
    return list(
        User.objects.filter(is_active=True, role__in=(Role.ADMIN, Role.MANAGER), report_subscriptions__cadence=cadence)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def report_send_period(*, cadence: str, start: dt.date) -> dict:
    """Send this tenant's reports of the period starting ``start``; safe to run again."""
    summary = {"sent": 0, "skipped": 0, "failed": 0}
    kind = LEDGER_KIND[Cadence(cadence)]
    for user in report_recipients(cadence=cadence):
        send = partial(_report_send, user, cadence, start)
        ledger_send(recipient=user, kind=kind, week_start=start, summary=summary, send=send)
    return summary


def _report_send(user: User, cadence: str, start: dt.date) -> None:
    report_message(recipient=user, cadence=cadence, start=start).send()
