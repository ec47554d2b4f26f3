"""QA pages: automated check rules with their agreement with reviewers, a contact's check
results, fair-sampling plans and samples, calibrations. Thin: forms validate, qa.selectors
read (managers see their own teams only; "not yours" is a 404), qa.services write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.access import ADMIN, MANAGER, role_required
from common.periods import WEEK, next_period_start, previous_period_start, week_start
from tenants.current import current_tenant

from .calibration import calibration_evaluation_save, calibration_report, version_questions
from .checks import agreement_table
from .models import QaCheckRule, QaFormVersion, QaQuestion, QaSamplingPlan
from .sampling import qa_sample_week, week_sample
from .selectors import (
    calibrations_visible_to,
    check_results_visible_to,
    check_rules_list,
    reviewable_contacts,
    sampling_plans_of,
    sampling_teams,
)
from .services import calibration_create, check_rule_save, sampling_plan_set


class RuleForm(forms.ModelForm):
    class Meta:
        model = QaCheckRule
        fields = ["name", "kind", "phrase", "threshold_seconds", "channels", "question", "is_active"]
        labels = {
            "name": gettext_lazy("Name"),
            "kind": gettext_lazy("Kind"),
            "phrase": gettext_lazy("Phrase"),
            "threshold_seconds": gettext_lazy("Threshold seconds"),
            "channels": gettext_lazy("Channels"),
            "question": gettext_lazy("Question"),
            "is_active": gettext_lazy("Is active"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = QaQuestion.objects.filter(scale="yes_no").select_related(
            "section__version__form"
        )
        self.fields["question"].label_from_instance = lambda q: (
            f"{q.section.version.form.name} v{q.section.version.number}: {q.text}"
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == QaCheckRule.Kind.HOLD_WITHOUT_NOTICE and data.get("threshold_seconds") is None:
            self.add_error("threshold_seconds", _("A hold rule needs the number of seconds."))
        if kind and not (data.get("phrase") or "").strip():
            self.add_error("phrase", _("Every rule needs its phrase (the notice or reason for hold and transfer)."))
        return data


@role_required(ADMIN, MANAGER)
def check_rules(request):
    form = RuleForm(request.POST or None) if request.user.role == ADMIN else None
    if request.method == "POST" and form is not None and form.is_valid():
        rule, totals = check_rule_save(**form.cleaned_data)
        messages.success(
            request,
            _("Rule “%(name)s” created and run on %(count)s contacts.")
            % {"name": rule.name, "count": totals["checked"]},
        )
        return redirect("qa_checks")
    rules = check_rules_list()
    return render(request, "qa/checks.html", {"rules": rules, "form": form, "agreement": agreement_table()})


@role_required(ADMIN)
def check_rule(request, pk: int):
    rule = get_object_or_404(check_rules_list(), pk=pk)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        rule, _totals = check_rule_save(rule=rule, **form.cleaned_data)
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
        return redirect("qa_checks")
    return render(request, "qa/check_rule.html", {"rule": rule, "form": form})


@role_required(ADMIN, MANAGER)
def check_results(request):
    """One contact's results (?contact=<external id>), or the latest failures."""
    external_id = request.GET.get("contact", "").strip()
    contact = (
        get_object_or_404(reviewable_contacts(fetched_by=request.user), external_id=external_id)
        if external_id
        else None
    )
    results = check_results_visible_to(fetched_by=request.user)
    if contact is not None:
        results = results.filter(interaction=contact).order_by("rule__name")
    else:
        results = results.filter(passed=False).order_by("-interaction__offered_at", "rule__name")[:200]
    return render(request, "qa/check_results.html", {"contact": contact, "results": results})


class PlanForm(forms.ModelForm):
    class Meta:
        model = QaSamplingPlan
        fields = ["form", "per_agent_per_week", "is_active"]
        labels = {
            "form": gettext_lazy("Form"),
            "per_agent_per_week": gettext_lazy("Per agent per week"),
            "is_active": gettext_lazy("Is active"),
        }


