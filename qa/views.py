"""QA evaluation pages: the reviewer's list and evaluation (contact and transcript beside
the form), the agent's "My evaluations" (acknowledge, dispute one answer) and the reviewers'
disputes. Reads through qa.selectors, writes through qa.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, AGENT, MANAGER, role_required
from common.formats import percent
from interactions.selectors import interactions_visible_to

from . import selectors, services
from .form_versions import version_current
from .forms import ContactPickForm, DecisionForm, DisputeForm


def scale_choices(question) -> list[tuple[int, str]]:
    if question.scale == "yes_no":
        return [(1, _("Yes")), (0, _("No"))]
    if question.scale == "one_to_five":
        return [(v, str(v)) for v in range(1, 6)]
    return [(v, str(v)) for v in range(question.points + 1)]


def _fail(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _rows(evaluation):
    """The questions of the evaluation's version with their answer and choices, by section."""
    answers = {a.question_id: a for a in evaluation.answers.prefetch_related("disputes__decided_by")}
    sections: dict[int, dict] = {}
    for q in selectors.evaluation_questions(evaluation):
        q.choices, q.answer = scale_choices(q), answers.get(q.pk)
        sections.setdefault(q.section_id, {"title": q.section.title, "questions": []})["questions"].append(q)
    return list(sections.values())


@role_required(ADMIN, MANAGER)
def evaluation_list(request):
    return render(
        request,
        "qa/evaluations.html",
        {
            "evaluations": selectors.evaluations_visible_to(fetched_by=request.user)[:100],
            "recent": interactions_visible_to(fetched_by=request.user)
            .filter(agent__isnull=False)
            .order_by("-offered_at")[:20],
            "pick": ContactPickForm(),
        },
    )


@role_required(ADMIN, MANAGER)
def evaluate(request):
    """GET ?contact=<external id>[&form=<id>]: the contact and a start button; POST starts a draft."""
    data = request.POST if request.method == "POST" else request.GET
    contact = get_object_or_404(
        interactions_visible_to(fetched_by=request.user), external_id=data.get("contact", "").strip()
    )
    pick = ContactPickForm({"contact": contact.external_id, "form": data.get("form") or selectors.default_form_id()})
    if request.method == "POST" and pick.is_valid():
        try:
            evaluation = services.evaluation_start(
                interaction=contact, by=request.user, version=version_current(pick.cleaned_data["form"])
            )
        except ValidationError as error:
            _fail(request, error)
        else:
            return redirect("qa_evaluation", evaluation.pk)
    return render(request, "qa/evaluate.html", {"contact": contact, "pick": pick})


def _answers_from(request, evaluation) -> dict[int, services.AnswerInput]:
    answers = {}
    for q in selectors.evaluation_questions(evaluation):
        raw, comment = request.POST.get(f"q{q.pk}", ""), request.POST.get(f"c{q.pk}", "")
        if raw == "na":
            answers[q.pk] = services.AnswerInput(not_applicable=True, comment=comment)
        else:
            answers[q.pk] = services.AnswerInput(value=int(raw) if raw.lstrip("-").isdigit() else None, comment=comment)
    return answers


@role_required(ADMIN, MANAGER, AGENT)
def evaluation_detail(request, pk):
    evaluation = get_object_or_404(selectors.evaluations_visible_to(fetched_by=request.user), pk=pk)
    editable = evaluation.status == "draft" and evaluation.reviewer_id == request.user.pk
    if request.method == "POST":
        if not editable:
            raise Http404
        try:
            answers = _answers_from(request, evaluation)
            services.evaluation_answers_set(evaluation=evaluation, by=request.user, answers=answers)
            if request.POST.get("action") == "submit":
                services.evaluation_submit(evaluation=evaluation, by=request.user)
                messages.success(
                    request,
                    _("Evaluation submitted: %(score)s.") % {"score": percent(evaluation.score_pct, 1)}
                    if evaluation.score_pct is not None
                    else _("Evaluation submitted."),
                )
            else:
                messages.success(request, _("Draft saved."))
        except ValidationError as error:
            _fail(request, error)
        return redirect("qa_evaluation", evaluation.pk)
    agent = evaluation.interaction.agent
    is_agent = agent is not None and agent.user_id == request.user.pk
    undisputed = selectors.answers_undisputed(evaluation=evaluation)
    return render(
        request,
        "qa/evaluation.html",
        {
            "evaluation": evaluation,
            "contact": evaluation.interaction,
            "sections": _rows(evaluation),
            "editable": editable,
            "is_agent": is_agent,
            "dispute_form": DisputeForm(answers=undisputed) if is_agent and undisputed else None,
        },
    )


@role_required(AGENT)
@require_POST
def evaluation_acknowledge(request, pk):
    evaluation = get_object_or_404(selectors.evaluations_visible_to(fetched_by=request.user), pk=pk)
    try:
        services.evaluation_acknowledge(evaluation=evaluation, by=request.user)
        messages.success(request, _("Evaluation acknowledged."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("qa_evaluation", evaluation.pk)


@role_required(AGENT)
@require_POST
def dispute_raise(request, pk):
    evaluation = get_object_or_404(selectors.evaluations_visible_to(fetched_by=request.user), pk=pk)
    form = DisputeForm(request.POST, answers=evaluation.answers.select_related("question"))
    if not form.is_valid():
        messages.error(request, _("Choose a question and say why you dispute it."))
        return redirect("qa_evaluation", evaluation.pk)
    try:
        services.dispute_raise(
            answer=evaluation.answers.get(pk=form.cleaned_data["answer"]),
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Dispute sent: another reviewer will decide."))
    except ValidationError as error:
        _fail(request, error)
    return redirect("qa_evaluation", evaluation.pk)


@role_required(AGENT)
def my_evaluations(request):
    return render(
        request,
        "qa/my_evaluations.html",
        {"evaluations": selectors.evaluations_visible_to(fetched_by=request.user)[:100]},
    )


@role_required(ADMIN, MANAGER)
def dispute_list(request):
    disputes = list(selectors.disputes_pending_for(fetched_by=request.user)[:100])
    for d in disputes:
        d.choices = scale_choices(d.answer.question)
    return render(request, "qa/disputes.html", {"disputes": disputes})


@role_required(ADMIN, MANAGER)
@require_POST
def dispute_decide(request, pk):
    dispute = get_object_or_404(selectors.disputes_pending_for(fetched_by=request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose upheld or rejected."))
        return redirect("qa_disputes")
    try:
        services.dispute_decide(
            dispute=dispute,
            by=request.user,
            decision=form.cleaned_data["decision"],
            new_value=form.cleaned_data["new_value"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request, _("Dispute upheld.") if form.cleaned_data["decision"] == "upheld" else _("Dispute rejected.")
        )
    except ValidationError as error:
        _fail(request, error)
        return redirect("qa_disputes")
    return redirect("qa_evaluation", dispute.answer.evaluation_id)
