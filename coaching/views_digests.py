"""Admins' view of the weekly digest: the delivery ledger and a preview of any digest."""

from __future__ import annotations

import datetime as dt

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.access import ADMIN, role_required
from common.periods import week_start

from .digest import last_complete_week
from .digest_send import digest_render
from .selectors import digest_deliveries_list, digest_managers, digest_recipient


def _week(raw: str | None) -> dt.date:
    if not raw:
        return last_complete_week()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404(_("Not a date.")) from None
    return week_start(day)


@role_required(ADMIN)
def digest_deliveries(request):
    week = _week(request.GET.get("week"))
    return render(
        request,
        "coaching/digest_deliveries.html",
        {
            "deliveries": digest_deliveries_list(),
            "managers": digest_managers(),
            "week": week,
        },
    )


@role_required(ADMIN)
# The email's HTML is shown in a sandboxed srcdoc iframe, which inherits this page's policy;
# email clients need style attributes, so this page allows them (not <style>, never scripts).
@csp_update({"style-src-attr": [UNSAFE_INLINE]})
def digest_preview(request):
    week = _week(request.GET.get("week"))
    kind = "agent" if request.GET.get("kind") == "agent" else "manager"
    raw = request.GET.get("user", "")
    if not raw.isdigit():
        raise Http404(_("Pick a person."))
    person = digest_recipient(kind=kind, pk=int(raw))
    if person is None:
        raise Http404(_("No manager with this id.") if kind == "manager" else _("No agent with this id."))
    subject, text, html = digest_render(user=person, kind=kind, week_start=week)
    return render(
        request,
        "coaching/digest_preview.html",
        {
            "person": person,
            "kind": kind,
            "week": week,
            "subject": subject,
            "text": text,
            "html": html,
            "managers": digest_managers(),
        },
    )
