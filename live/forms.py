from django import forms
from django.utils.translation import gettext_lazy as _


class QueueFilterForm(forms.Form):
    queue = forms.MultipleChoiceField(
        label=_("Queues"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every queue."),
    )

    def __init__(self, *args, queue_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [(name, name) for name in queue_names]


class KioskBoardForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("Where the screen hangs, e.g. “Floor 2, by the door”.")
    )
    queues = forms.MultipleChoiceField(
        label=_("Queues"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every queue."),
    )

    def __init__(self, *args, queue_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queues"].choices = [(name, name) for name in queue_names]
