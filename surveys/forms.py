"""Forms of customer surveys: the definition, the public answer, follow-ups and filters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from .models import DEFAULT_QUESTIONS, SCORE_RANGES, Survey, SurveyKind

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def language_name(code: str, *, local: bool = False) -> str:
    """ "German" in the reader's language (or "Deutsch" with local=True) for "de"; the code itself
    when Django does not know it."""
    try:
        info = get_language_info(code.lower())
    except KeyError:
        return code
    return str(info["name_local" if local else "name_translated"])


def _is_english(code: str) -> bool:
    return code.split("-")[0].lower() == "en"


def _codes(value) -> list[str]:
    """The valid language codes of a comma-separated value, in order, once each ([] if any is invalid)."""
    codes = list(dict.fromkeys(c.strip() for c in str(value or "").split(",") if c.strip()))
    return codes if all(LANGUAGE_CODE.match(c) for c in codes) else []


def _shares(value, label: str) -> dict:
    if not isinstance(value, dict):
        raise forms.ValidationError(_('%(label)s: write an object such as {"chat": 50}.') % {"label": label})
    for key, pct in value.items():
        if not isinstance(pct, int | float) or not 0 <= pct <= 100:
            raise forms.ValidationError(
                _("%(label)s: the share for %(key)r must be a number from 0 to 100.") % {"label": label, "key": key}
            )
    return value


class SurveyForm(forms.ModelForm):
    """The definition of a survey. The question and follow-up question are the wording in the
    first language listed; every further language gets a pair of fields of its own
    (question_<code>, follow_up_question_<code>), built from the languages of the submitted
    data, so an admin who adds a language and saves sees its fields, marked as missing.

    The page also sends the languages its fields were shown for (shown_languages): wording is
    matched by language, so reordering the languages (a new first one) moves each wording
    to its language instead of relabelling it."""

    class Meta:
        model = Survey
        fields = [
            "kind",
            "name",
            "languages",
            "question",
            "follow_up_question",
            "sample_pct",
            "sample_pct_by_channel",
            "sample_pct_by_queue",
            "cooldown_days",
            "link_valid_days",
        ]
        labels = {
            "kind": gettext_lazy("Kind"),
            "name": gettext_lazy("Name"),
            "languages": gettext_lazy("Languages"),
            "sample_pct": gettext_lazy("Share of handled contacts to invite (%)"),
            "sample_pct_by_channel": gettext_lazy("Share per channel (%)"),
            "sample_pct_by_queue": gettext_lazy("Share per queue (%)"),
            "cooldown_days": gettext_lazy("Cooldown days"),
            "link_valid_days": gettext_lazy("Link valid for (days)"),
        }
        help_texts = {
            "languages": gettext_lazy(
                "Comma-separated codes, first the main one, e.g. en, de, fr-CA. After adding one, "
                "save: its question fields appear below the follow-up question."
            ),
            "sample_pct_by_channel": gettext_lazy('Overrides the share for a channel, e.g. {"chat": 50, "voice": 10}.'),
            "sample_pct_by_queue": gettext_lazy(
                'Overrides channel and overall share for a queue, e.g. {"Billing": 100}.'
            ),
            "cooldown_days": gettext_lazy("Invite one customer at most once per this many days."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].required = False
        self.fields["sample_pct"].validators += [MinValueValidator(0), MaxValueValidator(100)]
        self.fields["sample_pct_by_channel"].required = False
        self.fields["sample_pct_by_queue"].required = False
        if self.instance.pk:  # the kind decides the scale of every answer already given
            self.fields["kind"].disabled = True
        if self.is_bound:
            codes = _codes(self.data.get("languages"))
            if codes:
                self._match_wording_to_languages(codes)
        else:
            codes = _codes(self.initial.get("languages") or self.instance.languages or "en")
        self.languages_shown = ",".join(codes)
        first = codes[0] if codes else ""
        self._add_language_fields(first, codes[1:])

    def _match_wording_to_languages(self, codes: list[str]) -> None:
        shown = _codes(self.data.get("shown_languages")) or codes
        if shown == codes:
            return
        # A QueryDict (request.POST) copies to a mutable QueryDict, its lists kept; any other mapping to a dict.
        data: QueryDict | dict[str, Any] = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        posted = {shown[0]: (data.get("question", ""), data.get("follow_up_question", ""))}
        for code in shown[1:]:
            posted[code] = (data.get(f"question_{code}", ""), data.get(f"follow_up_question_{code}", ""))
        stored = {}
        if self.instance.pk:
            stored = {code: tuple(self.instance.wording(code).values()) for code in self.instance.offered_languages}
        if codes[0] in posted or codes[0] in stored:
            main = posted.get(codes[0]) or stored[codes[0]]
        else:  # a new first language, typed together with its question: the main fields are its wording
            main = posted[shown[0]] if shown[0] not in codes else ("", "")
        data["question"], data["follow_up_question"] = main
        for code in codes[1:]:
            question, follow_up = posted.get(code) or stored.get(code) or ("", "")
            data[f"question_{code}"], data[f"follow_up_question_{code}"] = question, follow_up
        self.data = data

    def _add_language_fields(self, first: str, others: list[str]) -> None:
        first_name = f"{language_name(first)} ({first})" if first else _("first language")
        self.fields["question"].label = _("Question in %(language)s") % {"language": first_name}
        self.fields["question"].help_text = (
            _("Leave empty for the kind's standard wording.") if _is_english(first or "en") else ""
        )
        self.fields["follow_up_question"].label = _("Follow-up question in %(language)s, free text (optional)") % {
            "language": first_name
        }
        saved = self.instance.translations or {}
        names = []
        for code in others:
            name = f"{language_name(code)} ({code})"
            english = _is_english(code)
            self.fields[f"question_{code}"] = forms.CharField(
                max_length=300,
                required=not english,
                label=_("Question in %(language)s") % {"language": name},
                initial=(saved.get(code) or {}).get("question", ""),
                help_text=_("Leave empty for the kind's standard wording.") if english else "",
                error_messages={
                    "required": _("Enter the question in %(language)s, or remove the language from the list.")
                    % {"language": language_name(code)}
                },
            )
            self.fields[f"follow_up_question_{code}"] = forms.CharField(
                max_length=300,
                required=False,
                label=_("Follow-up question in %(language)s") % {"language": name},
                initial=(saved.get(code) or {}).get("follow_up_question", ""),
                help_text=_("Needed when the survey asks a follow-up question."),
            )
            names += [f"question_{code}", f"follow_up_question_{code}"]
        self.order_fields(["kind", "name", "languages", "question", "follow_up_question", *names])
        self._other_languages = others

    def clean_languages(self) -> str:
        codes = _codes(self.cleaned_data["languages"])
        if not codes:
            raise forms.ValidationError(_("Write language codes separated by commas, e.g. en, de, fr-CA."))
        return ",".join(codes)

    def clean_sample_pct_by_channel(self):
        return _shares(self.cleaned_data.get("sample_pct_by_channel") or {}, _("Share per channel"))

    def clean_sample_pct_by_queue(self):
        return _shares(self.cleaned_data.get("sample_pct_by_queue") or {}, _("Share per queue"))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        codes = _codes(data.get("languages"))
        if not codes or not kind:
            return data
        if not data.get("question"):
            if _is_english(codes[0]):
                data["question"] = DEFAULT_QUESTIONS[kind]
            else:
                self.add_error(
                    "question", _("Enter the question in %(language)s.") % {"language": language_name(codes[0])}
                )
        wording = {}
        for code in self._other_languages:
            if f"question_{code}" not in data:  # already refused by the field
                continue
            question = data[f"question_{code}"] or (DEFAULT_QUESTIONS[kind] if _is_english(code) else "")
            wording[code] = {"question": question, "follow_up_question": data.get(f"follow_up_question_{code}", "")}
        # A follow-up question is asked in every language or in none.
        if data.get("follow_up_question"):
            for code, words in wording.items():
                if not words["follow_up_question"]:
                    self.add_error(
                        f"follow_up_question_{code}",
                        _("Enter the follow-up question in %(language)s too.") % {"language": language_name(code)},
                    )
        elif any(words["follow_up_question"] for words in wording.values()):
            self.add_error(
                "follow_up_question",
                _("Enter the follow-up question in %(language)s too, or leave it empty in every language.")
                % {"language": language_name(codes[0])},
            )
        self._translations = wording
        return data

    @property
    def translations(self) -> dict:
        """The wording in every further language, as clean() read it (before: the stored one)."""
        return getattr(self, "_translations", self.instance.translations)


class AnswerForm(forms.Form):
    """The customer's answer; the scale comes from the survey's kind."""

    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = SCORE_RANGES[kind]
        self.fields["score"] = forms.TypedChoiceField(
            choices=[(n, str(n)) for n in range(low, high + 1)],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": gettext_lazy("Please choose a score.")},
        )


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("What was done")
    )


class ResultsForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SurveyKind.choices, initial="csat")
    group_by = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        choices=[
            ("team", gettext_lazy("Team")),
            ("agent", gettext_lazy("Agent")),
            ("queue", gettext_lazy("Queue")),
            ("interaction_type", gettext_lazy("Interaction type")),
        ],
        initial="team",
        required=False,
    )
    start = forms.DateField(label=gettext_lazy("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("End"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ChoiceField(label=gettext_lazy("Team"), required=False)
    agent = forms.ChoiceField(label=gettext_lazy("Agent"), required=False)
    score_min = forms.IntegerField(required=False, min_value=0, max_value=10, label=gettext_lazy("Score from"))
    score_max = forms.IntegerField(required=False, min_value=0, max_value=10, label=gettext_lazy("Score to"))

    def __init__(self, *args, teams, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All my teams"))] + [(t.name, t.name) for t in teams]
        self.fields["agent"].choices = [("", _("All agents"))] + [(a.acd_login, str(a)) for a in agents]
