"""Admins' view of the weekly digest: the delivery ledger and a preview of any digest."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.models import Role, User
from common.access import ADMIN, role_required
from common.periods import week_start

from .digest import last_complete_week
from .digest_send import digest_render
from .models import DigestDelivery


def _week(raw: str | None) -> dt.date:
    if not raw:
        return last_complete_week()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404("Not a date.") from None
    return week_start(day)


@role_required(ADMIN)
def digest_deliveries(request):
    week = _week(request.GET.get("week"))
    deliveries = DigestDelivery.objects.select_related("recipient").order_by("-week_start", "status",
                                                                             "recipient__email")[:500]
    managers = User.objects.filter(role=Role.MANAGER, managed_teams__isnull=False).distinct().order_by("email")
    return render(request, "coaching/digest_deliveries.html", {
        "deliveries": deliveries, "managers": managers, "week": week,
    })


@role_required(ADMIN)
def digest_preview(request):
    week = _week(request.GET.get("week"))
    kind = "agent" if request.GET.get("kind") == "agent" else "manager"
    role = Role.AGENT if kind == "agent" else Role.MANAGER
    raw = request.GET.get("user", "")
    if not raw.isdigit():
        raise Http404("Pick a person.")
    person = get_object_or_404(User.objects.filter(role=role), pk=raw)
    if kind == "agent" and not hasattr(person, "agent"):
        raise Http404("This user is no agent.")
    subject, text, html = digest_render(user=person, kind=kind, week_start=week)
    return render(request, "coaching/digest_preview.html", {
        "person": person, "kind": kind, "week": week, "subject": subject, "text": text, "html": html,
        "managers": User.objects.filter(role=Role.MANAGER, managed_teams__isnull=False).distinct()
        .order_by("email"),
    })
