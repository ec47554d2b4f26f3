"""Reading the audit log: admins only, filtered as the page and its CSV ask."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from common.access import ADMIN, user_role

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    since: dt.date | None = None  # local days of the contact center, both included
    until: dt.date | None = None
    text: str = ""


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def audit_events_visible_to(*, fetched_by, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """The log of the connection's schema, newest first, for an admin; nothing for anyone else."""
    if user_role(fetched_by) != ADMIN:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    f = filters or AuditFilters()
    if f.action:
        events = events.filter(action=f.action)
    if f.actor:
        events = events.filter(actor_label__icontains=f.actor)
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.since:
        events = events.filter(at__gte=_local_midnight(f.since))
    if f.until:
        events = events.filter(at__lt=_local_midnight(f.until + dt.timedelta(days=1)))
    if f.text:
        events = events.filter(Q(object_label__icontains=f.text) | Q(object_id=f.text))
    return events.order_by("-at", "-id")


def audit_object_types() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct().order_by("object_type"))
