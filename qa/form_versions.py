"""QA evaluation forms: build a version from a plain structure, and edit a form.

A structure is a list of sections, each ``{"title": str, "questions": [{"text", "scale",
"points", "allow_na", "compliance"}]}``; an existing section or question may carry its
``"id"`` so an in-place edit keeps its row (automated check rules point at questions).

A version with evaluations is never changed: ``qa_form_edit`` then writes the structure as
a NEW version, so past evaluations keep the questions they were scored on.

    version = qa_form_create(name="Billing calls", structure=[...], by=ada)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import QaCompliance, QaEvaluation, QaForm, QaFormVersion, QaQuestion, QaScale, QaSection

Structure = list[dict[str, Any]]


def version_current(form: QaForm) -> QaFormVersion | None:
    return form.versions.order_by("-number").first()


def version_in_use(version: QaFormVersion) -> bool:
    return QaEvaluation.objects.filter(version=version).exists()


def version_structure(version: QaFormVersion | None) -> Structure:
    """The structure of a version, with ids: what the builder edits and writes back."""
    if version is None:
        return []
    return [
        {
            "id": s.pk,
            "title": s.title,
            "questions": [
                {
                    "id": q.pk,
                    "text": q.text,
                    "scale": q.scale,
                    "points": q.points,
                    "allow_na": q.allow_na,
                    "compliance": q.compliance,
                }
                for q in s.questions.all()
            ],
        }
        for s in version.sections.prefetch_related("questions")
    ]


def _clean_question(raw: dict[str, Any]) -> dict[str, Any]:
    text = str(raw.get("text", "")).strip()
    if not text:
        raise ValidationError(_("Every question needs its text."))
    scale = raw.get("scale", QaScale.YES_NO)
    if scale not in QaScale.values:
        raise ValidationError(_("Unknown scale %(scale)r.") % {"scale": scale})
    compliance = raw.get("compliance", "") or ""
    if compliance not in QaCompliance.values:
        raise ValidationError(_("Unknown compliance kind %(kind)r.") % {"kind": compliance})
    try:
        points = int(raw.get("points", 1))
    except (TypeError, ValueError):
        raise ValidationError(_("Points must be a whole number.")) from None
    if points < 1:
        raise ValidationError(_("“%(question)s”: a question is worth at least 1 point.") % {"question": text})
    return {
        "text": text[:300],
        "scale": scale,
        "points": points,
        "allow_na": bool(raw.get("allow_na", False)),
        "compliance": compliance,
    }


def _clean(structure: Structure) -> Structure:
    cleaned = []
    for raw in structure:
        title = str(raw.get("title", "")).strip()
        if not title:
            raise ValidationError(_("Every section needs a title."))
        cleaned.append(
            {
                "id": raw.get("id"),
                "title": title[:200],
                "questions": [{"id": q.get("id"), **_clean_question(q)} for q in raw.get("questions", [])],
            }
        )
    return cleaned


def _write_new(version: QaFormVersion, structure: Structure) -> None:
    for s_pos, section in enumerate(structure):
        row = QaSection.objects.create(version=version, title=section["title"], position=s_pos)
        QaQuestion.objects.bulk_create(
            QaQuestion(section=row, position=q_pos, **{k: v for k, v in q.items() if k != "id"})
            for q_pos, q in enumerate(section["questions"])
        )


def _write_in_place(version: QaFormVersion, structure: Structure) -> None:
    sections = {s.pk: s for s in version.sections.all()}
    questions = {q.pk: q for q in QaQuestion.objects.filter(section__version=version)}
    kept_sections, kept_questions = set(), set()
    for s_pos, section in enumerate(structure):
        row = sections.get(section["id"]) or QaSection(version=version)
        row.title, row.position = section["title"], s_pos
        row.save()
        kept_sections.add(row.pk)
        for q_pos, q in enumerate(section["questions"]):
            question = questions.get(q["id"]) or QaQuestion()
            for key, value in q.items():
                if key != "id":
                    setattr(question, key, value)
            question.section, question.position = row, q_pos
            question.save()
            kept_questions.add(question.pk)
    QaQuestion.objects.filter(section__version=version).exclude(pk__in=kept_questions).delete()
    version.sections.exclude(pk__in=kept_sections).delete()


@transaction.atomic
def qa_form_create(*, name: str, structure: Structure, by=None) -> QaFormVersion:
    name = name.strip()
    if not name:
        raise ValidationError(_("A form needs a name."))
    if QaForm.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("A form named “%(name)s” exists already.") % {"name": name})
    form = QaForm.objects.create(name=name)
    version = QaFormVersion.objects.create(form=form, number=1, created_by=by)
    _write_new(version, _clean(structure))
    return version


@transaction.atomic
def qa_form_edit(*, form: QaForm, structure: Structure, by=None) -> QaFormVersion:
    """Give the form this structure: in place while its current version has no
    evaluations, else as a new version (the old one stays with its evaluations)."""
    form = QaForm.objects.select_for_update().get(pk=form.pk)
    cleaned = _clean(structure)
    current = version_current(form)
    if current is not None and not version_in_use(current):
        _write_in_place(current, cleaned)
        return current
    number = current.number + 1 if current else 1
    version = QaFormVersion.objects.create(form=form, number=number, created_by=by)
    _write_new(version, cleaned)
    return version


def qa_form_active_set(*, form: QaForm, is_active: bool) -> QaForm:
    form.is_active = is_active
    form.save(update_fields=["is_active"])
    return form


# --- builder steps: each reads the current structure, changes it, and writes it back -------


def _locate(structure: Structure, question_id: int) -> tuple[list, int]:
    for section in structure:
        for i, q in enumerate(section["questions"]):
            if q["id"] == question_id:
                return section["questions"], i
    raise ValidationError(_("That question is not in the form's current version."))


def _section_index(structure: Structure, section_id: int) -> int:
    for i, section in enumerate(structure):
        if section["id"] == section_id:
            return i
    raise ValidationError(_("That section is not in the form's current version."))


def qa_section_add(*, form: QaForm, title: str, by=None) -> QaFormVersion:
    structure = version_structure(version_current(form))
    structure.append({"title": title, "questions": []})
    return qa_form_edit(form=form, structure=structure, by=by)


def qa_question_add(*, form: QaForm, section_id: int, question: dict[str, Any], by=None) -> QaFormVersion:
    structure = version_structure(version_current(form))
    structure[_section_index(structure, section_id)]["questions"].append(question)
    return qa_form_edit(form=form, structure=structure, by=by)


def qa_item_remove(
    *, form: QaForm, section_id: int | None = None, question_id: int | None = None, by=None
) -> QaFormVersion:
    structure = version_structure(version_current(form))
    if question_id is not None:
        rows, i = _locate(structure, question_id)
        rows.pop(i)
    else:
        structure.pop(_section_index(structure, section_id or 0))
    return qa_form_edit(form=form, structure=structure, by=by)


def qa_item_move(
    *, form: QaForm, step: int, section_id: int | None = None, question_id: int | None = None, by=None
) -> QaFormVersion:
    """Move a section or a question one place up (step -1) or down (+1) in its list."""
    structure = version_structure(version_current(form))
    rows, i = (
        _locate(structure, question_id)
        if question_id is not None
        else (structure, _section_index(structure, section_id or 0))
    )
    j = i + (1 if step > 0 else -1)
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    return qa_form_edit(form=form, structure=structure, by=by)
