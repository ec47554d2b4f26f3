"""What the weekly coaching digest says, and to whom: pure reads, no sending.

``manager_digest(manager=mona, week_start=date(2026, 3, 9))`` is the context of her email:
her teams' north-star KPIs against targets and the week before, recognition, who may need
coaching and why, wellbeing risks, overdue action items and links into the app. Only values
with enough data (``insufficient_data`` false, i.e. n ≥ the tenant's min_sample) are judged,
and people are listed by name, never ranked (least of all by a diagnostic such as AHT).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agent, Role, Team, User
from common.formats import number, percent
from common.periods import (
    WEEK,
    last_complete_period_start,
    local_date,
    local_period_range,
    period_last_day,
    previous_period_start,
)
from recognition.selectors import team_recognitions
from scorecards.catalogue import NORTH_STAR, Kpi, band
from scorecards.models import KpiSnapshot
from scorecards.targets import target_in_force
from surveys.models import SurveyResponse
from tenants.current import current_tenant
from tenants.models import Tenant

from .models import ActionItem, DigestSettings, Signal, SignalKind
from .signal_rules import describe

BAND_WORDS = {
    "green": gettext_lazy("on target"),
    "amber": gettext_lazy("close to target"),
    "red": gettext_lazy("off target"),
    None: gettext_lazy("no target set"),
}
NOT_SIGNIFICANT = gettext_lazy("not a significant change")


def last_complete_week(tenant: Tenant | None = None, now: dt.datetime | None = None) -> dt.date:
    """The Monday of the last week that has ended in the tenant's timezone."""
    tenant = tenant or current_tenant()
    return last_complete_period_start(WEEK, local_date(now or timezone.now(), tenant.tz))


def tenant_url(path: str, tenant: Tenant | None = None) -> str:
    """An absolute link to the tenant's host (emails have no request to build it from)."""
    tenant = tenant or current_tenant()
    scheme = getattr(settings, "SITE_SCHEME", os.environ.get("SITE_SCHEME", "http"))
    port = str(getattr(settings, "SITE_PORT", os.environ.get("SITE_PORT", "8000")))
    host = tenant.get_primary_domain().domain
    default_port = {"http": "80", "https": "443"}.get(scheme)
    return f"{scheme}://{host}{'' if port in ('', default_port) else ':' + port}{path}"


def _link(name: str, *args, query: str = "") -> str:
    return tenant_url(reverse(name, args=args) + (f"?{query}" if query else ""))


def format_value(kpi: Kpi, value: float | None) -> str:
    if value is None:
        return "—"
    # Numbers in the recipient's language (digest_render activates it): 82,0 % in German.
    if kpi.unit == "%":
        return percent(value, 1)
    if kpi.unit == "s":
        return _("%(seconds)s s") % {"seconds": number(value, 0)}
    if kpi.unit == "points":
        return ("+" if round(value) > 0 else "") + number(value, 0)
    return number(value, 2)


def compare(kpi: Kpi, now: KpiSnapshot | None, before: KpiSnapshot | None) -> tuple[str, int]:
    """Words for this week against the one before, and +1/-1/0 for better/worse/no signal.

    Two weeks whose 95% intervals overlap are "not a significant change", whatever the points."""
    if now is None or before is None or now.value is None or before.value is None:
        return _("no value the week before"), 0
    if now.insufficient_data or before.insufficient_data:
        return _("too few contacts to compare"), 0
    was = format_value(kpi, before.value)
    if now.ci_low is None or now.ci_high is None or before.ci_low is None or before.ci_high is None:
        return _("%(value)s the week before (no interval to compare)") % {"value": was}, 0
    if now.ci_low <= before.ci_high and before.ci_low <= now.ci_high:
        return _("not a significant change (from %(value)s)") % {"value": was}, 0
    up = now.value > before.value
    better = 1 if (up == (kpi.better == "higher")) else -1
    words = _("up significantly from %(value)s") if up else _("down significantly from %(value)s")
    return words % {"value": was}, better if kpi.better else 0


@dataclass
class KpiLine:
    label: str
    value: str
    n: int
    interval: str
    band: str | None
    band_word: str
    change: str
    trend: int
    sufficient: bool


