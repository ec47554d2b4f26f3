"""Admin pages that define customer surveys: list, create, edit, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, role_required

from .forms import SurveyForm
from .models import DEFAULT_QUESTIONS
from .selectors import surveys_list
from .services import survey_deactivate, survey_reactivate, survey_save


@role_required(ADMIN)
def survey_list(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = survey_save(survey=form.instance, translations=form.translations)  # fields set by the form
        messages.success(request, _("Survey %(name)s created.") % {"name": survey.name})
        return redirect("survey_list")
    return render(
        request,
        "surveys/survey_list.html",
        {"surveys": surveys_list(), "form": form, "default_questions": DEFAULT_QUESTIONS},
    )


@role_required(ADMIN)
def survey_edit(request, pk: int):
    survey = get_object_or_404(surveys_list(), pk=pk)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        survey_save(survey=form.instance, translations=form.translations)
        messages.success(request, _("Survey %(name)s saved.") % {"name": survey.name})
        return redirect("survey_list")
    return render(
        request, "surveys/survey_edit.html", {"survey": survey, "form": form, "default_questions": DEFAULT_QUESTIONS}
    )


@role_required(ADMIN)
@require_POST
def survey_active_toggle(request, pk: int):
    survey = get_object_or_404(surveys_list(), pk=pk)
    if survey.is_active:
        survey_deactivate(survey=survey)
        messages.success(
            request,
            _("Survey %(name)s deactivated: no new invitations; open links still work.") % {"name": survey.name},
        )
    else:
        survey_reactivate(survey=survey)
        messages.success(request, _("Survey %(name)s reactivated.") % {"name": survey.name})
    return redirect("survey_list")
