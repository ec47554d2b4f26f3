"""/settings/audit/: the contact center's audit log for its admins, filtered, paged, and the
same rows as a streamed CSV (``?format=csv`` with the page's filters)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import tzinfo

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.access import ADMIN, role_required
from common.csv_export import csv_download, csv_line_writer, text_cell

from .forms import AuditFilterForm
from .models import AuditEvent
from .selectors import audit_events_visible_to, audit_object_types

PAGE_SIZE = 50
CSV_COLUMNS = [
    "at",
    "actor",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object",
    "before",
    "after",
    "request_id",
]


def _csv_lines(events: Iterable[AuditEvent], tz: tzinfo) -> Iterator[str]:
    writer = csv_line_writer()
    yield writer.writerow(CSV_COLUMNS)
    for e in events:
        yield writer.writerow(
            [
                text_cell(v)
                for v in (
                    timezone.localtime(e.at, tz).isoformat(),
                    e.actor_label,
                    e.actor_id,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_label,
                    e.before_text,
                    e.after_text,
                    e.request_id,
                )
            ]
        )


@role_required(ADMIN)
@require_GET
def audit_log(request):
    query = {k: v for k, v in request.GET.items() if k not in ("page", "format")}
    form = AuditFilterForm(query or None, object_types=audit_object_types())
    if form.is_bound and not form.is_valid():
        events = AuditEvent.objects.none()  # a filter it cannot apply must not show everything
    else:
        events = audit_events_visible_to(fetched_by=request.user, filters=form.filters())
    if request.GET.get("format") == "csv":
        # iterator(): the rows stream from the database, never all held at once
        # the center's timezone, taken now: the rows stream after the middleware has reset it
        tz = timezone.get_current_timezone()
        return csv_download(_csv_lines(events.iterator(chunk_size=2000), tz), "audit-log.csv")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page, "filtered": bool(query)})
