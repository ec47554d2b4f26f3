"""An attacker plays the differencing games against everything Callwell publishes about agent
effort, as an admin would read it (she sees every team and the center): the aes snapshots
through GET /api/v1/kpis/, ``kpi_report`` (JSON and CSV) and the effort pages' data (the
results page's selector and its chart). She records it all, moves an agent out of a team and
back (recording after each step), and then subtracts every figure she can from every other:

* the same figure before and after a move (6·m6 − 5·m5 would be the mover's answer);
* the center minus the published teams of the same period;
* a month minus its weeks, a week minus its days.

Each subtraction describes a group (the respondents left over) and its sum. None may be a
group of 1 to 4 respondents: that would give back one agent's answer or a suppressed group.
Teams of 5, 6 and 7 respondents; South stays small (3) in the first week, beside one agent
with no team, so the center must be suppressed there; the second week has nothing hidden.

Today is Wednesday 11 March 2026 (Berlin); the answers are in the weeks of 2 and 9 February.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from accounts.models import Agent
from accounts.services import agent_update
from common.privacy import ANONYMITY_MIN, effort_rounded
from scorecards.engine import recompute
from scorecards.models import KpiSnapshot
from surveys.effort import effort_response_submit
from surveys.effort_selectors import effort_by_team, effort_gap

NOW = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)
W1, W2 = dt.date(2026, 2, 2), dt.date(2026, 2, 9)
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
MOVER_ANSWER = 7  # the mover answers 7, her teammates 1 to 4: recovering hers would stand out
RESULTS = "/surveys/effort/results/"


@dataclass(frozen=True)
class Figure:
    source: str
    scope: str  # "team" or "tenant"
    key: str
    period: str
    start: dt.date
    mean: float
    n: int
    numerator: float | None = None
    denominator: float | None = None

    @property
    def identity(self) -> tuple:
        return (self.scope, self.key, self.period, self.start)

    @property
    def end(self) -> dt.date:
        if self.period == "day":
            return self.start + dt.timedelta(days=1)
        if self.period == "week":
            return self.start + dt.timedelta(weeks=1)
        return (self.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# --- what an admin can read -------------------------------------------------------------------


def _snapshot_figure(source: str, row: dict) -> Figure:
    def number(value):
        return None if value in (None, "") else float(value)

    return Figure(
        source,
        row["scope"],
        row["key"],
        row["period"],
        dt.date.fromisoformat(row["period_start"]),
        float(row["value"]),
        int(row["n"]),
        number(row["numerator"]),
        number(row["denominator"]),
    )


def read_everything(api, web, tenants, people) -> list[Figure]:
    figures: list[Figure] = []
    client = api(tenants.alpha, user=people.ada)
    for scope in ("team", "tenant"):
        for period in ("day", "week", "month"):
            query = {"scope": scope, "period": period, "start": FIRST, "end": LAST, "kpi": "aes"}
            url, params = "/api/v1/kpis/", query
            while url:
                page = client.get(url, params).json()
                figures += [_snapshot_figure("api", row) for row in page["results"]]
                url, params = page["next"], None
            for fmt in ("json", "csv"):
                out = io.StringIO()
                call_command(
                    "kpi_report",
                    schema="alpha",
                    scope=scope,
                    period=period,
                    start=FIRST,
                    end=LAST,
                    kpi="aes",
                    format=fmt,
                    stdout=out,
                )
                rows = (
                    json.loads(out.getvalue()) if fmt == "json" else list(csv.DictReader(io.StringIO(out.getvalue())))
                )
                figures += [_snapshot_figure(f"kpi_report {fmt}", row) for row in rows]
    connection.set_tenant(tenants.alpha)  # kpi_report leaves the tenant's schema; come back to it
    for row in effort_by_team(fetched_by=people.ada, now=NOW):
        if not row.suppressed:
            figures.append(
                Figure(
                    "effort page", "team", row.team.name, "week", row.week_start, row.means["effort"], row.respondents
                )
            )
    # the page's chart: the same weeks, the same means (no second, more precise, copy of them)
    html = web(tenants.alpha, people.ada).get(RESULTS).content.decode()
    found = re.search(r'<script id="effort-data" type="application/json">(.*?)</script>', html, re.S)
    if found:
        chart = json.loads(found.group(1))
        page = {(f.key, f.start): f for f in figures if f.source == "effort page"}
        for dataset in chart["datasets"]:
            for label, mean in zip(chart["labels"], dataset["values"], strict=True):
                if mean is not None:
                    shown = page[(dataset["label"], dt.date.fromisoformat(label))]
                    figures.append(Figure("effort chart", "team", dataset["label"], "week", shown.start, mean, shown.n))
    gap = effort_gap(fetched_by=people.ada, now=NOW)
    assert gap is not None and not any(hasattr(row, "effort_among") for row in gap.rows)  # no effort means there
    return figures


# --- the attacker -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subtraction:
    how: str
    respondents: int
    total: float  # Σ effort of the group left over (to rounding)

    @property
    def mean(self) -> float:
        return self.total / self.respondents


def subtractions(figures: list[Figure]) -> list[Subtraction]:
    """Every group the attacker can isolate by subtracting published figures."""
    found: list[Subtraction] = []
    versions: dict[tuple, set[tuple[float, int]]] = defaultdict(set)
    for f in figures:
        versions[f.identity].add((f.mean, f.n))
    # 1. one figure, two versions (a team move, a page against the API, yesterday against today)
    for identity, seen in versions.items():
        for (m1, n1), (m2, n2) in ((a, b) for a in seen for b in seen if a[1] > b[1]):
            found.append(Subtraction(f"{identity}: {n1}·{m1} − {n2}·{m2}", n1 - n2, n1 * m1 - n2 * m2))
    # one version per figure from here on (the largest, as an attacker would try each)
    latest = {identity: max(seen, key=lambda v: v[1]) for identity, seen in versions.items()}
    # 2. the center minus the published teams of the same period
    for (scope, _, period, start), (mean, n) in latest.items():
        if scope != "tenant":
            continue
        teams = [v for (s, _, p, st), v in latest.items() if s == "team" and p == period and st == start]
        left = n - sum(tn for _, tn in teams)
        found.append(Subtraction(f"center {period} {start} − teams", left, n * mean - sum(tm * tn for tm, tn in teams)))
    # 3. a month minus its weeks and days, a week minus its days (same group)
    by_identity = {identity: Figure("", *identity, mean, n) for identity, (mean, n) in latest.items()}
    for coarse in by_identity.values():
        if coarse.period == "day":
            continue
        parts = [
            f
            for f in by_identity.values()
            if (f.scope, f.key) == (coarse.scope, coarse.key)
            and f.period != coarse.period
            and f.period != "month"
            and coarse.start <= f.start
            and f.end <= coarse.end
        ]
        # weeks first, then the days not inside a published week
        weeks = [f for f in parts if f.period == "week"]
        days = [f for f in parts if f.period == "day" and not any(w.start <= f.start < w.end for w in weeks)]
        used = weeks + days
        if used:
            left = coarse.n - sum(f.n for f in used)
            total = coarse.n * coarse.mean - sum(f.n * f.mean for f in used)
            found.append(Subtraction(f"{coarse.identity} − its {len(used)} parts", left, total))
    return found


def leaks(figures: list[Figure]) -> list[Subtraction]:
    return [s for s in subtractions(figures) if 1 <= s.respondents < ANONYMITY_MIN]


def test_the_attacker_finds_what_the_old_publication_gave_away():
    """The attacker works: against figures as they were published before (current team, exact
    day, week and month), she recovers the mover's answer and a suppressed group."""
    week = [
        Figure("api", "team", "North", "week", W1, 29 / 6, 6),
        Figure("api", "team", "North", "week", W1, 22 / 5, 5),
    ]
    [move] = leaks(week)
    assert move.respondents == 1 and move.total == pytest.approx(7)
    center = [Figure("api", "tenant", "all", "week", W1, 40 / 9, 9), Figure("api", "team", "North", "week", W1, 4.0, 6)]
    assert [(s.respondents, s.total) for s in leaks(center)] == [(3, pytest.approx(16))]
    month = [
        Figure("api", "team", "North", "month", dt.date(2026, 2, 1), 4.5, 12),
        Figure("api", "team", "North", "week", W1, 4.0, 6),
    ]
    month += [Figure("api", "team", "North", "week", W2, 5.0, 5)]
    assert [(s.respondents, s.total) for s in leaks(month)] == [(1, pytest.approx(5))]
    days = [Figure("api", "team", "North", "week", W1, 4.0, 6), Figure("api", "team", "North", "day", W1, 3.0, 5)]
    assert [(s.respondents, s.total) for s in leaks(days)] == [(1, pytest.approx(9))]


