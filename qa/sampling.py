"""Fair QA sampling: per team plan, N handled contacts per agent per week, spread over the
interaction types the agent handled that week, picked at random but reproducibly.

``qa_sample_week(team=north, week_start=dt.date(2026, 3, 2))``
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import connection, transaction

from accounts.models import Team
from common.periods import WEEK, local_period_range
from interactions.models import Interaction, Outcome
from tenants.current import current_tenant

from .models import QaEvaluation, QaFormVersion, QaSamplingPlan


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The tenant-local week [Monday 00:00, next Monday 00:00) as aware datetimes."""
    return local_period_range(WEEK, week_start, current_tenant().tz)


def round_robin_pick(by_type: dict, count: int, rng: random.Random) -> list:
    """Pure: up to ``count`` items, taking one from each type in turn (types in random order,
    random within a type), so the sample covers every type before repeating one."""
    queues = []
    for key in sorted(by_type, key=lambda k: (k is None, k)):
        items = sorted(by_type[key])
        rng.shuffle(items)
        queues.append(items)
    rng.shuffle(queues)
    picked: list = []
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop())
    return picked


def latest_version(form) -> QaFormVersion | None:
    return QaFormVersion.objects.filter(form=form).order_by("-number").first()


def week_sample(*, team: Team, week_start: dt.date):
    """Non-calibration evaluations of the team's contacts of that week (the sample)."""
    start, end = week_bounds(week_start)
    return (
        QaEvaluation.objects.filter(
            calibration__isnull=True,
            interaction__agent__team=team,
            interaction__offered_at__gte=start,
            interaction__offered_at__lt=end,
        )
        .select_related("interaction__agent", "interaction__interaction_type", "reviewer", "version__form")
        .order_by("interaction__agent__acd_login", "interaction__offered_at")
    )


@transaction.atomic
def qa_sample_week(*, team: Team, week_start: dt.date, seed: int | str | None = None) -> list[Interaction]:
    """Create draft evaluations (no reviewer yet) for the team's week; returns the contacts
    newly sampled. Idempotent: contacts already evaluated that week count towards the plan
    and are never picked twice, so a re-run creates nothing."""
    plan = QaSamplingPlan.objects.filter(team=team, is_active=True).select_related("form").first()
    version = latest_version(plan.form) if plan else None
    if plan is None or version is None:
        return []
    # Serialize runs for one team and week so two workers cannot both top up the plan.
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"qa_sample:{team.pk}:{week_start}"])
    start, end = week_bounds(week_start)
    contacts = Interaction.objects.filter(
        agent__team=team, outcome=Outcome.ANSWERED, offered_at__gte=start, offered_at__lt=end
    ).values_list("pk", "agent_id", "interaction_type_id")
    already = set(
        QaEvaluation.objects.filter(
            calibration__isnull=True,
            interaction__agent__team=team,
            interaction__offered_at__gte=start,
            interaction__offered_at__lt=end,
        ).values_list("interaction_id", flat=True)
    )
    per_agent: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    done: dict[int, int] = defaultdict(int)
    for pk, agent_id, type_id in contacts:
        if pk in already:
            done[agent_id] += 1
        else:
            per_agent[agent_id][type_id].append(pk)
    rng = random.Random(f"{team.pk}:{week_start.isoformat()}:{seed}")
    picked: list[int] = []
    for agent_id in sorted(per_agent):
        wanted = plan.per_agent_per_week - done[agent_id]
        if wanted > 0:
            picked += round_robin_pick(per_agent[agent_id], wanted, rng)
    QaEvaluation.objects.bulk_create([QaEvaluation(interaction_id=pk, version=version) for pk in picked])
    return list(Interaction.objects.filter(pk__in=picked).order_by("agent_id", "offered_at"))
