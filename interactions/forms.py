from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ImportKind.choices, help_text=_("The format of the file."))
    file = forms.FileField(label=_("File"), help_text=_("CSV, queue_log or JSON as described in the import guide."))