@dataclass
class Person:
    name: str
    link: str
    reasons: list[str] = field(default_factory=list)


class _Week:
    """Snapshots of one scope for a week and the week before, looked up by (kpi, key, week)."""

    def __init__(self, scope: str, keys: list[str], week_start: dt.date):
        self.week, self.before = week_start, previous_period_start(WEEK, week_start)
        rows = KpiSnapshot.objects.filter(
            scope=scope,
            period="week",
            key__in=keys,
            period_start__in=[self.week, self.before],
            kpi__in=[k.code for k in NORTH_STAR],
        )
        self.rows = {(s.kpi, s.key, s.period_start): s for s in rows}

    def lines(self, key: str, team: Team | None, targets: dict) -> list[KpiLine]:
        lines = []
        for kpi in NORTH_STAR:
            now = self.rows.get((kpi.code, key, self.week))
            if now is None:
                continue
            before = self.rows.get((kpi.code, key, self.before))
            target = targets.setdefault(
                (kpi.code, team.pk if team else None), target_in_force(kpi=kpi.code, team=team, on=self.week)
            )
            colour = (
                band(kpi, now.value, target.green, target.amber, target.direction)
                if target and not now.insufficient_data
                else None
            )
            change, trend = compare(kpi, now, before)
            interval = (
                f"{format_value(kpi, now.ci_low)}–{format_value(kpi, now.ci_high)}"
                if now.ci_low is not None and now.ci_high is not None
                else ""
            )
            word = str(BAND_WORDS[colour] if target else BAND_WORDS[None])
            if now.insufficient_data:
                word = _("too few contacts to judge")
            lines.append(
                KpiLine(
                    str(kpi.label),
                    format_value(kpi, now.value),
                    now.n,
                    interval,
                    colour,
                    word,
                    change,
                    trend,
                    not now.insufficient_data,
                )
            )
        return lines


def _detractors(agents: list[Agent], week_start: dt.date, tz, min_sample: int) -> dict[int, str]:
    """Per agent: detractor answers of the week, only when the agent had min_sample answers."""
    start, end = local_period_range(WEEK, week_start, tz)
    answers = SurveyResponse.objects.filter(
        interaction__agent__in=agents,
        survey__in=["csat", "nps"],
        interaction__offered_at__gte=start,
        interaction__offered_at__lt=end,
    ).values_list("interaction__agent_id", "survey", "score")
    totals: dict[int, list[int]] = {}
    for agent_id, survey, score in answers:
        counts = totals.setdefault(agent_id, [0, 0])
        counts[0] += 1
        counts[1] += (survey == "csat" and score <= 2) or (survey == "nps" and score <= 6)
    return {
        agent_id: _("%(bad)s detractor answers out of %(total)s survey answers") % {"bad": bad, "total": total}
        for agent_id, (total, bad) in totals.items()
        if total >= min_sample and bad
    }


def _signal_reason(signal: Signal) -> str:
    """The signal in the same words as its page (coaching.signal_rules.describe)."""
    facts = signal.facts or {}
    lines = describe(signal.kind, facts) or ([facts["summary"]] if facts.get("summary") else [])
    return signal.get_kind_display() + (f" ({' '.join(lines)})" if lines else "")


def _words(line: KpiLine) -> dict:
    return {"kpi": line.label, "value": line.value, "change": line.change, "n": line.n}


