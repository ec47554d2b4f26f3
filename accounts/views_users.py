"""An admin's page per user: deactivate and reactivate, change the role, assign teams.

Every action is a POST to its own URL calling one service of accounts.services; users of
another contact center live in another schema, so they are a 404 here like unknown ids."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, role_required

from . import selectors, services
from .forms import AgentTeamForm, ManagerTeamsForm, UserRoleForm
from .models import Agent, Role


def _user(pk):
    return get_object_or_404(selectors.users_list(), pk=pk)


def _teams_form(user, data=None):
    if user.role == Role.MANAGER:
        return ManagerTeamsForm(data, initial={"teams": list(user.managed_teams.all())})
    agent = Agent.objects.filter(user=user).first()
    if user.role == Role.AGENT and agent is not None:
        return AgentTeamForm(data, initial={"team": agent.team_id})
    return None


def _detail(request, user, *, role_form=None, teams_form=None, status=200):
    context = {
        "target": user,
        "is_self": user.pk == request.user.pk,
        "role_form": role_form or UserRoleForm(initial={"role": user.role}),
        "teams_form": teams_form or _teams_form(user),
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@role_required(ADMIN)
def user_detail(request, pk):
    return _detail(request, _user(pk))


@role_required(ADMIN)
def user_deactivate(request, pk):
    """GET asks for confirmation (works without JavaScript); POST deactivates."""
    user = _user(pk)
    if request.method != "POST":
        return render(request, "accounts/user_deactivate.html", {"target": user})
    try:
        services.user_deactivate(user=user, by=request.user)
    except services.UserLifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(email)s is deactivated: logged out everywhere, and their API keys stop.") % {"email": user.email},
        )
    return redirect("user_detail", pk=user.pk)


@role_required(ADMIN)
@require_POST
def user_reactivate(request, pk):
    user = services.user_reactivate(user=_user(pk))
    messages.success(request, _("%(email)s can log in again.") % {"email": user.email})
    return redirect("user_detail", pk=user.pk)


@role_required(ADMIN)
@require_POST
def user_role(request, pk):
    user = _user(pk)
    form = UserRoleForm(request.POST)
    if not form.is_valid():
        return _detail(request, user, role_form=form, status=400)
    try:
        services.user_role_change(user=user, role=form.cleaned_data["role"], by=request.user)
    except services.UserLifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(email)s is now %(role)s.") % {"email": user.email, "role": user.get_role_display()}
        )
    return redirect("user_detail", pk=user.pk)


@role_required(ADMIN)
@require_POST
def user_teams(request, pk):
    user = _user(pk)
    form = _teams_form(user, request.POST)
    if form is None:
        messages.error(request, _("This user has no teams to assign."))
        return redirect("user_detail", pk=user.pk)
    if not form.is_valid():
        return _detail(request, user, teams_form=form, status=400)
    if isinstance(form, ManagerTeamsForm):
        chosen = list(form.cleaned_data["teams"])
    else:
        chosen = [form.cleaned_data["team"]] if form.cleaned_data["team"] else []
    try:
        services.user_teams_set(user=user, teams=chosen)
    except services.UserLifecycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Teams of %(email)s saved.") % {"email": user.email})
    return redirect("user_detail", pk=user.pk)
