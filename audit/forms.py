from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .actions import Action
from .selectors import AuditFilters


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices])
    actor = forms.CharField(label=_("Who"), required=False, max_length=254, help_text=_("Part of an email or key name"))
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=_("Object"), required=False, max_length=200, help_text=_("Part of its name, or its id")
    )

    def __init__(self, *args, object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # the types the log holds: a new kind of object appears without a code change
        object_type = self.fields["object_type"]
        assert isinstance(object_type, forms.ChoiceField)
        object_type.choices = [("", _("Any type")), *((t, t) for t in object_types if t)]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError(_("“From” must be on or before “To”."))
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (none when the form is invalid: the page says why)."""
        if not self.is_valid():
            return AuditFilters()
        return AuditFilters(**{k: v for k, v in self.cleaned_data.items() if v not in (None, "")})
