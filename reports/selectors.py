"""Reads of report subscriptions and their deliveries, scoped to who is asking: admins see
every subscription of the center, managers only their own ("not yours" is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, Team, User
from coaching.models import DigestDelivery

from .models import ReportSubscription

REPORT_KINDS = (DigestDelivery.Kind.REPORT_WEEK, DigestDelivery.Kind.REPORT_MONTH)


def subscriptions_visible_to(*, fetched_by) -> QuerySet[ReportSubscription]:
    rows = ReportSubscription.objects.select_related("recipient", "team").order_by(
        "recipient__email", "cadence", "scope", "team__name", "pk"
    )
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return rows
    if role == Role.MANAGER:
        return rows.filter(recipient=fetched_by)
    return rows.none()


def subscribable_recipients(*, fetched_by) -> QuerySet[User]:
    """Whom ``fetched_by`` may subscribe: an admin any active manager or admin, a manager herself."""
    people = User.objects.filter(is_active=True, role__in=(Role.ADMIN, Role.MANAGER)).order_by("email")
    if getattr(fetched_by, "role", None) == Role.ADMIN:
        return people
    return people.filter(pk=fetched_by.pk)


def subscribable_teams(*, fetched_by) -> QuerySet[Team]:
    teams = Team.objects.order_by("name")
    if getattr(fetched_by, "role", None) == Role.ADMIN:
        return teams
    return teams.filter(managers=fetched_by)


def report_deliveries_visible_to(*, fetched_by, limit: int = 20) -> list[DigestDelivery]:
    """The latest report emails on the ledger (sent, failed or claimed) of the people whose
    subscriptions the caller sees."""
    rows = DigestDelivery.objects.filter(kind__in=REPORT_KINDS).select_related("recipient")
    if getattr(fetched_by, "role", None) != Role.ADMIN:
        rows = rows.filter(recipient=fetched_by)
    return list(rows.order_by("-week_start", "-claimed_at", "pk")[:limit])
