"""Coaching session pages: the manager's list and form, the shared detail page, the agent's
"My coaching". Reads through coaching.selectors, writes through coaching.sessions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, AGENT, MANAGER, role_required
from common.periods import week_start
from qa.selectors import evaluation_of_contact
from scorecards.catalogue import KPIS
from scorecards.selectors import agent_week_snapshot
from surveys.selectors import survey_comment_of_contact

from . import selectors, sessions
from .effectiveness import effectiveness_for
from .forms_sessions import (
    KPI_CHOICES,
    ActionItemForm,
    EvidenceForm,
    NotesForm,
    RequestForm,
    SessionCreateForm,
    SessionFilterForm,
    TransitionForm,
)
from .models import SessionStatus


def _fail(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(request, session):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("coaching_session", session.pk)


@role_required(ADMIN, MANAGER)
def session_list(request):
    rows = selectors.sessions_listed(fetched_by=request.user)
    filters = SessionFilterForm(request.GET or None, user=request.user)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            rows = rows.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["agent"]:
            rows = rows.filter(agent=filters.cleaned_data["agent"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    closed = list(
        selectors.sessions_visible_to(fetched_by=request.user)
        .filter(status=SessionStatus.CLOSED)
        .exclude(focus_kpis=[])
        .order_by("-closed_at")[:10]
    )
    results = effectiveness_for(closed)
    return render(
        request,
        "coaching/session_list.html",
        {
            "page": page,
            "filters": filters,
            "overdue": selectors.action_items_overdue(fetched_by=request.user)[:20],
            "unacknowledged": selectors.sessions_unacknowledged(fetched_by=request.user)[:20],
            "effectiveness": [(s, results[s.pk]) for s in closed if s.pk in results],
        },
    )


@role_required(ADMIN, MANAGER)
def session_create(request):
    initial = {}
    if request.method == "GET":
        initial = {key: request.GET[key] for key in ("agent", "signal") if request.GET.get(key, "").isdigit()}
        kpis = [k for k in request.GET.get("kpis", "").split(",") if k in dict(KPI_CHOICES)]
        if kpis:
            initial["focus_kpis"] = kpis
        signal = selectors.signals_coachable_by(fetched_by=request.user).filter(pk=initial.get("signal") or 0).first()
        if signal is not None:
            initial.setdefault("agent", signal.agent_id)
            initial["focus_behaviours"] = _("%(kind)s signal, week of %(day)s") % {
                "kind": signal.get_kind_display(),
                "day": f"{signal.week_start:%Y-%m-%d}",
            }
    form = SessionCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = [
            {"kpi_snapshot": snap}
            for snap in selectors.latest_weekly_snapshots(agent=data["agent"], kpis=data["focus_kpis"])
        ]
        try:
            session = sessions.coaching_session_create(
                agent=data["agent"],
                by=request.user,
                focus_kpis=data["focus_kpis"],
                focus_behaviours=data["focus_behaviours"],
                agenda=data["agenda"],
                scheduled_for=data["scheduled_for"],
                signal=data["signal"],
                evidence=evidence,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Coaching session with %(agent)s planned.") % {"agent": session.agent})
            return redirect("coaching_session", session.pk)
    return render(request, "coaching/session_form.html", {"form": form})


@role_required(ADMIN, MANAGER, AGENT)
def session_detail(request, pk):
    session = get_object_or_404(selectors.sessions_visible_to(fetched_by=request.user), pk=pk)
    coach = sessions.is_coach(user=request.user, agent=session.agent)
    results = effectiveness_for([session]).get(session.pk) if session.status == SessionStatus.CLOSED else None
    return render(
        request,
        "coaching/session_detail.html",
        {
            "session": session,
            "coach": coach,
            "kpi_labels": {code: KPIS[code].label for code in session.focus_kpis if code in KPIS},
            "evidence": session.evidence.select_related(
                "interaction", "survey_response", "qa_evaluation__version__form"
            ),
            "items": session.action_items.select_related("owner"),
            "events": session.events.select_related("by"),
            "steps": sessions.next_steps(session=session, user=request.user),
            "effectiveness": results,
            "item_form": ActionItemForm(),
            "evidence_form": EvidenceForm(),
            "notes_form": NotesForm(initial={"notes": session.notes}),
        },
    )


@role_required(ADMIN, MANAGER, AGENT)
@require_POST
def session_transition(request, pk):
    session = get_object_or_404(selectors.sessions_visible_to(fetched_by=request.user), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step, and a valid date for a follow-up."))
        return _back(request, session)
    try:
        session = sessions.coaching_session_transition(
            session=session,
            to=form.cleaned_data["to"],
            by=request.user,
            comment=form.cleaned_data["comment"],
            follow_up_on=form.cleaned_data["follow_up_on"],
        )
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(
            request, _("The session is now %(status)s.") % {"status": session.get_status_display().lower()}
        )
    return _back(request, session)


@role_required(ADMIN, MANAGER)
@require_POST
def session_notes(request, pk):
    session = get_object_or_404(selectors.sessions_visible_to(fetched_by=request.user), pk=pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            sessions.coaching_session_notes_set(session=session, by=request.user, notes=form.cleaned_data["notes"])
            messages.success(request, _("Notes saved."))
        except ValidationError as error:
            _fail(request, error)
    return redirect("coaching_session", session.pk)


@role_required(ADMIN, MANAGER)
@require_POST
def evidence_add(request, pk):
    session = get_object_or_404(selectors.sessions_visible_to(fetched_by=request.user), pk=pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("coaching_session", session.pk)
    data, kwargs = form.cleaned_data, {"note": form.cleaned_data["note"]}
    if data["kind"] == "interaction":
        kwargs["interaction_external_id"] = data["external_id"]
    elif data["kind"] == "kpi":
        kwargs["kpi_snapshot"] = agent_week_snapshot(
            fetched_by=request.user, kpi=data["kpi"], agent=session.agent, week_start=week_start(data["week"])
        )
        if kwargs["kpi_snapshot"] is None:
            messages.error(request, _("No weekly value of that KPI for this agent in that week."))
            return redirect("coaching_session", session.pk)
    elif data["kind"] == "qa_evaluation":
        kwargs["qa_evaluation"] = evaluation_of_contact(
            fetched_by=request.user, external_id=data["external_id"].strip()
        )
        if kwargs["qa_evaluation"] is None:
            messages.error(request, _("That contact has no submitted QA evaluation that you can see."))
            return redirect("coaching_session", session.pk)
    else:
        kwargs["survey_response"] = survey_comment_of_contact(
            fetched_by=request.user, external_id=data["external_id"].strip()
        )
        if kwargs["survey_response"] is None:
            messages.error(request, _("That contact has no survey comment that you can see."))
            return redirect("coaching_session", session.pk)
    try:
        sessions.evidence_add(session=session, by=request.user, **kwargs)
        messages.success(request, _("Evidence added."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("coaching_session", session.pk)


@role_required(ADMIN, MANAGER)
@require_POST
def action_item_add(request, pk):
    session = get_object_or_404(selectors.sessions_visible_to(fetched_by=request.user), pk=pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        owner = session.agent.user if data["owner"] == "agent" else (session.coach or request.user)
        if owner is None:
            messages.error(
                request, _("%(agent)s has no login yet: the coach owns this item.") % {"agent": session.agent}
            )
            owner = session.coach or request.user
        try:
            sessions.action_item_add(
                session=session, by=request.user, description=data["description"], owner=owner, due_on=data["due_on"]
            )
            messages.success(request, _("Action item added."))
        except ValidationError as error:
            _fail(request, error)
    else:
        messages.error(request, _("An action item needs a description."))
    return redirect("coaching_session", session.pk)


@role_required(ADMIN, MANAGER, AGENT)
@require_POST
def action_item_done(request, pk):
    item = get_object_or_404(selectors.action_items_visible_to(fetched_by=request.user), pk=pk)
    try:
        sessions.action_item_done(item=item, by=request.user)
        messages.success(request, _("Action item done."))
    except ValidationError as error:
        _fail(request, error)
    return _back(request, item.session)


@role_required(AGENT)
def my_coaching(request):
    mine = selectors.sessions_visible_to(fetched_by=request.user).prefetch_related("action_items__owner")
    return render(
        request,
        "coaching/my_coaching.html",
        {
            "sessions": mine[:50],
            "open_items": selectors.action_items_visible_to(fetched_by=request.user).filter(done_at__isnull=True),
            "request_form": RequestForm(),
            "here": reverse("my_coaching"),
        },
    )


@role_required(AGENT)
@require_POST
def coaching_request(request):
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            sessions.coaching_session_request(agent_user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Your request was sent to your manager."))
        except ValidationError as error:
            _fail(request, error)
    else:
        messages.error(request, _("Say in a few words what you would like to talk about."))
    return redirect("my_coaching")
