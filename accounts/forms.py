from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.utils.translation import gettext_lazy as _

from common.i18n import recipient_language

from .models import Agent, Role, Team, User


def _language_field(help_text) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
        required=False,
        help_text=help_text,
    )


class UserCreateForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        help_text=_("For managers: the teams they manage."),
    )
    language = _language_field(_("The language of the invitation email and, until they choose, of their emails."))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("A user with this email already exists."))
        return email


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "managers"]
        labels = {"name": _("Name"), "managers": _("Managers")}
        widgets = {"managers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managers"].queryset = User.objects.filter(role=Role.MANAGER)
        self.fields["managers"].required = False


class AgentForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ["display_name", "team"]
        labels = {"display_name": _("Display name"), "team": _("Team")}


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ManagerTeamsForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams managed"), queryset=Team.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class AgentTeamForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        empty_label=_("No team"),
        help_text=_("Moving an agent recomputes the KPI history of both teams."),
    )


class AgentInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), help_text=_("The agent receives a link to choose a password."))
    language = _language_field(_("The language of the invitation email."))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("A user with this email already exists."))
        return email


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("What uses this key, e.g. 'CRM nightly export'.")
    )


class PreferencesForm(forms.Form):
    language = _language_field(_("Pages and emails use this language. Dates and numbers follow it."))


class EmailAuthenticationForm(AuthenticationForm):
    """Users log in with their email address (stored as the username)."""

    username = UsernameField(
        label=_("Email"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class RecipientLanguagePasswordResetForm(PasswordResetForm):
    """The reset email speaks the account's language, not that of whoever typed the address."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with recipient_language(context["user"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
