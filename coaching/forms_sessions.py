"""Forms of the coaching session pages; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agent
from scorecards.catalogue import KPIS

from .models import DEFAULT_AGENDA, SessionStatus, Signal
from .selectors import agents_coachable_by, signals_coachable_by

KPI_CHOICES = [(k.code, k.label) for k in KPIS.values() if "agent" in k.scopes]


class SessionCreateForm(forms.Form):
    # queryset=None: __init__ sets what the user may coach
    agent: forms.ModelChoiceField[Agent] = forms.ModelChoiceField(queryset=None, label=_("Agent"))
    focus_kpis = forms.MultipleChoiceField(
        choices=KPI_CHOICES,
        required=False,
        label=_("Focus KPIs"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their latest weekly values are added as evidence, with n and interval."),
    )
    focus_behaviours = forms.CharField(
        label=_("Focus behaviours"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # The agenda a coach starts from, in the coach's language (the model's default stays English).
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), initial=_(DEFAULT_AGENDA), required=False
    )
    scheduled_for = forms.DateTimeField(
        required=False, label=_("Scheduled for"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    signal: forms.ModelChoiceField[Signal] = forms.ModelChoiceField(
        queryset=None, required=False, widget=forms.HiddenInput, label=""
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents_coachable_by(fetched_by=user)
        self.fields["signal"].queryset = signals_coachable_by(fetched_by=user)

    def clean(self):
        data = super().clean()
        signal, agent = data.get("signal"), data.get("agent")
        if signal and agent and signal.agent_id != agent.pk:
            self.add_error("signal", _("That signal is about another agent."))
        return data


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("interaction", _("Contact")),
            ("kpi", _("KPI value (week)")),
            ("survey_comment", _("Survey comment of a contact")),
            ("qa_evaluation", _("QA evaluation of a contact")),
        ],
    )
    external_id = forms.CharField(
        required=False, label=_("Contact ID"), help_text=_("For a contact, its survey comment or its QA evaluation.")
    )
    kpi = forms.ChoiceField(choices=[("", "—")] + KPI_CHOICES, required=False, label="KPI")
    week = forms.DateField(
        required=False,
        label=_("Week"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any day of the week for a KPI value."),
    )
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("interaction", "survey_comment", "qa_evaluation") and not data.get("external_id"):
            self.add_error("external_id", _("Which contact?"))
        if kind == "kpi" and not (data.get("kpi") and data.get("week")):
            self.add_error("kpi", _("A KPI and a week are needed."))
        return data


class ActionItemForm(forms.Form):
    description = forms.CharField(max_length=300, label=_("Action item"))
    owner = forms.ChoiceField(label=_("Owner"), choices=[("agent", _("The agent")), ("coach", _("The coach"))])
    due_on = forms.DateField(required=False, label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=SessionStatus.choices)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class NotesForm(forms.Form):
    notes = forms.CharField(required=False, label=_("Notes"), widget=forms.Textarea(attrs={"rows": 6}))


class RequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What would you like to talk about?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class SessionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *SessionStatus.choices], required=False
    )
    agent: forms.ModelChoiceField[Agent] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Agent"), empty_label=_("Any agent")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents_coachable_by(fetched_by=user)
