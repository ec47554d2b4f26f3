from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from .models import Agent, Role, Team, User


class UserCreateForm(forms.Form):
    email = forms.EmailField()
    first_name = forms.CharField(required=False, max_length=150)
    last_name = forms.CharField(required=False, max_length=150)
    role = forms.ChoiceField(choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.all(), required=False, help_text="For managers: the teams they manage."
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("A user with this email already exists.")
        return email


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "managers"]
        widgets = {"managers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managers"].queryset = User.objects.filter(role=Role.MANAGER)
        self.fields["managers"].required = False


class AgentForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ["display_name", "team"]


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
    email = forms.EmailField(help_text="The agent receives a link to choose a password.")

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("A user with this email already exists.")
        return email


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="What uses this key, e.g. 'CRM nightly export'.")


class EmailAuthenticationForm(AuthenticationForm):
    """Users log in with their email address (stored as the username)."""

    username = UsernameField(label="Email", widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def clean_username(self):
        return self.cleaned_data["username"].lower()
