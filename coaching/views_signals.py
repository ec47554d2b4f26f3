"""Signals and context exclusions: manager pages only (admins see every team). Agents get a
403 from the role check: signals never reach agent-facing pages, rankings or exports, and
the list is ordered by agent name, never by how strong a signal is."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import agents_visible_to
from common.access import ADMIN, MANAGER, role_required
from common.periods import WEEK, period_last_day, week_start
from tenants.current import current_tenant

from .exclusions import exclusion_add, exclusion_remove, exclusions_visible_to, interactions_excludable_by
from .forms_signals import ExclusionAddForm
from .models import Signal
from .signal_rules import describe

RECENT_WEEKS = 6


def signals_visible_to(*, fetched_by):
    return Signal.objects.filter(agent__in=agents_visible_to(fetched_by=fetched_by)).select_related(
        "agent", "agent__team"
    )


def session_url(signal: Signal) -> str:
    """One click from a signal to a new coaching session about it."""
    return (
        reverse("coaching_session_create")
        + "?"
        + urlencode({"agent": signal.agent_id, "signal": signal.pk, "kpis": ",".join(signal.facts.get("kpis", []))})
    )


def _rows(signals):
    return [(s, describe(s.kind, s.facts), session_url(s)) for s in signals]


@role_required(ADMIN, MANAGER)
def signal_list(request):
    this_week = week_start(timezone.localdate(timezone=current_tenant().tz))
    signals = (
        signals_visible_to(fetched_by=request.user)
        .filter(week_start__gte=this_week - dt.timedelta(weeks=RECENT_WEEKS - 1))
        .annotate(name=Coalesce(NullIf("agent__display_name", Value("")), "agent__acd_login"))
        .order_by("-week_start", "name", "agent_id", "kind")
    )
    weeks: dict[dt.date, list] = {}
    for row in _rows(signals):
        weeks.setdefault(row[0].week_start, []).append(row)
    return render(
        request,
        "coaching/signal_list.html",
        {"weeks": sorted(weeks.items(), reverse=True), "this_week": this_week, "recent_weeks": RECENT_WEEKS},
    )


@role_required(ADMIN, MANAGER)
def signal_detail(request, pk: int):
    signal = get_object_or_404(signals_visible_to(fetched_by=request.user), pk=pk)
    return render(
        request,
        "coaching/signal_detail.html",
        {
            "signal": signal,
            "lines": describe(signal.kind, signal.facts),
            "session_url": session_url(signal),
            "week_end": period_last_day(WEEK, signal.week_start),
        },
    )


@role_required(ADMIN, MANAGER)
def exclusion_list(request):
    status = "removed" if request.GET.get("status") == "removed" else "active"
    rows = exclusions_visible_to(fetched_by=request.user).filter(removed_at__isnull=(status == "active"))
    page = Paginator(rows.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "coaching/exclusion_list.html", {"page": page, "status": status})


@role_required(ADMIN, MANAGER)
def exclusion_add_view(request):
    interactions = interactions_excludable_by(fetched_by=request.user)
    form = ExclusionAddForm(
        request.POST or None, interactions=interactions, initial={"external_id": request.GET.get("interaction", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            exclusion_add(
                interaction=form.interaction,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("external_id", error)
        else:
            messages.success(
                request,
                _("%(id)s is left out of the KPIs; they are being recomputed.") % {"id": form.interaction.external_id},
            )
            return redirect("exclusions")
    return render(request, "coaching/exclusion_form.html", {"form": form})


@role_required(ADMIN, MANAGER)
@require_POST
def exclusion_remove_view(request, pk: int):
    exclusion = get_object_or_404(exclusions_visible_to(fetched_by=request.user), pk=pk, removed_at__isnull=True)
    try:
        exclusion_remove(exclusion=exclusion, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(id)s counts in the KPIs again; they are being recomputed.")
            % {"id": exclusion.interaction.external_id},
        )
    return redirect("exclusions")
