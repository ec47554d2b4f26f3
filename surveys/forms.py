"""Forms of customer surveys: the definition, the public answer, follow-ups and filters."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from .models import DEFAULT_QUESTIONS, SCORE_RANGES, Survey, SurveyKind

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def _shares(value, label: str) -> dict:
    if not isinstance(value, dict):
        raise forms.ValidationError(f'{label}: write an object such as {{"chat": 50}}.')
    for key, pct in value.items():
        if not isinstance(pct, int | float) or not 0 <= pct <= 100:
            raise forms.ValidationError(f"{label}: the share for {key!r} must be a number from 0 to 100.")
    return value


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["kind", "name", "question", "follow_up_question", "languages", "sample_pct",
                  "sample_pct_by_channel", "sample_pct_by_queue", "cooldown_days", "link_valid_days"]
        labels = {"sample_pct": "Share of handled contacts to invite (%)",
                  "sample_pct_by_channel": "Share per channel (%)",
                  "sample_pct_by_queue": "Share per queue (%)",
                  "follow_up_question": "Follow-up question (free text, optional)",
                  "link_valid_days": "Link valid for (days)"}
        help_texts = {
            "question": "Leave empty for the kind's standard wording.",
            "sample_pct_by_channel": 'Overrides the share for a channel, e.g. {"chat": 50, "voice": 10}.',
            "sample_pct_by_queue": 'Overrides channel and overall share for a queue, e.g. {"Billing": 100}.',
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].required = False
        self.fields["sample_pct"].validators += [MinValueValidator(0), MaxValueValidator(100)]
        self.fields["sample_pct_by_channel"].required = False
        self.fields["sample_pct_by_queue"].required = False
        if self.instance.pk:  # the kind decides the scale of every answer already given
            self.fields["kind"].disabled = True

    def clean_languages(self) -> str:
        codes = [c.strip() for c in self.cleaned_data["languages"].split(",") if c.strip()]
        bad = [c for c in codes if not LANGUAGE_CODE.match(c)]
        if not codes or bad:
            raise forms.ValidationError("Write language codes separated by commas, e.g. en, de, fr-CA.")
        return ",".join(codes)

    def clean_sample_pct_by_channel(self):
        return _shares(self.cleaned_data.get("sample_pct_by_channel") or {}, "Share per channel")

    def clean_sample_pct_by_queue(self):
        return _shares(self.cleaned_data.get("sample_pct_by_queue") or {}, "Share per queue")

    def clean(self):
        data = super().clean()
        if not data.get("question") and data.get("kind"):
            data["question"] = DEFAULT_QUESTIONS[data["kind"]]
        return data


class AnswerForm(forms.Form):
    """The customer's answer; the scale comes from the survey's kind."""

    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = SCORE_RANGES[kind]
        self.fields["score"] = forms.TypedChoiceField(
            choices=[(n, str(n)) for n in range(low, high + 1)], coerce=int,
            widget=forms.RadioSelect, error_messages={"required": "Please choose a score."})


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           label="What was done")


class ResultsForm(forms.Form):
    kind = forms.ChoiceField(choices=SurveyKind.choices, initial="csat")
    group_by = forms.ChoiceField(choices=[("team", "Team"), ("agent", "Agent"), ("queue", "Queue"),
                                          ("interaction_type", "Interaction type")], initial="team",
                                 required=False)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ChoiceField(required=False)
    agent = forms.ChoiceField(required=False)
    score_min = forms.IntegerField(required=False, min_value=0, max_value=10, label="Score from")
    score_max = forms.IntegerField(required=False, min_value=0, max_value=10, label="Score to")

    def __init__(self, *args, teams, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All my teams")] + [(t.name, t.name) for t in teams]
        self.fields["agent"].choices = [("", "All agents")] + [(a.acd_login, str(a)) for a in agents]
