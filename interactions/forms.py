from django import forms

from .models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, help_text="The format of the file.")
    file = forms.FileField(help_text="CSV, queue_log or JSON as described in the import guide.")
