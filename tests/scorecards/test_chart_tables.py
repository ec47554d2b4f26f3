"""Every chart's table says what its canvas is given: the same value, 95 % interval and n per
period, and both agree with the snapshots the engine computed from an imported fixture.

alpha (Europe/Berlin, min_sample 30): alice of team North answers 40 contacts in the week of
Monday 23 February 2026 (30 resolved at first contact, talk times of 100–490 s, 40 CSAT
answers) and 12 in the week of 2 March (too few: "insufficient data", a gap in the line).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
import time_machine

from interactions.services import import_stream
from scorecards.engine import recompute
from scorecards.formatting import chart_value, format_interval, format_value
from scorecards.models import KpiSnapshot

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
FULL_WEEK, THIN_WEEK = dt.date(2026, 2, 23), dt.date(2026, 3, 2)
AFTER = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)  # the default period is the week of 2 March
HEADER = (
    "external_id,agent,queue,interaction_type,channel,customer_id,offered_at,answered_at,ended_at,"
    "talk_seconds,hold_seconds,acw_seconds,outcome,transferred,resolved\n"
)


def _contacts(monday: dt.date, count: int, resolved: int, prefix: str) -> str:
    lines = []
    for i in range(count):
        offered = dt.datetime.combine(monday + dt.timedelta(days=i % 5), dt.time(9, 0)) + dt.timedelta(minutes=10 * i)
        answered, talk = offered + dt.timedelta(seconds=10), 100 + 10 * i
        ended = answered + dt.timedelta(seconds=talk)
        lines.append(
            f"{prefix}{i},alice.a,Billing,billing,voice,{prefix}K{i},{offered.isoformat()},{answered.isoformat()},"
            f"{ended.isoformat()},{talk},0,20,answered,false,{'true' if i < resolved else 'false'}\n"
        )
    return HEADER + "".join(lines)


def _answers(count: int, prefix: str, monday: dt.date) -> str:
    # scores 5,4,3,2,1,5,4,...: 2 of every 5 satisfied, the rest not
    rows = [f"{prefix}{i},csat,{5 - i % 5},{monday.isoformat()}T18:00:00\n" for i in range(count)]
    return "interaction_external_id,survey,score,responded_at\n" + "".join(rows)


def _load(kind: str, text: str) -> None:
    summary = import_stream(kind=kind, stream=io.BytesIO(text.encode()), tz=BERLIN).as_dict()
    assert summary["rejected"] == 0, summary["errors"]


@pytest.fixture
def computed(tenants, people, in_tenant):
    in_tenant(tenants.alpha)
    _load("interactions", _contacts(FULL_WEEK, 40, 30, "f") + _contacts(THIN_WEEK, 12, 6, "t")[len(HEADER) :])
    _load("survey_responses", _answers(40, "f", FULL_WEEK))
    recompute()
    return tenants.alpha


class _Tables(HTMLParser):
    """The cells of each table by id: {table id: [[cell text, ...] per row]}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = dict(attrs).get("id")
            self.tables[self.current or ""] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _chart_and_table(html: str, data_id: str, table_id: str) -> tuple[dict, list[list[str]]]:
    found = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, data_id
    tables = _Tables()
    tables.feed(html)
    return json.loads(found.group(1)), tables.tables[table_id]


