"""The closed-loop inbox: low CSAT and NPS detractors of a manager's teams (admins: all)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, MANAGER, role_required
from tenants.current import current_tenant

from .forms import FollowUpCloseForm
from .models import FollowUp
from .selectors import follow_ups_visible_to
from .services import follow_up_close


def drilldown_url(follow_up: FollowUp, tz) -> str | None:
    """The scorecard drill-down that lists this contact: its agent's answers of that day."""
    interaction = follow_up.response.interaction
    agent = interaction.agent
    if agent is None:
        return None
    day = timezone.localtime(interaction.offered_at, tz).date()
    return (
        reverse("kpi_drilldown")
        + "?"
        + urlencode(
            {
                "scope": "agent",
                "key": agent.acd_login,
                "period": "day",
                "start": day.isoformat(),
                "kpi": follow_up.response.survey,
            }
        )
    )


@role_required(ADMIN, MANAGER)
def follow_up_list(request):
    status = "done" if request.GET.get("status") == "done" else "open"
    rows = follow_ups_visible_to(fetched_by=request.user).filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    tz = current_tenant().tz
    items = [(f, drilldown_url(f, tz)) for f in page.object_list]
    return render(
        request,
        "surveys/follow_ups.html",
        {"page": page, "items": items, "status": status, "close_form": FollowUpCloseForm()},
    )


@role_required(ADMIN, MANAGER)
@require_POST
def follow_up_done(request, pk: int):
    # Another team's follow-up is a 404, as if it did not exist.
    follow_up = get_object_or_404(follow_ups_visible_to(fetched_by=request.user), pk=pk, status="open")
    form = FollowUpCloseForm(request.POST)
    if form.is_valid():
        follow_up_close(follow_up=follow_up, by=request.user, note=form.cleaned_data["note"])
        messages.success(
            request,
            _("Follow-up on %(contact)s marked done.") % {"contact": follow_up.response.interaction.external_id},
        )
    return redirect("survey_follow_ups")