def team_digest(team: Team, week_start: dt.date, *, today: dt.date, targets: dict) -> dict:
    tenant = current_tenant()
    agents = list(team.agents.order_by("display_name", "acd_login"))
    team_week = _Week("team", [team.name], week_start)
    agent_week = _Week("agent", [a.acd_login for a in agents], week_start)
    detractors = _detractors(agents, week_start, tenant.tz, tenant.min_sample)
    signals = list(Signal.objects.filter(agent__in=agents, week_start=week_start).order_by("agent_id", "kind"))
    recognition, coaching, wellbeing = [], [], []
    for agent in agents:
        link = _link("agent_scorecard", agent.pk)
        good, needs, risks = Person(str(agent), link), Person(str(agent), link), Person(str(agent), link)
        for line in agent_week.lines(agent.acd_login, team, targets):
            if not line.sufficient:
                continue
            if line.band == "green":
                good.reasons.append(_("%(kpi)s %(value)s on target (n=%(n)s)") % _words(line))
            elif line.trend > 0:
                good.reasons.append(_("%(kpi)s %(value)s, %(change)s (n=%(n)s)") % _words(line))
            if line.band == "red":
                needs.reasons.append(_("%(kpi)s %(value)s off target (n=%(n)s)") % _words(line))
        for signal in signals:
            if signal.agent_id == agent.pk:
                (risks if signal.kind == SignalKind.BURNOUT_RISK else needs).reasons.append(_signal_reason(signal))
        if agent.pk in detractors:
            needs.reasons.append(detractors[agent.pk])
        recognition += [good] if good.reasons else []
        coaching += [needs] if needs.reasons else []
        wellbeing += [risks] if risks.reasons else []
    overdue = (
        ActionItem.objects.filter(session__agent__team=team, done_at__isnull=True, due_on__lt=today)
        .select_related("session__agent", "owner")
        .order_by("due_on", "pk")
    )
    return {
        "team": team,
        "kpis": team_week.lines(team.name, team, targets),
        "link": _link("scorecard", query=f"team={team.pk}"),
        "recognition": recognition,
        "coaching": coaching,
        "wellbeing": wellbeing,
        "overdue": [
            {
                "description": item.description,
                "due_on": item.due_on,
                "agent": str(item.session.agent),
                "owner": item.owner.get_full_name() or item.owner.email if item.owner else "",
                "link": _link("coaching_session", item.session_id),
            }
            for item in overdue
        ],
    }


def manager_digest(*, manager: User, week_start: dt.date, today: dt.date | None = None) -> dict:
    tenant = current_tenant()
    today = today or timezone.localdate(timezone=tenant.tz)
    targets: dict = {}
    teams = [team_digest(t, week_start, today=today, targets=targets) for t in manager.managed_teams.all()]
    # Kudos and milestones in time order, one by one: never counted or ranked per person.
    kudos_and_milestones = team_recognitions(manager=manager, since=week_start, until=period_last_day(WEEK, week_start))
    for t in teams:
        t["recognitions"] = [r for r in kudos_and_milestones if r.team.pk == t["team"].pk]
    return {
        "tenant_name": tenant.name,
        "recipient": manager,
        "week_start": week_start,
        "week_end": period_last_day(WEEK, week_start),
        "min_sample": tenant.min_sample,
        "teams": teams,
        "recognitions_link": _link("team_recognitions"),
        "signals_link": _link("signals"),
        "sessions_link": _link("coaching_sessions"),
    }


def agent_digest(*, agent: Agent, week_start: dt.date) -> dict:
    """The agent's own week: their values, targets and open action items; no peers, no signals."""
    tenant = current_tenant()
    lines = _Week("agent", [agent.acd_login], week_start).lines(agent.acd_login, agent.team, {})
    open_items = ActionItem.objects.filter(owner=agent.user, done_at__isnull=True).order_by("due_on", "pk")
    return {
        "tenant_name": tenant.name,
        "recipient": agent.user,
        "week_start": week_start,
        "week_end": period_last_day(WEEK, week_start),
        "kpis": lines,
        "wins": [line for line in lines if line.sufficient and (line.band == "green" or line.trend > 0)],
        "action_items": list(open_items),
        "link": _link("my_scorecard"),
    }


def recipients() -> list[tuple[User, str]]:
    """(user, kind) for every digest of the tenant: managers of a team, and agents with a user
    when the tenant's DigestSettings say so."""
    managers = (
        User.objects.filter(role=Role.MANAGER, is_active=True, managed_teams__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )
    people = [(user, "manager") for user in managers]
    digest_settings = DigestSettings.objects.first()
    if digest_settings and digest_settings.send_to_agents:
        agents = (
            User.objects.filter(role=Role.AGENT, is_active=True, agent__isnull=False)
            .exclude(email="")
            .order_by("email")
        )
        people += [(user, "agent") for user in agents]
    return people
