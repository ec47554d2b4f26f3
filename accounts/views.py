import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, AGENT, MANAGER, public_view, role_required
from common.client_address import client_ip
from tenants.current import current_schema_name

from . import selectors, services
from .emails import invitation_send
from .forms import (
    AgentForm,
    AgentInviteForm,
    ApiKeyForm,
    EmailAuthenticationForm,
    RecipientLanguagePasswordResetForm,
    TeamForm,
    UserCreateForm,
)
from .login_protection import password_reset_allowed
from .models import Role

logger = logging.getLogger(__name__)


class LimitedPasswordResetView(auth_views.PasswordResetView):
    """Over the hourly limit for the address or the client, no email goes out, yet the answer
    is the usual one: it must not tell whether an account exists, nor that the limit was hit."""

    form_class = RecipientLanguagePasswordResetForm

    def form_valid(self, form):
        ip = client_ip(self.request)
        if not password_reset_allowed(email=form.cleaned_data["email"], ip=ip):
            logger.warning(
                "Password reset over the hourly limit, no email sent (schema %s, client %s)", current_schema_name(), ip
            )
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


# Django's auth pages, each declaring its audience for RoleRequiredMiddleware.
login = public_view(
    auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=EmailAuthenticationForm)
)
logout = public_view(auth_views.LogoutView.as_view())
password_reset = public_view(LimitedPasswordResetView.as_view())
password_reset_done = public_view(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = public_view(auth_views.PasswordResetConfirmView.as_view())
password_reset_complete = public_view(auth_views.PasswordResetCompleteView.as_view())
password_change = role_required(ADMIN, MANAGER, AGENT)(auth_views.PasswordChangeView.as_view())
password_change_done = role_required(ADMIN, MANAGER, AGENT)(auth_views.PasswordChangeDoneView.as_view())


@role_required(ADMIN)
def user_list(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = services.user_create(
                email=form.cleaned_data["email"],
                password=None,
                role=form.cleaned_data["role"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                language=form.cleaned_data["language"],
            )
            if user.role == Role.MANAGER:
                services.manager_teams_set(manager=user, teams=form.cleaned_data["teams"])
        invitation_send(request=request, user=user)
        messages.success(
            request, _("%(email)s was created and emailed a link to set a password.") % {"email": user.email}
        )
        return redirect("user_list")
    status = request.GET.get("status", "")
    page = Paginator(selectors.users_list(status=status), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "status": status, "form": form})


@role_required(ADMIN)
def team_list(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(**form.cleaned_data)
        messages.success(request, _("Team %(name)s created.") % {"name": team.name})
        return redirect("team_list")
    return render(
        request, "accounts/team_list.html", {"teams": selectors.teams_visible_to(fetched_by=request.user), "form": form}
    )


@role_required(ADMIN)
def team_edit(request, pk):
    team = get_object_or_404(selectors.teams_visible_to(fetched_by=request.user), pk=pk)
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        services.team_update(team=team, **form.cleaned_data)
        messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
        return redirect("team_list")
    return render(request, "accounts/team_edit.html", {"team": team, "form": form})


@role_required(ADMIN, MANAGER)
def agent_list(request):
    agents = selectors.agents_visible_to(fetched_by=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        agents = agents.filter(acd_login__icontains=query) | agents.filter(display_name__icontains=query)
    page = Paginator(agents, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/agent_list.html", {"page": page, "q": query})


@role_required(ADMIN)
def agent_edit(request, pk):
    agent = get_object_or_404(selectors.agents_visible_to(fetched_by=request.user), pk=pk)
    form = AgentForm(request.POST or None, instance=agent)
    invite = AgentInviteForm(prefix="invite")
    if request.method == "POST" and form.is_valid():
        services.agent_update(agent=agent, **form.cleaned_data)
        messages.success(request, _("Agent %(login)s saved.") % {"login": agent.acd_login})
        return redirect("agent_list")
    return render(request, "accounts/agent_edit.html", {"agent": agent, "form": form, "invite": invite})


@role_required(ADMIN)
@require_POST
def agent_invite(request, pk):
    agent = get_object_or_404(selectors.agents_visible_to(fetched_by=request.user), pk=pk)
    invite = AgentInviteForm(request.POST, prefix="invite")
    if agent.user_id:
        messages.error(
            request,
            _("%(login)s already has a login (%(email)s).") % {"login": agent.acd_login, "email": agent.user.email},
        )
    elif invite.is_valid():
        user = services.agent_invite(
            agent=agent, email=invite.cleaned_data["email"], language=invite.cleaned_data["language"]
        )
        invitation_send(request=request, user=user)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
        return redirect("agent_list")
    return render(
        request, "accounts/agent_edit.html", {"agent": agent, "form": AgentForm(instance=agent), "invite": invite}
    )


@role_required(ADMIN)
def apikey_list(request):
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.apikey_create(name=form.cleaned_data["name"], created_by=request.user)
        form = ApiKeyForm()
    return render(
        request, "accounts/apikey_list.html", {"keys": selectors.apikeys_list(), "form": form, "new_key": new_key}
    )


@role_required(ADMIN)
@require_POST
def apikey_revoke(request, pk):
    key = get_object_or_404(selectors.apikeys_list(), pk=pk)
    services.apikey_revoke(key=key, by=request.user)
    messages.success(request, _("Key %(name)s revoked: it no longer works.") % {"name": key.name})
    return redirect("apikey_list")
