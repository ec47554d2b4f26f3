"""Reads of customer surveys, scoped to who is asking ("not yours" looks like "not there").

Admins see everything; managers the responses and follow-ups of their teams' agents (plus
tenant-wide figures with no names, see ``results``); agents see none of these pages.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from accounts.models import Role
from common.access import INTEGRATION
from common.periods import local_days_range
from interactions.models import Interaction

from . import scoring
from .models import FollowUp, Survey, SurveyInvitation, SurveyResponse

if TYPE_CHECKING:  # django-stubs-ext is a development requirement: types only
    from django_stubs_ext import WithAnnotations

GROUPS = {
    "team": "interaction__agent__team__name",
    "agent": "interaction__agent__acd_login",
    "queue": "interaction__queue__name",
    "interaction_type": "interaction__interaction_type__name",
}


def surveys_list() -> QuerySet[Survey]:
    return Survey.objects.annotate(n_invitations=Count("invitations")).order_by("-is_active", "kind", "name")


def survey_for_code(code) -> Survey | None:
    """An active survey by id ("3", 3) or kind ("csat": the oldest active one of that kind)."""
    active = Survey.objects.filter(is_active=True)
    if isinstance(code, int) or (isinstance(code, str) and code.isdigit()):
        return active.filter(pk=int(code)).first()
    return active.filter(kind=code).order_by("pk").first()


class _Answered(TypedDict):
    answered: bool


# One indexed read by the token's unique index, in SQL written out: the public page is the
# busiest of the product (bench/surveys.py), and compiling the equivalent queryset
# (select_related, only, an Exists annotation) cost more CPU than the rest of the answer.
# Only what the page needs: the survey's wording and the contact's time, not its transcript.


def _in_model_order(model, names: set[str]) -> tuple[str, ...]:
    # Model.from_db takes the values of a subset of fields in the model's field order.
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


_INVITATION_FIELDS = _in_model_order(SurveyInvitation, {"id", "token", "expires_at", "survey_id", "interaction_id"})
_SURVEY_FIELDS = _in_model_order(
    Survey, {"id", "kind", "question", "follow_up_question", "languages", "translations", "link_valid_days"}
)
_INVITATION_SQL = f"""
    SELECT {", ".join(f"v.{name}" for name in _INVITATION_FIELDS)},
           {", ".join(f"s.{name}" for name in _SURVEY_FIELDS)},
           i.id, i.offered_at,
           EXISTS (SELECT FROM {SurveyResponse._meta.db_table} r WHERE r.invitation_id = v.id)
      FROM {SurveyInvitation._meta.db_table} v
      JOIN {Survey._meta.db_table} s ON s.id = v.survey_id
      JOIN {Interaction._meta.db_table} i ON i.id = v.interaction_id
     WHERE v.token = %s"""


def invitation_for_token(token: str) -> WithAnnotations[SurveyInvitation, _Answered] | None:
    """The invitation with its survey, its contact's offered_at and ``answered`` (bool), in one
    query by the token's unique index; other fields are deferred (loaded if ever read).
    Tokens are per schema: another tenant's token is simply unknown here."""
    with connection.cursor() as cur:
        cur.execute(_INVITATION_SQL, [token])
        row = cur.fetchone()
    if row is None:
        return None
    n_invitation, n_survey = len(_INVITATION_FIELDS), len(_SURVEY_FIELDS)
    survey_values = list(row[n_invitation : n_invitation + n_survey])
    # Django sets psycopg to hand jsonb over as text, for JSONField to decode: so do we
    translations = _SURVEY_FIELDS.index("translations")
    survey_values[translations] = json.loads(survey_values[translations])
    invitation: Any = SurveyInvitation.from_db(DEFAULT_DB_ALIAS, _INVITATION_FIELDS, row[:n_invitation])
    invitation.survey = Survey.from_db(DEFAULT_DB_ALIAS, _SURVEY_FIELDS, survey_values)
    invitation.interaction = Interaction.from_db(DEFAULT_DB_ALIAS, ("id", "offered_at"), row[-3:-1])
    invitation.answered = row[-1]
    return invitation


def _own_teams(fetched_by) -> Q | None:
    """None: everything; else the filter on a response's interaction's agent's team."""
    role = getattr(fetched_by, "role", None)
    if role in (Role.ADMIN, INTEGRATION):
        return None
    if role == Role.MANAGER:
        return Q(interaction__agent__team__managers=fetched_by)
    return Q(pk__in=[])


def responses_visible_to(*, fetched_by) -> QuerySet[SurveyResponse]:
    rows = SurveyResponse.objects.select_related(
        "interaction__agent__team", "interaction__queue", "interaction__interaction_type"
    )
    scope = _own_teams(fetched_by)
    return rows if scope is None else rows.filter(scope)


def survey_comment_of_contact(*, fetched_by, external_id: str) -> SurveyResponse | None:
    """A response with a comment about the contact with this external id, or None when there is
    none or the caller may not read it."""
    return (
        responses_visible_to(fetched_by=fetched_by)
        .filter(interaction__external_id=external_id)
        .exclude(comment="")
        .first()
    )


