"""Forms of the agent effort pulse. The ranges are checked again by surveys.effort."""

from django import forms
from django.utils.translation import gettext_lazy as _

from interactions.models import InteractionType

from .effort import COMMENT_MAX, EVERY_DAYS_MAX

# The words at both ends of each 1–7 scale; the template puts them in the labels of 1 and 7
# so a screen reader announces them with the radio button, not only in a visual legend.
SCALES = {
    "effort": (
        _("How much effort did it take to do your job well over the last days?"),
        _("very little effort"),
        _("a great deal of effort"),
    ),
    "tools": (_("How much did the tools (phone, CRM, screens) get in your way?"), _("not at all"), _("constantly")),
    "knowledge_base": (_("How hard was it to find answers in the knowledge base?"), _("very easy"), _("very hard")),
    "process": (_("How much did processes and rules get in your way?"), _("not at all"), _("constantly")),
}
CHOICES = [(str(value), str(value)) for value in range(1, 8)]


class EffortPulseForm(forms.Form):
    effort = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.RadioSelect,
        label=SCALES["effort"][0],
        error_messages={"required": _("Choose how much effort it took, from 1 to 7.")},
    )
    tools = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False, label=SCALES["tools"][0])
    knowledge_base = forms.ChoiceField(
        choices=CHOICES, widget=forms.RadioSelect, required=False, label=SCALES["knowledge_base"][0]
    )
    process = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False, label=SCALES["process"][0])
    hardest_types = forms.ModelMultipleChoiceField(
        queryset=InteractionType.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Which kinds of contacts are hardest to handle?"),
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything else? (optional)"),
        help_text=_("Your manager never sees your comment; it stays in your own history."),
    )

    def scales(self):
        """(bound field, question, low words, high words) per scale, in order, for the template."""
        return [(self[name], question, low, high) for name, (question, low, high) in SCALES.items()]


class EffortSettingsForm(forms.Form):
    every_days = forms.IntegerField(
        min_value=1,
        max_value=EVERY_DAYS_MAX,
        label=_("Ask each agent every"),
        help_text=_("Days between two pulses of one agent (7 = weekly)."),
    )
    is_active = forms.BooleanField(
        required=False, label=_("The pulse is on"), help_text=_("When off, agents are not asked and cannot answer.")
    )
