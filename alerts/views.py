"""/settings/alerts/ (admins: the rules) and /live/alerts/ (admins and managers: the history,
paged, and the same rows as CSV with ``?format=csv``). Thin: services write, selectors read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import tzinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.access import ADMIN, MANAGER, role_required
from common.csv_export import csv_download, csv_line_writer, text_cell

from .describe import condition_text, duration_text, value_text
from .forms import AlertRuleForm
from .judge import RECOVERY_SECONDS
from .models import AlertEpisode, AlertRule
from .selectors import alert_episodes_list, alert_rules_list, queue_names
from .services import alert_rule_create, alert_rule_delete, alert_rule_update

PAGE_SIZE = 50


def _describe_rule(rule: AlertRule) -> AlertRule:
    rule.condition = condition_text(  # type: ignore[attr-defined]
        kind=rule.kind, threshold=rule.threshold, window_minutes=rule.window_minutes, queue=rule.queue
    )
    return rule


@role_required(ADMIN)
@require_GET
def alert_rule_list(request):
    rules = [_describe_rule(r) for r in alert_rules_list()]
    return render(request, "alerts/rule_list.html", {"rules": rules, "recovery_seconds": RECOVERY_SECONDS})


def _rule_form_page(request, rule: AlertRule | None):
    if request.method == "POST":
        form = AlertRuleForm(request.POST)
        if form.is_valid():
            try:
                if rule is None:
                    rule = alert_rule_create(**form.service_fields(), created_by=request.user)
                    messages.success(request, _("Alert rule “%(name)s” created.") % {"name": rule.name})
                else:
                    rule = alert_rule_update(rule=rule, by=request.user, **form.service_fields())
                    messages.success(request, _("Alert rule “%(name)s” saved.") % {"name": rule.name})
            except ValidationError as error:
                form.add_error(None, error)  # a dict of errors lands on its fields
            else:
                return redirect("alert_rule_list")
    else:
        form = AlertRuleForm(initial=AlertRuleForm.initial_of(rule) if rule else None)
    return render(request, "alerts/rule_form.html", {"form": form, "rule": rule, "queue_names": queue_names()})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def alert_rule_new(request):
    return _rule_form_page(request, None)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def alert_rule_edit(request, pk: int):
    return _rule_form_page(request, get_object_or_404(AlertRule, pk=pk))


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def alert_rule_delete_view(request, pk: int):
    rule = get_object_or_404(AlertRule, pk=pk)
    if request.method == "POST":
        alert_rule_delete(rule=rule, by=request.user)
        messages.success(request, _("Alert rule “%(name)s” deleted.") % {"name": rule.name})
        return redirect("alert_rule_list")
    return render(request, "alerts/rule_delete.html", {"rule": rule, "episodes": rule.episodes.count()})


# --- history --------------------------------------------------------------------------------

CSV_COLUMNS = [
    "rule",
    "queue",
    "condition",
    "started_at",
    "recovered_at",
    "end",
    "duration_seconds",
    "value_at_start",
    "worst_value",
    "last_value",
    "threshold",
]


def _described(episode: AlertEpisode) -> AlertEpisode:
    e: dict = episode.__dict__
    e["condition"] = condition_text(
        kind=episode.kind, threshold=episode.threshold, window_minutes=episode.window_minutes, queue=episode.queue
    )
    e["worst_text"] = value_text(episode.kind, episode.worst_value)
    e["duration_text"] = duration_text(episode.duration.total_seconds()) if episode.duration else ""
    return episode


def _csv_lines(episodes: Iterable[AlertEpisode], tz: tzinfo) -> Iterator[str]:
    writer = csv_line_writer()
    yield writer.writerow(CSV_COLUMNS)
    for e in episodes:
        yield writer.writerow(
            [
                text_cell(v)
                for v in (
                    e.rule.name,
                    e.queue,
                    condition_text(kind=e.kind, threshold=e.threshold, window_minutes=e.window_minutes, queue=e.queue),
                    timezone.localtime(e.started_at, tz).isoformat(),
                    timezone.localtime(e.recovered_at, tz).isoformat() if e.recovered_at else "",
                    e.end_reason or "ongoing",
                    round(e.duration.total_seconds()) if e.duration else "",
                    e.value_at_start,
                    e.worst_value,
                    e.last_value,
                    e.threshold,
                )
            ]
        )


@role_required(ADMIN, MANAGER)
@require_GET
def alert_history(request):
    episodes = alert_episodes_list()
    if request.GET.get("format") == "csv":
        # the center's timezone, taken now: the rows stream after the middleware has reset it
        tz = timezone.get_current_timezone()
        return csv_download(_csv_lines(episodes.iterator(chunk_size=2000), tz), "alert-history.csv")
    page = Paginator(episodes, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [_described(e) for e in page.object_list]
    return render(request, "alerts/history.html", {"page": page})