def _get(client, url, language: str = "en", **params) -> str:
    with time_machine.travel(AFTER, tick=False):
        response = client.get(url, params, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("kpi", ["fcr", "aht", "csat"])
def test_the_trend_table_and_chart_show_the_engines_values_intervals_and_n(computed, people, web, kpi):
    snaps = {
        s.period_start: s
        for s in KpiSnapshot.objects.filter(
            kpi=kpi, scope="team", key="North", period="week", period_start__gte=FULL_WEEK
        )
    }
    full = snaps[FULL_WEEK]
    assert full.n == 40 and not full.insufficient_data and full.ci_low < full.value < full.ci_high
    html = _get(web(computed, people.mona), "/kpis/", kpi=kpi)
    data, table = _chart_and_table(html, "trend-data", "trend-table")
    header, rows = table[0], table[1:]
    assert header == ["Week of", "Value", "95 % interval", "n"]
    assert data["labels"][-2:] == ["23 Feb", "2 Mar"] and len(rows) == 12
    (trend,) = data["datasets"]
    week = {"Mon 23 Feb 2026": -2, "Mon 2 Mar 2026": -1}

    # the reliable week: a point with its band, the same numbers in the tooltip and the table
    i = week["Mon 23 Feb 2026"]
    assert trend["values"][i] == chart_value(kpi, full.value)
    assert (trend["low"][i], trend["high"][i]) == (chart_value(kpi, full.ci_low), chart_value(kpi, full.ci_high))
    assert trend["n"][i] == 40
    assert trend["texts"][i] == format_value(kpi, full.value)
    assert trend["intervals"][i] == format_interval(kpi, full.ci_low, full.ci_high)
    assert rows[i] == ["Mon 23 Feb 2026", trend["texts"][i], trend["intervals"][i], "40"]

    # the thin week: no point and no band, but the table (and tooltip text) keep its figures
    i = week["Mon 2 Mar 2026"]
    if kpi == "csat":  # no answers that week: no snapshot, a gap and dashes
        assert THIN_WEEK not in snaps and trend["values"][i] is None
        assert rows[i] == ["Mon 2 Mar 2026", "—", "—", "—"]
    else:
        thin = snaps[THIN_WEEK]
        assert thin.insufficient_data and thin.n == 12
        assert trend["values"][i] is None and trend["low"][i] is None and trend["high"][i] is None
        assert trend["n"][i] == 12
        assert rows[i] == [
            "Mon 2 Mar 2026",
            f"insufficient data {format_value(kpi, thin.value)}",
            format_interval(kpi, thin.ci_low, thin.ci_high) or "—",
            "12",
        ]
    # every row of the table is the chart's text, interval and n of that week, nothing else
    for row, text, interval, n in zip(rows, trend["texts"], trend["intervals"], trend["n"], strict=True):
        assert row[1].endswith(text) and row[2] == (interval or "—") and row[3] == ("—" if n is None else str(n))


def test_the_survey_chart_draws_the_engines_csat_interval_per_team_and_week(computed, people, web):
    html = _get(
        web(computed, people.mona),
        "/surveys/results/",
        kind="csat",
        group_by="team",
        start="2026-02-23",
        end="2026-03-08",
    )
    data, table = _chart_and_table(html, "survey-chart-data", "survey-chart-table")
    engine = KpiSnapshot.objects.get(kpi="csat", scope="team", key="North", period="week", period_start=FULL_WEEK)
    (north,) = data["datasets"]
    assert north["label"] == "North" and data["labels"] == ["23 Feb"]
    assert north["values"] == [round(engine.value, 1)] == [40.0]  # 16 of 40 satisfied
    assert (north["low"], north["high"]) == ([round(engine.ci_low, 1)], [round(engine.ci_high, 1)])
    assert north["n"] == [engine.n] == [40]
    assert table == [
        ["Week of", "CSAT %", "95 % interval", "n"],
        ["Mon 23 Feb 2026", "40%", f"{engine.ci_low:.0f}% – {engine.ci_high:.0f}%", "40"],
    ]


def test_the_arrivals_chart_is_a_count_per_hour_without_interval(computed, people, web):
    html = _get(web(computed, people.mona), "/kpis/operations/", period="week", date="2026-02-23")
    data, table = _chart_and_table(html, "arrivals-data", "arrivals-table")
    (arrivals,) = data["datasets"]
    assert data["type"] == "bar" and data["datasets"][0]["low"] is None
    assert sum(arrivals["values"]) == 40 and table[0] == ["Hour", "Arrivals"]
    assert [row[1] for row in table[1:]] == arrivals["texts"] == [str(v) for v in arrivals["values"]]


def test_the_chart_and_its_table_speak_german(computed, people, web):
    # Mona chose no language, so the page follows her browser's.
    html = _get(web(computed, people.mona), "/kpis/", language="de", kpi="fcr")
    data, table = _chart_and_table(html, "trend-data", "trend-table")
    assert table[0] == ["Woche vom", "Wert", "95-%-Intervall", "n"]
    assert data["x_title"] == "Woche ab" and data["labels"][-2] == "23 Feb"
    assert 'data-word-interval="95-%-Intervall"' in html and "Das schattierte Band ist das 95-%-Intervall." in html
    assert "<summary>Tabelle<" in html and "zu wenige Daten" in table[-1][1]
