"""signals_recompute on a fixture of KPI snapshots, contacts and activity (tenant alpha,
Europe/Berlin), and who may read the signals.

North (mona): alice, carol, dan, erin, fay. South (max): bob. Week of Monday 2026-03-02:

  agent  aht_index/n  repeat_rate/n   expected
  alice  0.70 / 40    12 / 40         rushing: teammates with n >= 30 are 15, 2, 3 -> p75 9
  carol  1.00 / 40    15 / 40         long AHT from a complex mix: never rushing
  dan    0.60 / 10    20 / 10         too few contacts at min_sample 30 (rushing at 5)
  erin   0.95 / 40     2 / 40
  fay    0.90 / 40     3 / 40
  bob    occupancy 90 % on Mon-Wed, 50 % on Thu: burnout risk
"""

import datetime as dt
import importlib
import re

import pytest
import time_machine
from django.apps import apps as django_apps

from accounts.models import Agent
from coaching.digest_send import digest_render
from coaching.models import Signal
from coaching.signal_rules import RECOVERY_MIN_CONTACTS
from coaching.signals import signals_recompute
from interactions.models import AgentActivity, InteractionType
from scorecards.engine import recompute
from scorecards.models import KpiRecompute, KpiSnapshot
from surveys.models import EffortResponse
from tests.factories import InteractionFactory

WEEK = dt.date(2026, 3, 2)
NORTH = {"carol.c": (1.0, 15), "dan.d": (0.6, 20), "erin.e": (0.95, 2), "fay.f": (0.9, 3)}


def snapshot(kpi, key, value, n=40, period="week", start=WEEK):
    KpiSnapshot.objects.create(
        kpi=kpi,
        scope="agent",
        key=key,
        period=period,
        period_start=start,
        value=value,
        n=n,
        insufficient_data=n < 30,
        computed_at=dt.datetime.now(dt.UTC),
    )


@pytest.fixture
def week(people):
    for login in NORTH:
        Agent.objects.create(acd_login=login, display_name=login[:-2].title(), team=people.north)
    for login, (aht_index, repeat) in {"alice.a": (0.7, 12), **NORTH}.items():
        n = 10 if login == "dan.d" else 40
        snapshot("aht_index", login, aht_index, n)
        snapshot("repeat_rate", login, repeat, n)
    for day, value in ((2, 90), (3, 91), (4, 92), (5, 50)):
        snapshot("occupancy", "bob.b", value, n=12, period="day", start=dt.date(2026, 3, day))
    return people


def flagged(kind):
    return {s.agent.acd_login: s.facts for s in Signal.objects.filter(kind=kind, week_start=WEEK)}


def test_rushing_and_burnout_from_snapshots(week):
    assert signals_recompute(since=WEEK, until=WEEK + dt.timedelta(days=6)) == 2
    rushing = flagged("rushing")
    assert list(rushing) == ["alice.a"]  # not carol (aht_index 1.0), not dan (n 10)
    assert rushing["alice.a"]["aht_index"] == 0.7 and rushing["alice.a"]["n"] == 40
    assert rushing["alice.a"]["rates"]["repeat_rate"]["team_p75"] == pytest.approx(9.0)
    burnout = flagged("burnout_risk")
    assert list(burnout) == ["bob.b"]
    assert [d["day"] for d in burnout["bob.b"]["high_days"]] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert burnout["bob.b"]["working_days"][-1] == "2026-03-05"


def test_min_sample_decides(week, tenants, monkeypatch):
    monkeypatch.setattr(tenants.alpha, "min_sample", 5)
    signals_recompute(since=WEEK, until=WEEK)
    # dan counts now, on both sides: his 20 is above the p75 of 12, 15, 2, 3 (12.75), and
    # among alice's teammates it lifts her p75 to 15.75, above her 12
    rushing = flagged("rushing")
    assert list(rushing) == ["dan.d"]
    assert rushing["dan.d"]["rates"]["repeat_rate"]["team_p75"] == pytest.approx(12.75)


def test_signals_that_no_longer_hold_are_removed(week):
    signals_recompute(since=WEEK, until=WEEK)
    KpiSnapshot.objects.filter(kpi="aht_index", key="alice.a").update(value=0.98)
    signals_recompute(since=None, until=None)
    assert flagged("rushing") == {} and list(flagged("burnout_risk")) == ["bob.b"]


