"""Forms of the QA pages: the form builder, picking a contact, disputes and decisions.
The evaluation's answers are radio buttons per question, read in views."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QaCompliance, QaDispute, QaForm, QaScale


class QaFormCreateForm(forms.Form):
    name = forms.CharField(label=_("Form name"), max_length=120)


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)


class QuestionForm(forms.Form):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    text = forms.CharField(label=_("Question"), max_length=300)
    scale = forms.ChoiceField(label=_("Scale"), choices=QaScale.choices)
    points = forms.IntegerField(label=_("Points (weight)"), min_value=1, max_value=100, initial=1)
    allow_na = forms.BooleanField(label=_("N/A allowed"), required=False)
    compliance = forms.ChoiceField(label=_("Compliance"), choices=QaCompliance.choices, required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s["id"], s["title"]) for s in sections]


class ContactPickForm(forms.Form):
    contact = forms.CharField(label=_("Contact (external id)"), max_length=200)
    form = forms.ModelChoiceField(label=_("Evaluation form"), queryset=QaForm.objects.none(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = QaForm.objects.filter(is_active=True, versions__isnull=False).distinct()


class DisputeForm(forms.Form):
    answer = forms.TypedChoiceField(label=_("Question you dispute"), coerce=int)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [(a.pk, a.question.text) for a in answers]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[c for c in QaDispute.Decision.choices if c[0]])
    new_value = forms.IntegerField(label=_("New answer"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