# --- the games -----------------------------------------------------------------------------------


def answer(agent, when: dt.datetime, effort: int) -> None:
    effort_response_submit(
        agent=agent, effort=effort, tools=None, knowledge_base=None, process=None, hardest_types=[], now=when
    )


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("size", [5, 6, 7])
def test_no_subtraction_of_anything_published_gives_back_an_answer_or_a_small_group(
    size, tenants, people, api, web, frozen
):
    north = [Agent.objects.create(acd_login=f"n{i}", display_name=f"North {i}", team=people.north) for i in range(size)]
    south = [Agent.objects.create(acd_login=f"s{i}", display_name=f"South {i}", team=people.south) for i in range(5)]
    loner = Agent.objects.create(acd_login="loner", display_name="No team")
    mover = north[0]
    for week in (W1, W2):
        for i, agent in enumerate(north):  # spread over the days of the week
            when = dt.datetime.combine(week + dt.timedelta(days=i % 5), dt.time(9, i), tzinfo=dt.UTC)
            answer(agent, when, MOVER_ANSWER if agent == mover else 1 + i % 4)
        for i, agent in enumerate(south[: 3 if week == W1 else 5]):  # three in W1: suppressed
            answer(agent, dt.datetime.combine(week + dt.timedelta(days=i), dt.time(10), tzinfo=dt.UTC), 2 + i % 3)
    answer(loner, dt.datetime.combine(W1, dt.time(11), tzinfo=dt.UTC), 6)  # W1: 3 + 1 hidden
    recompute()

    figures = read_everything(api, web, tenants, people)
    before = set(figures)
    agent_update(agent=mover, display_name=mover.display_name, team=people.south)  # out...
    recompute()
    figures += read_everything(api, web, tenants, people)
    agent_update(agent=mover, display_name=mover.display_name, team=people.north)  # ...and back
    recompute()
    figures += read_everything(api, web, tenants, people)

    assert not leaks(figures), leaks(figures)
    assert {f.identity for f in before} >= {("team", "North", "week", W1), ("team", "North", "week", W2)}
    assert ("tenant", "all", "week", W2) in {f.identity for f in before}  # nothing hidden in W2
    assert ("tenant", "all", "week", W1) not in {f.identity for f in figures}  # center − North = 4 hidden
    assert ("team", "South", "week", W1) not in {f.identity for f in figures}
    # one grain, means only, rounded as shown, from five respondents
    assert {f.period for f in figures} == {"week"}
    assert all(f.numerator is None and f.denominator is None for f in figures)
    assert all(f.n >= ANONYMITY_MIN and f.mean == round(f.mean, 1) for f in figures)
    # every source and every moment says the same: history did not move with the agent
    versions = defaultdict(set)
    for f in figures:
        versions[f.identity].add((f.mean, f.n))
    assert all(len(seen) == 1 for seen in versions.values()), versions
    # and the classic move attack has nothing to work with: North's weeks never lose the mover
    north_w1 = {(f.mean, f.n) for f in figures if f.identity == ("team", "North", "week", W1)}
    assert north_w1 == {(effort_rounded(sum([MOVER_ANSWER] + [1 + i % 4 for i in range(1, size)]) / size), size)}


