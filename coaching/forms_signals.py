"""Forms of the signals and exclusions pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExclusionReason


class ExclusionAddForm(forms.Form):
    external_id = forms.CharField(
        label=_("Contact ID"), max_length=200, help_text=_("The contact's ID in your ACD or CRM (its external ID).")
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=ExclusionReason.choices)
    note = forms.CharField(
        required=False,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, for whoever reads the audit later."),
    )

    def __init__(self, *args, interactions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.interactions = interactions

    def clean_external_id(self):
        external_id = self.cleaned_data["external_id"].strip()
        # Not found and not yours read the same.
        interaction = self.interactions.filter(external_id=external_id).first()
        if interaction is None:
            raise forms.ValidationError(_("No contact with this ID among the contacts you manage."))
        self.interaction = interaction
        return external_id