def _monday(value: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        day = None
    day = day or dt.datetime.now(current_tenant().tz).date()
    return week_start(day)


@role_required(ADMIN, MANAGER)
def sampling(request):
    teams = sampling_teams(fetched_by=request.user)
    team = get_object_or_404(teams, pk=request.GET["team"]) if request.GET.get("team") else teams.first()
    week = _monday(request.GET.get("week"))
    plans = sampling_plans_of(teams=teams)
    plan = plans.get(team.pk) if team else None
    form = PlanForm(request.POST or None, instance=plan) if team else None
    if request.method == "POST" and team is not None:
        back = f"{request.path}?team={team.pk}&week={week}"
        if "sample" in request.POST:
            picked = qa_sample_week(team=team, week_start=week)
            messages.success(
                request,
                _("%(count)s contacts newly sampled for the week of %(day)s.") % {"count": len(picked), "day": week},
            )
            return redirect(back)
        if form.is_valid():
            sampling_plan_set(team=team, **form.cleaned_data)
            messages.success(request, _("Sampling plan of %(team)s saved.") % {"team": team})
            return redirect(back)
    return render(
        request,
        "qa/sampling.html",
        {
            "teams": [(t, plans.get(t.pk)) for t in teams],
            "team": team,
            "week": week,
            "form": form,
            "previous_week": previous_period_start(WEEK, week),
            "next_week": next_period_start(WEEK, week),
            "sample": week_sample(team=team, week_start=week) if team else [],
        },
    )


class CalibrationForm(forms.Form):
    contact = forms.CharField(label=gettext_lazy("Contact (external id)"))
    version = forms.ModelChoiceField(
        QaFormVersion.objects.select_related("form").order_by("form__name", "-number"), label=gettext_lazy("Version")
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = contacts
        self.fields["version"].label_from_instance = lambda v: f"{v.form.name} v{v.number}"

    def clean_contact(self):
        contact = self.contacts.filter(external_id=self.cleaned_data["contact"].strip()).first()
        if contact is None:
            raise forms.ValidationError(_("No contact of yours has this id."))
        return contact


@role_required(ADMIN, MANAGER)
def calibrations(request):
    form = CalibrationForm(request.POST or None, contacts=reviewable_contacts(fetched_by=request.user))
    if request.method == "POST" and form.is_valid():
        cal = calibration_create(
            interaction=form.cleaned_data["contact"], version=form.cleaned_data["version"], by=request.user
        )
        return redirect("qa_calibration", pk=cal.pk)
    return render(
        request,
        "qa/calibrations.html",
        {"calibrations": calibrations_visible_to(fetched_by=request.user), "form": form},
    )


def answers_form(questions, data=None, *, may_agree: bool):
    """A form with one choice per question (value, or "na" where N/A is allowed)."""
    form = forms.Form(data)
    for q in questions:
        if q.scale == "yes_no":
            choices = [("1", _("Yes")), ("0", _("No"))]
        elif q.scale == "one_to_five":
            choices = [(str(v), str(v)) for v in range(1, 6)]
        else:
            choices = [(str(v), str(v)) for v in range(q.points + 1)]
        if q.allow_na:
            choices.append(("na", _("N/A")))
        form.fields[f"q{q.pk}"] = forms.ChoiceField(label=q.text, choices=choices, widget=forms.RadioSelect)
    if may_agree:
        form.fields["agreed"] = forms.BooleanField(required=False, label=_("These are the agreed answers"))
    return form


@role_required(ADMIN, MANAGER)
def calibration(request, pk: int):
    cal = get_object_or_404(calibrations_visible_to(fetched_by=request.user), pk=pk)
    questions = version_questions(cal.version)
    may_agree = request.user.role == ADMIN or cal.created_by_id == request.user.pk
    form = answers_form(questions, request.POST or None, may_agree=may_agree)
    if request.method == "POST" and form.is_valid():
        answers = {}
        for q in questions:
            raw = form.cleaned_data[f"q{q.pk}"]
            answers[q.pk] = (None, True, "") if raw == "na" else (int(raw), False, "")
        calibration_evaluation_save(
            calibration=cal, reviewer=request.user, answers=answers, agreed=bool(form.cleaned_data.get("agreed"))
        )
        messages.success(request, _("Your answers are saved."))
        return redirect("qa_calibration", pk=cal.pk)
    return render(request, "qa/calibration.html", {"report": calibration_report(cal), "calibration": cal, "form": form})
