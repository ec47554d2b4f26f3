from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _


def queues_field() -> forms.MultipleChoiceField:
    """Queues as checkboxes; the form fills the choices with the queues the live state knows."""
    return forms.MultipleChoiceField(
        label=_("Queues"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every queue."),
    )


def queue_choices_set(form: forms.Form, field: str, queue_names: list[str]) -> None:
    cast(forms.ChoiceField, form.fields[field]).choices = [(name, name) for name in queue_names]


class QueueFilterForm(forms.Form):
    queue = queues_field()

    def __init__(self, *args, queue_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        queue_choices_set(self, "queue", queue_names)


class KioskBoardForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("Where the screen hangs, e.g. “Floor 2, by the door”.")
    )
    queues = queues_field()

    def __init__(self, *args, queue_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        queue_choices_set(self, "queues", queue_names)
