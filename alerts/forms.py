"""The alert rule form. Validation lives in alerts.services (the view shows its refusals next
to the field); this form only turns the page's inputs into the service's arguments."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WINDOW_CHOICES, Kind
from .services import recipient_choices


class RecipientChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}> ({obj.get_role_display()})" if name else f"{obj.email} ({obj.get_role_display()})"


class AlertRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Condition"), choices=Kind.choices)
    threshold = forms.FloatField(
        label=_("Threshold"),
        required=False,
        help_text=_(
            "Percent for service level and abandonment (0 to 100), seconds for the longest wait. "
            "Not used for calls waiting with no agent ready."
        ),
    )
    window_minutes = forms.TypedChoiceField(
        label=_("Window"),
        choices=WINDOW_CHOICES,
        coerce=int,
        initial=15,
        help_text=_("Service level and abandonment: the contacts that left the queue in this window."),
    )
    queue = forms.CharField(
        label=_("Queue"),
        required=False,
        max_length=120,
        help_text=_("Leave blank for the whole center."),
        widget=forms.TextInput(attrs={"list": "queue-names", "autocomplete": "off"}),
    )
    min_contacts = forms.IntegerField(
        label=_("Minimum contacts"),
        min_value=1,
        initial=10,
        help_text=_(
            "Service level and abandonment only: a window with fewer contacts is not judged. "
            "No alert fires, and an ongoing one counts as recovered."
        ),
    )
    recipients = RecipientChoice(
        label=_("Email these people"),
        queryset=recipient_choices().order_by("email"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Admins and managers of this center."),
    )
    extra_emails = forms.CharField(
        label=_("Other addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, or separated by commas (a team mailbox, an on-call address)."),
    )
    webhook = forms.BooleanField(
        label=_("Send to webhooks"),
        required=False,
        initial=True,
        help_text=_("Endpoints subscribed to alert.fired and alert.recovered receive it."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["extra_emails"] = [a for a in re.split(r"[\s,;]+", data.get("extra_emails") or "") if a]
        return data

    @classmethod
    def initial_of(cls, rule) -> dict:
        return {
            "name": rule.name,
            "kind": rule.kind,
            "threshold": rule.threshold,
            "window_minutes": rule.window_minutes,
            "queue": rule.queue,
            "min_contacts": rule.min_contacts,
            "recipients": list(rule.recipients.all()),
            "extra_emails": "\n".join(rule.extra_emails),
            "webhook": rule.webhook,
            "is_active": rule.is_active,
        }