def test_complexity_mismatch_from_contacts(week, tenants, monkeypatch):
    monkeypatch.setattr(tenants.alpha, "min_sample", 3)
    tech = InteractionType.objects.create(name="tech", expected_handle_seconds=600)
    billing = InteractionType.objects.create(name="billing", expected_handle_seconds=200)
    InteractionType.objects.create(name="password", expected_handle_seconds=100)
    erin, fay = Agent.objects.get(acd_login="erin.e"), Agent.objects.get(acd_login="fay.f")
    recompute()  # a full run first: the one below is a partial run, as after an import
    at = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    for k in range(3):
        InteractionFactory(
            external_id=f"e{k}",
            agent=erin,
            interaction_type=tech,
            offered_at=at + dt.timedelta(hours=k),
            talk_seconds=600,
        )
        InteractionFactory(
            external_id=f"f{k}",
            agent=fay,
            interaction_type=billing,
            offered_at=at + dt.timedelta(hours=k),
            talk_seconds=200,
        )
    InteractionFactory(
        external_id="e3", agent=erin, interaction_type=billing, offered_at=at + dt.timedelta(hours=5), talk_seconds=200
    )
    InteractionFactory(
        external_id="f3", agent=fay, interaction_type=tech, offered_at=at + dt.timedelta(hours=5), talk_seconds=600
    )
    # through the KPI engine: the signal reads its day sums of handle time per type
    recompute(since=WEEK + dt.timedelta(days=1), until=WEEK + dt.timedelta(days=1))
    assert not KpiRecompute.objects.latest("started_at").full
    facts = flagged("complexity_mismatch")
    assert list(facts) == ["erin.e"]  # 1800/2000 = 90 % of her time on tech, fay 600/1200 = 50 %
    assert facts["erin.e"]["types"] == ["tech"]
    assert facts["erin.e"]["agent_share"] == pytest.approx(0.9)
    assert facts["erin.e"]["team_share"] == pytest.approx(0.5)


def test_burnout_from_short_recovery_never_from_the_agents_own_effort(week):
    bob = Agent.objects.get(acd_login="bob.b")
    alice = Agent.objects.get(acd_login="alice.a")
    password = InteractionType.objects.create(name="password", expected_handle_seconds=100)
    for k in range(RECOVERY_MIN_CONTACTS):  # 300 s contacts (> 2 × 100 s), 20 s ready before the next
        a = dt.datetime(2026, 3, 6, 6, tzinfo=dt.UTC) + dt.timedelta(minutes=30 * k)
        InteractionFactory(
            external_id=f"b{k}",
            agent=bob,
            interaction_type=password,
            offered_at=a,
            talk_seconds=280,
            acw_seconds=20,
            ended_at=a + dt.timedelta(seconds=280),
        )
        for state, lo, hi in (("on_contact", 0, 280), ("acw", 280, 300), ("ready", 300, 320), ("on_contact", 320, 400)):
            AgentActivity.objects.create(
                agent=bob, state=state, start=a + dt.timedelta(seconds=lo), end=a + dt.timedelta(seconds=hi)
            )
    # alice's own effort rises sharply three weeks running, and nothing else is wrong: that is
    # hers alone and never a signal to her manager
    for effort, monday in ((1, 16), (4, 23), (7, 30)):
        EffortResponse.objects.create(
            agent=alice,
            effort=effort,
            submitted_at=dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=monday + 2),
        )
    signals_recompute(since=WEEK, until=WEEK)
    burnout = flagged("burnout_risk")
    assert burnout["bob.b"]["recovery_risk"] and burnout["bob.b"]["recovery_median"] == pytest.approx(20)
    assert burnout["bob.b"]["long_contacts"] == RECOVERY_MIN_CONTACTS
    assert "alice.a" not in burnout
    assert all("effort" not in key for facts in burnout.values() for key in facts)


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def computed(week):
    signals_recompute(since=WEEK, until=WEEK)
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC), tick=False):
        yield week


def signal_of(login):
    return Signal.objects.get(agent__acd_login=login)