def test_answers_after_a_move_count_for_the_new_team_and_old_weeks_stay(tenants, people, api, web, frozen):
    """The mover's next answer belongs to her new team; her old weeks stay with the old one."""
    north = [Agent.objects.create(acd_login=f"n{i}", display_name=f"N{i}", team=people.north) for i in range(6)]
    south = [Agent.objects.create(acd_login=f"s{i}", display_name=f"S{i}", team=people.south) for i in range(5)]
    for i, agent in enumerate(north + south):
        answer(agent, dt.datetime.combine(W1, dt.time(9, i), tzinfo=dt.UTC), 1 + i % 7)
    agent_update(agent=north[0], display_name="N0", team=people.south)
    for i, agent in enumerate(north + south):
        answer(agent, dt.datetime.combine(W2, dt.time(9, i), tzinfo=dt.UTC), 1 + i % 7)
    recompute()
    figures = read_everything(api, web, tenants, people)
    assert {f.source for f in figures} == {"api", "kpi_report json", "kpi_report csv", "effort page", "effort chart"}
    by_week = {(f.key, f.start, f.n) for f in figures if f.scope == "team"}  # every source alike
    assert by_week == {("North", W1, 6), ("South", W1, 5), ("North", W2, 5), ("South", W2, 6)}


# --- nothing per agent, anywhere an agent or a manager can look --------------------------------