def follow_ups_visible_to(*, fetched_by) -> QuerySet[FollowUp]:
    rows = FollowUp.objects.select_related(
        "response__interaction__agent__team", "response__interaction__queue", "closed_by"
    )
    role = getattr(fetched_by, "role", None)
    if role == Role.ADMIN:
        return rows
    if role == Role.MANAGER:
        return rows.filter(response__interaction__agent__team__managers=fetched_by)
    return rows.none()


def invitations_visible_to(*, fetched_by) -> QuerySet[SurveyInvitation]:
    scope = _own_teams(fetched_by)
    rows = SurveyInvitation.objects.all()
    return rows if scope is None else rows.filter(scope)


def invitations_to_send(
    *, fetched_by, since: dt.datetime | None = None, answered: bool | None = None
) -> QuerySet[SurveyInvitation]:
    """Newest first, with their survey and contact: the links the tenant's own systems send.
    ``since``: created at or after; ``answered``: True answered only, False not yet answered."""
    rows = (
        invitations_visible_to(fetched_by=fetched_by)
        .select_related("interaction", "survey")
        .order_by("-created_at", "-pk")
    )
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if answered is not None:
        rows = rows.filter(response__isnull=not answered)
    return rows


@dataclass
class ResponseFilter:
    kind: str
    start: dt.date
    end: dt.date  # inclusive
    tz: ZoneInfo
    team: str | None = None
    agent: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    comments_only: bool = False

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return local_days_range(self.start, self.end, self.tz)


def responses_filtered(*, fetched_by, f: ResponseFilter) -> QuerySet[SurveyResponse]:
    """A response belongs to the period of the contact it rates (kpis.md)."""
    lo, hi = f.bounds()
    rows = responses_visible_to(fetched_by=fetched_by).filter(
        survey=f.kind, interaction__offered_at__gte=lo, interaction__offered_at__lt=hi
    )
    if f.team:
        rows = rows.filter(interaction__agent__team__name=f.team)
    if f.agent:
        rows = rows.filter(interaction__agent__acd_login=f.agent)
    if f.score_min is not None:
        rows = rows.filter(score__gte=f.score_min)
    if f.score_max is not None:
        rows = rows.filter(score__lte=f.score_max)
    if f.comments_only:
        rows = rows.exclude(comment="")
    return rows


@dataclass
class GroupResult:
    key: str
    dist: dict[int, int] = field(default_factory=dict)
    weeks: dict[dt.date, dict[int, int]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return sum(self.dist.values())


@dataclass
class Results:
    kind: str
    groups: list[GroupResult]
    weeks: list[dt.date]
    distribution: dict[int, int]
    invitations: int
    answered: int
    tenant_dist: dict[int, int]

    def value(self, dist) -> float | None:
        return scoring.headline(self.kind, dist)


def results(*, fetched_by, f: ResponseFilter, group_by: str) -> Results:
    """Per group and week: score distributions from one GROUP BY, scored in Python (3 queries
    in all, whatever the number of groups)."""
    rows = responses_filtered(fetched_by=fetched_by, f=f)
    groups: dict[str, GroupResult] = {}
    total: dict[int, int] = {}
    weeks: set[dt.date] = set()
    for key, week, score, n in (
        rows.annotate(week=TruncWeek("interaction__offered_at", tzinfo=f.tz))
        .values_list(GROUPS[group_by], "week", "score")
        .annotate(n=Count("id"))
        .order_by()
    ):
        group = groups.setdefault(key or "(none)", GroupResult(key or "(none)"))
        group.dist[score] = group.dist.get(score, 0) + n
        week_dist = group.weeks.setdefault(week.date(), {})
        week_dist[score] = week_dist.get(score, 0) + n
        total[score] = total.get(score, 0) + n
        weeks.add(week.date())
    lo, hi = f.bounds()
    invitations = invitations_visible_to(fetched_by=fetched_by).filter(
        survey__kind=f.kind, interaction__offered_at__gte=lo, interaction__offered_at__lt=hi
    )
    if f.team:
        invitations = invitations.filter(interaction__agent__team__name=f.team)
    if f.agent:
        invitations = invitations.filter(interaction__agent__acd_login=f.agent)
    counts = invitations.aggregate(total=Count("id"), answered=Count("response"))
    # Tenant-wide, unnamed: a manager may compare their teams with the whole contact center.
    tenant_dist = dict(
        SurveyResponse.objects.filter(survey=f.kind, interaction__offered_at__gte=lo, interaction__offered_at__lt=hi)
        .values_list("score")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Results(
        kind=f.kind,
        groups=sorted(groups.values(), key=lambda g: (-g.n, g.key)),
        weeks=sorted(weeks),
        distribution=total,
        invitations=counts["total"],
        answered=counts["answered"],
        tenant_dist=tenant_dist,
    )
