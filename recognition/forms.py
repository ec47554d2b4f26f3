from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agent

from .models import Behaviour, Visibility


class KudosForm(forms.Form):
    receiver = forms.ModelChoiceField(label=_("Agent"), queryset=Agent.objects.none())
    behaviour = forms.ChoiceField(
        label=_("Behaviour"), required=False, choices=[("", _("(none, the contact says it)"))] + Behaviour.choices
    )
    contact = forms.CharField(
        label=_("Contact ID"),
        required=False,
        max_length=200,
        help_text=_("Optional: the ID of a contact you can see."),
    )
    message = forms.CharField(
        label=_("Message"), required=False, max_length=280, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.TEAM, widget=forms.RadioSelect
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = agents

    def clean(self):
        data = super().clean()
        if not data.get("behaviour") and not data.get("contact"):
            raise forms.ValidationError(_("Say what it is for: a contact, a behaviour or both."))
        return data
