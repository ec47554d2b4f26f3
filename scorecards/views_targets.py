"""Admins' pages for KPI targets and KPI settings. Thin: forms validate, scorecards.targets
writes and reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from common.access import ADMIN, role_required
from tenants.current import current_tenant

from . import targets
from .catalogue import KPIS
from .forms_targets import UNIT_WORDS, KpiSettingsForm, RealismForm, TargetBandsForm, TargetForm


def _realism(*, kpi: str | None, green, amber=None, direction: str | None = None, team=None) -> dict | None:
    """The realism panel's content, or None when the target is not complete enough to check."""
    entry = KPIS.get(kpi or "")
    direction = direction or (entry.better if entry else None)
    if entry is None or green is None or not direction:
        return None
    per_agent = "agent" in entry.scopes
    weeks = (
        targets.realism_check(kpi=entry.code, green=green, amber=amber, direction=direction, team=team)
        if per_agent
        else []
    )
    words = {"kpi": entry.label, "team": team.name if team else "", "minimum": current_tenant().min_sample}
    if not per_agent:
        status = _("%(kpi)s is not measured per agent, so there is no agent history to check against.") % words
    else:
        words.update(sign="≥" if direction == "higher" else "≤", green=floatformat(green, -2))
        status = (
            _("Agents of %(team)s with n ≥ %(minimum)s whose weekly %(kpi)s was green (%(sign)s %(green)s):")
            if team
            else _("Agents with n ≥ %(minimum)s whose weekly %(kpi)s was green (%(sign)s %(green)s):")
        ) % words
    return {
        "kpi": entry.code,
        "label": entry.label,
        "status": status,
        "unit": entry.unit,
        "direction": direction,
        "green": green,
        "team": team.name if team else None,
        "per_agent": per_agent,
        "min_sample": current_tenant().min_sample,
        "weeks": weeks,
    }


def _realism_words() -> dict:
    """The realism panel's fixed texts, for the page and for targets.js (json_script)."""
    return {
        "prompt": _("Choose a KPI and a green threshold to see how many agents met it in each of the last 8 weeks."),
        "no_agent": _("No agent had enough contacts"),
        "failed": _("The realism check could not be computed."),
        "unavailable": _("The realism check could not be loaded; “Check realism” still works."),
        "labels": {
            "kpi": "KPI",
            "green": _("Green at"),
            "amber": _("Amber at"),
            "direction": _("Direction"),
            "team": _("Team"),
        },
    }


def _realism_of(form) -> dict | None:
    """Server-side realism after a POST: from whatever fields of the target were valid."""
    data = getattr(form, "cleaned_data", {})
    kpi = data.get("kpi") or getattr(getattr(form, "target", None), "kpi", None)
    team = data.get("team") if "team" in form.fields else form.target.team
    return _realism(
        kpi=kpi, green=data.get("green"), amber=data.get("amber"), direction=data.get("direction"), team=team
    )


def _kpi_meta() -> dict:
    return {
        k.code: {"unit": UNIT_WORDS.get(k.unit, k.unit), "better": k.better, "diagnostic": k.diagnostic}
        for k in targets.targetable_kpis()
    }


def _labelled(rows) -> list:
    """Targets or their changes, each with the label of its KPI for the tables."""
    rows = list(rows)
    for row in rows:
        kpi = row.kpi if hasattr(row, "kpi") else row.target.kpi
        row.kpi_label = KPIS[kpi].label if kpi in KPIS else kpi
    return rows


@role_required(ADMIN)
def target_list(request):
    form = TargetForm(request.POST or None, initial={"effective_from": targets.tenant_today()})
    realism = None
    if request.method == "POST":
        if form.is_valid() and "preview" not in request.POST:
            try:
                target = targets.target_set(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Target saved: %(kpi)s, in force from %(date)s.")
                    % {"kpi": KPIS[target.kpi].label, "date": f"{target.effective_from:%Y-%m-%d}"},
                )
                return redirect("target_list")
        realism = _realism_of(form)
    meta = _kpi_meta()
    return render(
        request,
        "scorecards/targets.html",
        {
            "form": form,
            "realism": realism,
            "realism_words": _realism_words(),
            "kpi_meta": meta,
            "chosen": meta.get(form["kpi"].value() or ""),
            "targets": _labelled(targets.targets_list(include_retired=False)),
            "changes": _labelled(targets.target_changes_list()[:20]),
        },
    )


@role_required(ADMIN)
def target_edit(request, pk):
    target = get_object_or_404(targets.targets_list(), pk=pk)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    form = TargetBandsForm(request.POST if action == "save" and not target.retired_at else None, target=target)
    realism = None
    if action and target.retired_at:
        messages.error(request, _("This target is retired and cannot change: set a new one."))
    elif action == "retire":
        try:
            targets.target_retire(target=target, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Target retired. Its history is kept."))
            return redirect("target_list")
    elif action == "save":
        if form.is_valid() and "preview" not in request.POST:
            try:
                targets.target_set(
                    kpi=target.kpi,
                    team=target.team,
                    queue=target.queue,
                    interaction_type=target.interaction_type,
                    effective_from=target.effective_from,
                    by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Target saved."))
                return redirect("target_edit", pk=target.pk)
        realism = _realism_of(form)
    if realism is None and not form.is_bound:
        realism = _realism(
            kpi=target.kpi, green=target.green, amber=target.amber, direction=target.direction, team=target.team
        )
    meta = _kpi_meta()
    return render(
        request,
        "scorecards/targets_edit.html",
        {
            "target": target,
            "kpi": KPIS[target.kpi],
            "chosen": meta.get(target.kpi),
            "form": form,
            "realism": realism,
            "realism_words": _realism_words(),
            "kpi_meta": meta,
            "changes": _labelled(targets.target_changes_list(target=target)),
        },
    )


@role_required(ADMIN)
@require_GET
def target_realism(request):
    form = RealismForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()}}, status=400
        )
    realism = _realism(**form.cleaned_data)
    for week in realism["weeks"]:
        week["week_start"] = week["week_start"].isoformat()
    return JsonResponse(realism)


@role_required(ADMIN)
def kpi_settings(request):
    tenant = current_tenant()
    form = KpiSettingsForm.for_tenant(tenant, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = targets.settings_update(tenant=tenant, changes=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "Saved %(count)d setting. KPIs are being recomputed with the new settings.",
                        "Saved %(count)d settings. KPIs are being recomputed with the new settings.",
                        len(changed),
                    )
                    % {"count": len(changed)},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("kpi_settings")
    return render(
        request,
        "scorecards/settings.html",
        {
            "form": form,
            "tenant": tenant,
            "changes": [
                (change, targets.SETTINGS.get(change.setting, change.setting))
                for change in targets.setting_changes_list()[:100]
            ],
        },
    )
