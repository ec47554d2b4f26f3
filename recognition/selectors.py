"""Who sees which recognition. Kudos: a public one (visibility "team") is seen by the team it
was given in (its agents and managers) and admins; a private one by its giver, its receiver
and the receiver's managers only. Milestones: the agent always; others only when neither the
milestone nor the agent's preference makes it private. A private milestone is hidden from
managers too: the issue asks that it be invisible to others, and a milestone the agent keeps
for themself must not turn into material for a review.

Nothing here counts or orders recognitions per person: lists are in time order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.urls import reverse

from accounts.models import Agent, Role, Team, User
from common.periods import DAY, local_period_range
from tenants.current import current_tenant

from .models import Kudos, Milestone, RecognitionPreference, Visibility

HOME_ITEMS = 5


def _own_agent(user) -> Agent | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Agent.objects.filter(user=user).first()


def kudos_visible_to(*, fetched_by) -> QuerySet[Kudos]:
    rows = Kudos.objects.select_related("giver", "receiver", "team", "interaction")
    role = getattr(fetched_by, "role", None)
    public = Q(visibility=Visibility.TEAM)
    if role == Role.ADMIN:
        return rows.filter(public)
    if role == Role.MANAGER:
        return rows.filter(
            (public & Q(team__managers=fetched_by)) | Q(giver=fetched_by) | Q(receiver__team__managers=fetched_by)
        ).distinct()
    if role == Role.AGENT:
        own = _own_agent(fetched_by)
        mine = Q(giver=fetched_by) | Q(receiver__user=fetched_by)
        if own is not None and own.team_id is not None:
            return rows.filter(mine | (public & Q(team_id=own.team_id)))
        return rows.filter(mine)
    return rows.none()


def _shared() -> Q:
    """Milestones the agent lets others see."""
    chose_private = RecognitionPreference.objects.filter(agent=OuterRef("agent"), milestones_private=True)
    return Q(private=False) & ~Q(Exists(chose_private))


def milestones_visible_to(*, fetched_by) -> QuerySet[Milestone]:
    rows = Milestone.objects.select_related("agent", "agent__team")
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return rows.filter(_shared())
    if role == Role.MANAGER:
        return rows.filter(_shared(), agent__team__managers=fetched_by).distinct()
    if role == Role.AGENT:
        own = _own_agent(fetched_by)
        if own is None:
            return rows.none()
        teammates = Q(agent__team_id=own.team_id) & _shared() if own.team_id else Q(pk__in=[])
        return rows.filter(Q(agent=own) | teammates)
    return rows.none()


def milestones_private_by_preference(*, agent: Agent) -> bool:
    preference = RecognitionPreference.objects.filter(agent=agent).first()
    return bool(preference and preference.milestones_private)


def feed_teams(*, fetched_by) -> QuerySet[Team]:
    """The teams whose feed the user reads: an agent's own, a manager's, every team for admins."""
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return Team.objects.all()
    if role == Role.MANAGER:
        return Team.objects.filter(managers=fetched_by)
    if role == Role.AGENT:
        return Team.objects.filter(agents__user=fetched_by)
    return Team.objects.none()


def team_feed(*, fetched_by) -> QuerySet:
    """Public kudos and shared milestones of the user's teams, newest first, one row per
    recognition (what, id, at), to paginate before loading the page's objects (feed_items).
    Private kudos and milestones never enter it, not even the reader's own."""
    teams = feed_teams(fetched_by=fetched_by)
    kudos = (
        Kudos.objects.filter(visibility=Visibility.TEAM, team__in=teams)
        .annotate(what=Value("kudos", output_field=CharField()), at=F("created_at"))
        .values_list("what", "pk", "at")
    )
    milestones = (
        Milestone.objects.filter(_shared(), agent__team__in=teams)
        .annotate(what=Value("milestone", output_field=CharField()), at=F("achieved_at"))
        .values_list("what", "pk", "at")
    )
    return kudos.union(milestones, all=True).order_by("-at", "-what", "-pk")


@dataclass
class FeedItem:
    at: dt.datetime
    kudos: Kudos | None = None
    milestone: Milestone | None = None


def feed_items(rows) -> list[FeedItem]:
    """The objects of one page of team_feed, in the page's order (two queries, whatever its size)."""
    rows = list(rows)
    kudos = Kudos.objects.select_related("giver", "receiver", "interaction").in_bulk(
        [pk for what, pk, _ in rows if what == "kudos"]
    )
    milestones = Milestone.objects.select_related("agent").in_bulk([pk for what, pk, _ in rows if what == "milestone"])
    return [
        FeedItem(at, kudos=kudos.get(pk)) if what == "kudos" else FeedItem(at, milestone=milestones.get(pk))
        for what, pk, at in rows
    ]


@dataclass
class HomeRecognitions:
    kudos: list[Kudos] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    link: str = ""


def recognitions_for_home(*, agent: Agent, fetched_by: User) -> HomeRecognitions:
    """The agent's latest kudos received and milestones, as ``fetched_by`` may see them (the
    agent themself sees their private ones too)."""
    kudos = kudos_visible_to(fetched_by=fetched_by).filter(receiver=agent).order_by("-created_at", "-pk")
    milestones = milestones_visible_to(fetched_by=fetched_by).filter(agent=agent).order_by("-achieved_at", "-pk")
    return HomeRecognitions(
        kudos=list(kudos[:HOME_ITEMS]),
        milestones=list(milestones[:HOME_ITEMS]),
        link=reverse("my_recognitions") if agent.user_id == getattr(fetched_by, "pk", None) else "",
    )


@dataclass
class TeamRecognition:
    team: Team
    at: dt.datetime
    agent: Agent
    kudos: Kudos | None = None
    milestone: Milestone | None = None


def team_recognitions(*, manager: User, since: dt.date, until: dt.date) -> list[TeamRecognition]:
    """Public kudos and shared milestones of the manager's teams from local day ``since`` to
    ``until`` (both included), oldest first; the weekly digest lists them per team."""
    tz = current_tenant().tz
    start, _ = local_period_range(DAY, since, tz)
    _, end = local_period_range(DAY, until, tz)
    teams = {team.pk: team for team in Team.objects.filter(managers=manager)}
    kudos = Kudos.objects.select_related("giver", "receiver", "interaction").filter(
        visibility=Visibility.TEAM, team_id__in=teams, created_at__gte=start, created_at__lt=end
    )
    milestones = Milestone.objects.select_related("agent").filter(
        _shared(), agent__team_id__in=teams, achieved_at__gte=start, achieved_at__lt=end
    )
    # both filters keep team ids of ``teams`` only, never None
    items = [TeamRecognition(teams[k.team_id or 0], k.created_at, k.receiver, kudos=k) for k in kudos]
    items += [TeamRecognition(teams[m.agent.team_id or 0], m.achieved_at, m.agent, milestone=m) for m in milestones]
    return sorted(items, key=lambda item: item.at)