def test_manager_sees_her_teams_signals_with_facts_and_a_session_link(computed, web, tenants):
    page = web(tenants.alpha, computed.mona).get("/coaching/signals/").content.decode()
    alice = signal_of("alice.a")
    assert "Alice" in page and "Bob" not in page
    assert "AHT index 0.70" in page and "9.0%" in page
    assert f"?agent={alice.agent_id}&amp;signal={alice.pk}&amp;kpis=aht_index%2Crepeat_rate" in page
    detail = web(tenants.alpha, computed.mona).get(f"/coaching/signals/{alice.pk}/")
    assert detail.status_code == 200 and "AHT index 0.70" in detail.content.decode()
    assert web(tenants.alpha, computed.mona).get(f"/coaching/signals/{signal_of('bob.b').pk}/").status_code == 404


def test_other_manager_and_admin(computed, web, tenants):
    page = web(tenants.alpha, computed.max).get("/coaching/signals/").content.decode()
    assert "Bob" in page and "Alice" not in page and "2026-03-03 (91%)" in page
    assert web(tenants.alpha, computed.max).get(f"/coaching/signals/{signal_of('alice.a').pk}/").status_code == 404
    page = web(tenants.alpha, computed.ada).get("/coaching/signals/").content.decode()
    assert page.index("Alice") < page.index("Bob")  # by name, never by strength


def test_agents_and_other_tenants_see_no_signals(computed, web, tenants):
    alice = signal_of("alice.a")
    for url in ("/coaching/signals/", f"/coaching/signals/{alice.pk}/", "/coaching/signals/exclusions/"):
        assert web(tenants.alpha, computed.alice).get(url).status_code == 403
    beta = web(tenants.beta, computed.bea)
    assert "Alice" not in beta.get("/coaching/signals/").content.decode()
    assert beta.get(f"/coaching/signals/{alice.pk}/").status_code == 404


# --- per-agent effort reaches no one but the agent ------------------------------------------


def rising_effort(agent):
    for effort, monday in ((1, 16), (4, 23), (7, 30)):  # Wednesdays of 18 Feb, 25 Feb, 4 Mar
        EffortResponse.objects.create(
            agent=agent,
            effort=effort,
            submitted_at=dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=monday + 2),
        )


def test_no_signal_page_nor_digest_mentions_an_agents_effort(week, web, tenants):
    rising_effort(Agent.objects.get(acd_login="alice.a"))  # alice also has a rushing signal
    rising_effort(Agent.objects.get(acd_login="bob.b"))  # bob also has a burnout signal
    signals_recompute(since=WEEK, until=WEEK)
    assert Signal.objects.filter(agent__acd_login__in=["alice.a", "bob.b"]).count() == 2
    assert all("effort" not in str(s.facts).lower() for s in Signal.objects.all())
    for manager in (week.mona, week.max, week.ada):
        client = web(tenants.alpha, manager)
        pages = [client.get("/coaching/signals/")] + [
            client.get(f"/coaching/signals/{s.pk}/") for s in Signal.objects.all()
        ]
        for response in pages:
            if response.status_code == 200:  # the other team's signal is a 404
                main = re.search(r"<main.*</main>", response.content.decode(), re.S)
                assert main and "effort" not in main.group(0).lower()  # the menu's links aside
    for manager in (week.mona, week.max):
        subject, text, html = digest_render(user=manager, kind="manager", week_start=WEEK)
        assert "Burnout" in text or "Rushing" in text
        assert "effort" not in text.lower() and "effort" not in html.lower()


def test_stored_burnout_signals_forget_the_effort_flag(week):
    forget_effort = importlib.import_module("coaching.migrations.0003_signals_without_effort").forget_effort
    bob, carol = Agent.objects.get(acd_login="bob.b"), Agent.objects.get(acd_login="carol.c")
    now = dt.datetime.now(dt.UTC)
    kept = Signal.objects.create(
        kind="burnout_risk",
        agent=bob,
        week_start=WEEK,
        computed_at=now,
        facts={"occupancy_risk": True, "recovery_risk": False, "effort_rising": True, "kpis": ["occupancy"]},
    )
    Signal.objects.create(
        kind="burnout_risk",
        agent=carol,
        week_start=WEEK,
        computed_at=now,
        facts={"occupancy_risk": False, "recovery_risk": False, "effort_rising": True, "kpis": ["occupancy"]},
    )
    forget_effort(django_apps, None)
    assert list(Signal.objects.values_list("agent__acd_login", flat=True)) == ["bob.b"]
    kept.refresh_from_db()
    assert kept.facts == {"occupancy_risk": True, "recovery_risk": False, "kpis": ["occupancy"]}
