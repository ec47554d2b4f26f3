"""The admin's QA form builder: forms, then sections and questions of a form's current
version. Every step goes through qa.form_versions, which copies a version in use into a
new one first, so past evaluations keep theirs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.access import ADMIN, role_required

from . import form_versions as qa_forms
from .forms import QaFormCreateForm, QuestionForm, SectionForm
from .selectors import qa_forms_list


@role_required(ADMIN)
def form_list(request):
    create = QaFormCreateForm(request.POST or None)
    if request.method == "POST" and create.is_valid():
        try:
            version = qa_forms.qa_form_create(name=create.cleaned_data["name"], structure=[], by=request.user)
        except ValidationError as error:
            create.add_error(None, error)
        else:
            return redirect("qa_form", version.form_id)
    return render(request, "qa/forms.html", {"forms": qa_forms_list(), "create": create})


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@role_required(ADMIN)
def form_detail(request, pk):
    form = get_object_or_404(qa_forms_list(), pk=pk)
    version = qa_forms.version_current(form)
    structure = qa_forms.version_structure(version)
    section_form, question_form = SectionForm(), QuestionForm(sections=structure)
    if request.method == "POST":
        op, by, before = request.POST.get("op"), request.user, version.number if version else None
        try:
            if op == "section":
                section_form = SectionForm(request.POST)
                if section_form.is_valid():
                    version = qa_forms.qa_section_add(form=form, title=section_form.cleaned_data["title"], by=by)
            elif op == "question":
                question_form = QuestionForm(request.POST, sections=structure)
                if question_form.is_valid():
                    data = dict(question_form.cleaned_data)
                    version = qa_forms.qa_question_add(form=form, section_id=data.pop("section"), question=data, by=by)
            elif op in ("up", "down", "remove"):
                target = {
                    "section_id": _int(request.POST.get("section")),
                    "question_id": _int(request.POST.get("question")),
                }
                if op == "remove":
                    version = qa_forms.qa_item_remove(form=form, by=by, **target)
                else:
                    version = qa_forms.qa_item_move(form=form, step=-1 if op == "up" else 1, by=by, **target)
            elif op in ("retire", "activate"):
                qa_forms.qa_form_active_set(form=form, is_active=op == "activate")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        if not (section_form.errors or question_form.errors):
            if before is not None and version is not None and version.number != before:
                messages.info(
                    request,
                    _("Version %(before)s is in use, so this is version %(number)s: past evaluations keep theirs.")
                    % {"before": before, "number": version.number},
                )
            return redirect("qa_form", form.pk)
    return render(
        request,
        "qa/form.html",
        {
            "form_obj": form,
            "version": version,
            "structure": structure,
            "in_use": version is not None and qa_forms.version_in_use(version),
            "section_form": section_form,
            "question_form": question_form,
        },
    )