def test_no_page_api_or_export_shows_one_agents_effort(tenants, people, api, web, frozen):
    """Alice and four teammates answer; apart from alice's own pulse history, no page, API row,
    export or drill-down that alice or mona can reach holds one agent's effort or comment."""
    team = [people.alice.agent] + [
        Agent.objects.create(acd_login=f"mate{i}", display_name=f"Teammate{i}", team=people.north) for i in range(4)
    ]
    for i, agent in enumerate(team):
        effort_response_submit(
            agent=agent,
            effort=1 + i,
            tools=None,
            knowledge_base=None,
            process=None,
            hardest_types=[],
            comment=f"private-note-{i}",
            now=dt.datetime.combine(W1, dt.time(9, i), tzinfo=dt.UTC),
        )
    recompute()
    assert not KpiSnapshot.objects.filter(kpi="aes", scope="agent").exists()  # behind every KPI page and export
    query = {"period": "week", "start": W1, "end": W1, "kpi": "aes"}
    for user in (people.alice, people.mona):
        client = api(tenants.alpha, user=user)
        assert client.get("/api/v1/kpis/", {**query, "scope": "agent"}).json()["results"] == []
    assert (
        api(tenants.alpha, user=people.alice).get("/api/v1/kpis/", {**query, "scope": "team"}).json()["results"] == []
    )
    [north] = api(tenants.alpha, user=people.mona).get("/api/v1/kpis/", {**query, "scope": "team"}).json()["results"]
    assert (north["key"], north["value"], north["n"], north["numerator"]) == ("North", 3.0, 5, None)

    alice, mona = web(tenants.alpha, people.alice), web(tenants.alpha, people.mona)
    drill = {"kpi": "aes", "scope": "team", "key": "North", "period": "week", "start": W1.isoformat()}
    assert mona.get("/kpis/drilldown/", drill).status_code == 404
    assert mona.get("/kpis/drilldown/", {**drill, "format": "csv"}).status_code == 404
    for url in (RESULTS, "/surveys/effort/gap/"):
        assert alice.get(url).status_code == 403
    pages = {
        "mona results": mona.get(RESULTS),
        "mona gap": mona.get("/surveys/effort/gap/"),
        "mona agent scorecard": mona.get(f"/kpis/agents/{people.alice.agent.pk}/", {"period": "week", "start": W1}),
        "alice scorecard": alice.get("/kpis/me/", {"period": "week", "start": W1}),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "private-note" not in html and "Teammate" not in html, name
    for name in ("mona agent scorecard", "alice scorecard"):  # no effort row on an agent's page
        main = pages[name].content.decode().split("<main", 1)[1]
        assert "Agent effort" not in main, name
    # alice's own history: her answer and comment, nobody else's
    history = alice.get("/surveys/effort/history/").content.decode()
    assert "private-note-0" in history and "private-note-1" not in history
