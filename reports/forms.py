from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Team, User

from .models import Cadence, Scope
from .selectors import subscribable_recipients, subscribable_teams


class SubscriptionForm(forms.Form):
    """Admins choose the recipient; a manager's form has no such field (she subscribes herself)."""

    recipient: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None, label=_("Recipient"), empty_label=None
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, label=_("How often"))
    scope = forms.ChoiceField(label=_("Report on"))
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Team"),
        empty_label=_("(no team)"),
        help_text=_("Only for a report on one team."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        admin = user.role == Role.ADMIN
        recipient = self.fields["recipient"]
        team = self.fields["team"]
        scope = self.fields["scope"]
        assert isinstance(recipient, forms.ModelChoiceField) and isinstance(team, forms.ModelChoiceField)
        assert isinstance(scope, forms.ChoiceField)
        if admin:
            recipient.queryset = subscribable_recipients(fetched_by=user)
            recipient.help_text = _("Active managers and admins. Managers get only teams they manage.")
            recipient.label_from_instance = lambda u: (
                f"{u.get_full_name() or u.email} ({u.email}, {u.get_role_display()})"
            )
            scope.choices = Scope.choices
            scope.help_text = _("Managers: all their teams or one of them. Admins: the whole center or one team.")
        else:
            del self.fields["recipient"]
            scope.choices = [(Scope.MY_TEAMS, Scope.MY_TEAMS.label), (Scope.TEAM, Scope.TEAM.label)]
        team.queryset = subscribable_teams(fetched_by=user)
