from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import SUBSCRIBABLE_EVENTS, Event


class HttpURLField(forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https"], message=_("Enter an http:// or https:// URL."))]
    default_error_messages = {"invalid": _("Enter an http:// or https:// URL.")}


class EndpointForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What receives it, e.g. “#cx-alerts on Slack”.")
    )
    url = HttpURLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Events are POSTed here as JSON. A Slack incoming webhook URL works as it is."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(value, label) for value, label in Event.choices if value in SUBSCRIBABLE_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tests are always sent, whatever is chosen."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
