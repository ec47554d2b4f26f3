"""The agent's own recognitions, the give-kudos form and the team feed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import own_agent
from common.access import ADMIN, AGENT, MANAGER, role_required
from interactions.selectors import interactions_visible_to

from .forms import KudosForm
from .models import Milestone
from .selectors import (
    feed_items,
    feed_teams,
    kudos_visible_to,
    milestones_private_by_preference,
    milestones_visible_to,
    team_feed,
)
from .services import agents_to_thank, kudos_give, milestone_privacy_set, milestones_preference_set

PAGE_SIZE = 25


@role_required(AGENT)
def my_recognitions(request):
    agent = own_agent(fetched_by=request.user)
    if agent is None:
        kudos, milestones, all_private = Paginator([], PAGE_SIZE).get_page(1), [], False
    else:
        received = kudos_visible_to(fetched_by=request.user).filter(receiver=agent).order_by("-created_at", "-pk")
        kudos = Paginator(received, PAGE_SIZE).get_page(request.GET.get("page"))
        milestones = list(milestones_visible_to(fetched_by=request.user).filter(agent=agent))
        all_private = milestones_private_by_preference(agent=agent)
    return render(
        request,
        "recognition/mine.html",
        {"agent": agent, "page": kudos, "milestones": milestones, "all_private": all_private},
    )


@role_required(AGENT)
@require_POST
def milestone_privacy(request, pk: int):
    # Only the agent's own milestones: anyone else's is a 404, as if it did not exist.
    milestone = get_object_or_404(Milestone.objects.select_related("agent"), pk=pk, agent__user=request.user)
    private = request.POST.get("private") == "1"
    milestone_privacy_set(milestone=milestone, by=request.user, private=private)
    messages.success(request, _("Only you see this milestone now.") if private else _("Your team sees this milestone."))
    return redirect("my_recognitions")


@role_required(AGENT)
@require_POST
def milestones_preference(request):
    agent = own_agent(fetched_by=request.user)
    if agent is None:
        raise Http404
    private = request.POST.get("private") == "1"
    milestones_preference_set(agent=agent, by=request.user, private=private)
    messages.success(
        request,
        _("All your milestones are private, the ones to come too.")
        if private
        else _("Your milestones follow their own setting again."),
    )
    return redirect("my_recognitions")


@role_required(MANAGER, AGENT)
def give_kudos(request):
    agents = agents_to_thank(giver=request.user).order_by("display_name", "acd_login")
    initial = {"receiver": request.GET.get("agent") or None, "contact": request.GET.get("contact", "")}
    form = KudosForm(request.POST or None, agents=agents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        interaction = None
        if data["contact"]:
            interaction = interactions_visible_to(fetched_by=request.user).filter(external_id=data["contact"]).first()
            if interaction is None:
                form.add_error("contact", _("No contact with this ID that you can see."))
        if not form.errors:
            try:
                kudos_give(
                    giver=request.user,
                    receiver=data["receiver"],
                    behaviour=data["behaviour"],
                    interaction=interaction,
                    message=data["message"],
                    visibility=data["visibility"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Kudos sent to %(agent)s.") % {"agent": data["receiver"]})
                return redirect("team_recognitions")
    return render(request, "recognition/give.html", {"form": form, "has_agents": agents.exists()})


@role_required(ADMIN, MANAGER, AGENT)
def team_feed_view(request):
    page = Paginator(team_feed(fetched_by=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/team.html",
        {"page": page, "items": feed_items(page.object_list), "teams": list(feed_teams(fetched_by=request.user))},
    )
