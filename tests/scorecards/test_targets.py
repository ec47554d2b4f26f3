"""KPI targets (bands, forced pairing, history, which target applies, realism check) and the
KPI settings, through the services and through the admins' pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Agent
from interactions.models import InteractionType, Queue
from scorecards.models import KpiSnapshot, SettingChange, Target, TargetChange
from scorecards.targets import (
    realism_check,
    settings_update,
    target_in_force,
    target_retire,
    target_set,
)
from tenants.models import Tenant
from tests.conftest import recompute_reasons

MARCH_2 = dt.date(2026, 3, 2)  # a Monday
PAIRING_REASON = (
    "AHT is a diagnostic: a target on it is accepted only per interaction type, next to "
    "FCR and repeat-rate targets on the same scorecard, so speed is never pushed at the "
    "cost of resolution."
)


@pytest.fixture
def types(people):
    return InteractionType.objects.create(name="billing"), InteractionType.objects.create(name="tech")


def aht(people, interaction_type, **extra):
    return target_set(
        kpi="aht",
        interaction_type=interaction_type,
        direction="lower",
        green=300,
        amber=360,
        effective_from=MARCH_2,
        by=people.ada,
        **extra,
    )


def pair(people, interaction_type=None, team=None):
    target_set(
        kpi="fcr",
        team=team,
        interaction_type=interaction_type,
        green=75,
        amber=65,
        effective_from=MARCH_2,
        by=people.ada,
    )
    target_set(
        kpi="repeat_rate",
        team=team,
        interaction_type=interaction_type,
        green=10,
        amber=15,
        effective_from=MARCH_2,
        by=people.ada,
    )


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- forced pairing ----------------------------------------------------------------------


def test_an_unpaired_aht_target_is_refused_with_the_reason(people, types):
    billing, _ = types
    with pytest.raises(ValidationError) as refused:
        aht(people, billing)
    assert PAIRING_REASON in messages(refused.value)
    assert "Set an FCR and a repeat-rate target for billing" in messages(refused.value)
    assert not Target.objects.filter(kpi="aht").exists()


def test_an_aht_target_for_every_interaction_type_is_refused_even_when_paired(people, types):
    pair(people)
    with pytest.raises(ValidationError) as refused:
        aht(people, None)
    assert PAIRING_REASON in messages(refused.value)
    assert "Choose an interaction type." in messages(refused.value)


def test_aht_is_accepted_next_to_fcr_and_repeat_rate_of_the_same_scorecard(people, types):
    billing, tech = types
    target_set(kpi="fcr", green=75, amber=65, effective_from=MARCH_2, by=people.ada)  # every type
    target_set(kpi="repeat_rate", interaction_type=billing, green=10, amber=15, effective_from=MARCH_2, by=people.ada)
    target = aht(people, billing, team=people.north)  # team-less pairs apply to every team
    assert (target.kpi, target.direction, target.interaction_type) == ("aht", "lower", billing)
    with pytest.raises(ValidationError) as refused:
        aht(people, tech)  # no repeat-rate target covers tech
    assert "Set a repeat-rate target for tech" in messages(refused.value)


def test_pairs_of_another_team_or_retired_pairs_do_not_count(people, types):
    billing, _ = types
    pair(people, billing, team=people.south)
    with pytest.raises(ValidationError):
        aht(people, billing, team=people.north)
    pair(people, billing, team=people.north)
    fcr = Target.objects.get(kpi="fcr", team=people.north)
    target_retire(target=fcr, by=people.ada)
    with pytest.raises(ValidationError) as refused:
        aht(people, billing, team=people.north)
    assert messages(refused.value).endswith(
        "Set an FCR target for billing (or for every interaction type) on team North (or on every team) first."
    )


def test_a_diagnostic_target_must_name_its_direction(people, types):
    billing, _ = types
    pair(people, billing)
    with pytest.raises(ValidationError) as refused:
        target_set(kpi="aht", interaction_type=billing, green=300, amber=360, effective_from=MARCH_2, by=people.ada)
    assert "name the direction of this target explicitly" in messages(refused.value)


def test_fcr_that_pairs_an_aht_target_cannot_be_retired_before_it(people, types):
    billing, _ = types
    pair(people, billing)
    aht_target = aht(people, billing)
    fcr = Target.objects.get(kpi="fcr")
    with pytest.raises(ValidationError) as refused:
        target_retire(target=fcr, by=people.ada)
    assert "AHT for billing" in messages(refused.value)
    target_retire(target=aht_target, by=people.ada)
    target_retire(target=fcr, by=people.ada)
    assert Target.objects.get(pk=fcr.pk).retired_at is not None


# --- bands -------------------------------------------------------------------------------


def test_bands_follow_the_direction_which_defaults_to_the_kpi(people):
    with pytest.raises(ValidationError) as refused:
        target_set(kpi="fcr", green=70, amber=80, effective_from=MARCH_2, by=people.ada)
    assert refused.value.message_dict["amber"] == [
        "Higher is better here, so amber (80) must be at or below green (70)."
    ]
    with pytest.raises(ValidationError) as refused:
        target_set(kpi="repeat_rate", green=15, amber=10, effective_from=MARCH_2, by=people.ada)
    assert "amber (10) must be at or above green (15)" in messages(refused.value)
    assert target_set(kpi="repeat_rate", green=10, amber=15, effective_from=MARCH_2, by=people.ada).direction == "lower"
    equal = target_set(kpi="csat", green=80, amber=80, effective_from=MARCH_2, by=people.ada)
    assert equal.direction == "higher"


def test_thresholds_outside_the_unit_and_scopes_the_kpi_lacks_are_refused(people, types):
    with pytest.raises(ValidationError) as refused:
        target_set(kpi="fcr", green=120, amber=80, effective_from=MARCH_2, by=people.ada)
    assert refused.value.message_dict["green"] == ["FCR is measured in %: a threshold must be between 0 and 100."]
    with pytest.raises(ValidationError) as refused:
        target_set(
            kpi="occupancy",
            queue=Queue.objects.create(name="Billing"),
            green=85,
            amber=90,
            effective_from=MARCH_2,
            by=people.ada,
        )
    assert refused.value.message_dict["queue"] == [
        "Occupancy is not measured per queue, so it takes no target for one."
    ]
    with pytest.raises(ValidationError):
        target_set(kpi="peak_hour", direction="lower", green=9, amber=10, effective_from=MARCH_2, by=people.ada)


# --- history -----------------------------------------------------------------------------


def test_every_change_is_kept_with_old_new_and_who(people):
    target = target_set(kpi="fcr", team=people.north, green=75, amber=65, effective_from=MARCH_2, by=people.ada)
    same = target_set(kpi="fcr", team=people.north, green=78, amber=65, effective_from=MARCH_2, by=people.ada)
    assert same.pk == target.pk and Target.objects.count() == 1
    target_set(
        kpi="fcr", team=people.north, green=78, amber=65, effective_from=MARCH_2, by=people.ada
    )  # nothing changed: no history row
    target_retire(target=target, by=people.ada)

    created, updated, retired = TargetChange.objects.filter(target=target).order_by("pk")
    assert (created.action, created.old, created.changed_by) == ("created", None, people.ada)
    assert created.new == {
        "kpi": "fcr",
        "team": "North",
        "queue": None,
        "interaction_type": None,
        "direction": "higher",
        "green": 75,
        "amber": 65,
        "effective_from": "2026-03-02",
    }
    assert (updated.action, updated.old["green"], updated.new["green"]) == ("updated", 75, 78)
    assert (retired.action, retired.old["green"], retired.new) == ("retired", 78, None)
    assert Target.objects.get(pk=target.pk).retired_at is not None
    with pytest.raises(ValidationError):
        target_retire(target=target, by=people.ada)


# --- which target applies ----------------------------------------------------------------


def test_the_most_specific_target_in_force_on_a_date_applies(people, types):
    _, tech = types
    pair(people)
    tenant_wide = Target.objects.get(kpi="fcr")
    later = target_set(kpi="fcr", green=80, amber=70, effective_from=dt.date(2026, 4, 1), by=people.ada)
    team = target_set(kpi="fcr", team=people.north, green=70, amber=60, effective_from=MARCH_2, by=people.ada)
    of_type = target_set(kpi="fcr", interaction_type=tech, green=60, amber=50, effective_from=MARCH_2, by=people.ada)
    both = target_set(
        kpi="fcr",
        team=people.north,
        interaction_type=tech,
        green=65,
        amber=55,
        effective_from=dt.date(2026, 3, 10),
        by=people.ada,
    )

    def in_force(on, **scope):
        return target_in_force(kpi="fcr", on=on, **scope)

    assert in_force(dt.date(2026, 3, 1)) is None  # before any start date
    assert in_force(dt.date(2026, 3, 15)) == tenant_wide
    assert in_force(dt.date(2026, 4, 1)) == later
    assert in_force(dt.date(2026, 4, 1), team=people.south) == later
    assert in_force(dt.date(2026, 4, 1), team=people.north) == team
    assert in_force(dt.date(2026, 4, 1), team=people.north, interaction_type=tech) == both
    assert in_force(dt.date(2026, 3, 9), team=people.north, interaction_type=tech) == of_type
    assert in_force(dt.date(2026, 4, 1), team=people.south, interaction_type=tech) == of_type
    target_retire(target=both, by=people.ada)
    assert in_force(dt.date(2026, 4, 1), team=people.north, interaction_type=tech) == of_type


# --- realism check -----------------------------------------------------------------------


def snapshot(kpi, login, week, value, n):
    KpiSnapshot.objects.create(
        kpi=kpi,
        scope="agent",
        key=login,
        period="week",
        period_start=week,
        value=value,
        n=n,
        insufficient_data=n < 30,
        computed_at=timezone.now(),
    )


@pytest.fixture
def fcr_weeks(people):
    """Four North agents (dan below the minimum sample) and bob of South, over weeks of March."""
    for login in ("carol.c", "dan.d"):
        Agent.objects.create(acd_login=login, team=people.north)
    w1, w2 = dt.date(2026, 3, 2), dt.date(2026, 3, 9)
    for login, value in (("alice.a", 82), ("carol.c", 70), ("bob.b", 90)):
        snapshot("fcr", login, w1, value, n=40)
    snapshot("fcr", "dan.d", w1, 99, n=12)  # too few contacts: neither met nor eligible
    snapshot("fcr", "alice.a", w2, 80, n=30)  # exactly the minimum sample, exactly green
    snapshot("csat", "carol.c", w2, 95, n=50)  # another KPI
    snapshot("fcr", "carol.c", dt.date(2026, 3, 16), 99, n=50)  # the current week: left out
    return w1, w2


def test_realism_counts_agents_with_enough_contacts_who_were_green(fcr_weeks):
    w1, w2 = fcr_weeks
    weeks = realism_check(kpi="fcr", green=80, amber=70, direction="higher", today=dt.date(2026, 3, 18))
    assert len(weeks) == 8 and weeks[0]["week_start"] == dt.date(2026, 1, 19)
    assert weeks[-2:] == [
        {"week_start": w1, "met": 2, "eligible": 3, "share_pct": 66.7},
        {"week_start": w2, "met": 1, "eligible": 1, "share_pct": 100.0},
    ]
    assert weeks[0] == {"week_start": dt.date(2026, 1, 19), "met": 0, "eligible": 0, "share_pct": None}


def test_realism_for_a_team_and_a_lower_is_better_direction(people, fcr_weeks):
    w1, _ = fcr_weeks
    north = realism_check(
        kpi="fcr", green=80, amber=70, direction="higher", team=people.north, weeks=2, today=dt.date(2026, 3, 16)
    )
    assert north[0] == {"week_start": w1, "met": 1, "eligible": 2, "share_pct": 50.0}
    lower = realism_check(kpi="fcr", green=80, amber=90, direction="lower", weeks=2, today=dt.date(2026, 3, 16))
    assert (lower[0]["met"], lower[1]["met"]) == (1, 1)  # carol's 70 in w1, alice's 80 in w2


# --- settings ----------------------------------------------------------------------------


@pytest.fixture
def alpha(tenants, people):
    # a fresh copy: the session's tenant object is shared by every test
    return Tenant.objects.get(pk=tenants.alpha.pk)


def test_a_settings_change_is_audited_and_requests_one_recompute(people, alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        changes = settings_update(
            tenant=alpha,
            by=people.ada,
            changes={
                "service_level_seconds": 30,
                "service_level_inclusive": False,
                "min_sample": 30,
                "service_level_target_pct": "85.5",
                "cost_per_contact_minute": "0.0250",
            },
        )
    assert recompute_reasons(callbacks) == ["settings"]
    assert sorted((c.setting, c.old, c.new, c.changed_by) for c in changes) == [
        ("cost_per_contact_minute", "0", "0.025", people.ada),
        ("service_level_inclusive", "true", "false", people.ada),
        ("service_level_seconds", "20", "30", people.ada),
        ("service_level_target_pct", "80", "85.5", people.ada),
    ]
    assert SettingChange.objects.count() == 4
    stored = Tenant.objects.get(pk=alpha.pk)
    assert (stored.service_level_seconds, stored.service_level_inclusive) == (30, False)
    assert stored.service_level_target_pct == Decimal("85.5") and alpha.service_level_seconds == 30


def test_saving_unchanged_settings_writes_nothing_and_recomputes_nothing(
    people, alpha, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert (
            settings_update(
                tenant=alpha, by=people.ada, changes={"min_sample": "30", "service_level_target_pct": Decimal("80.00")}
            )
            == []
        )
    assert callbacks == [] and not SettingChange.objects.exists()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("service_level_target_pct", 120, "Ensure this value is less than or equal to 100."),
        ("min_sample", 0, "Ensure this value is greater than or equal to 1."),
        ("service_level_seconds", 0, "Must be 1 or more."),
        ("cost_per_paid_hour", -5, "Must be 0 or more."),
        ("timezone", "UTC", "Not a KPI setting: timezone."),
    ],
)
def test_invalid_settings_are_refused_and_nothing_changes(
    people, alpha, setting, value, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as refused:
        settings_update(tenant=alpha, by=people.ada, changes={"repeat_window_days": 14, setting: value})
    assert message in messages(refused.value)
    assert callbacks == [] and not SettingChange.objects.exists()
    assert Tenant.objects.get(pk=alpha.pk).repeat_window_days == 7


# --- pages -------------------------------------------------------------------------------

PAGES = ["/kpis/targets/", "/kpis/settings/", "/kpis/targets/realism/?kpi=fcr&green=80"]


@pytest.mark.parametrize("url", PAGES)
def test_targets_and_settings_are_for_admins_only(tenants, people, web, url):
    assert web(tenants.alpha, people.ada).get(url).status_code == 200
    assert web(tenants.alpha, people.mona).get(url).status_code == 403
    assert web(tenants.alpha, people.alice).get(url).status_code == 403
    assert web(tenants.alpha).get(url).status_code == 302


def test_a_target_page_of_another_tenant_is_404_and_its_targets_are_not_listed(tenants, people, web, in_tenant):
    target = target_set(kpi="csat", green=85, amber=75, effective_from=MARCH_2, by=people.ada)
    assert web(tenants.alpha, people.ada).get(f"/kpis/targets/{target.pk}/").status_code == 200
    assert web(tenants.alpha, people.mona).get(f"/kpis/targets/{target.pk}/").status_code == 403
    beta = web(tenants.beta, people.bea)
    assert beta.get(f"/kpis/targets/{target.pk}/").status_code == 404
    assert "No targets yet." in beta.get("/kpis/targets/").content.decode()


def target_form(**overrides):
    data = {
        "kpi": "fcr",
        "team": "",
        "queue": "",
        "interaction_type": "",
        "direction": "",
        "green": "80",
        "amber": "70",
        "effective_from": "2026-03-02",
    }
    return {**data, **overrides}


def test_admin_sets_a_target_on_the_page_and_sees_it_and_its_history(tenants, people, web):
    client = web(tenants.alpha, people.ada)
    response = client.post("/kpis/targets/", target_form(team=people.north.pk), follow=True)
    page = response.content.decode()
    assert "Target saved: First-contact resolution, in force from 2026-03-02." in page
    target = Target.objects.get(kpi="fcr")
    assert (target.team, target.green, target.created_by) == (people.north, 80, people.ada)
    assert "green ≥ 80, amber ≥ 70" in page and "ada@alpha.test" in page
    response = client.post(f"/kpis/targets/{target.pk}/", {"direction": "", "green": "82", "amber": "70"}, follow=True)
    page = response.content.decode()
    assert "Target saved." in page and "green ≥ 82, amber ≥ 70" in page
    assert TargetChange.objects.filter(target=target, action="updated").count() == 1
    response = client.post(f"/kpis/targets/{target.pk}/", {"action": "retire"}, follow=True)
    assert "Target retired." in response.content.decode()
    assert Target.objects.get(pk=target.pk).retired_at is not None


def test_an_unpaired_aht_target_is_refused_on_the_page_with_the_reason(tenants, people, web, types):
    response = web(tenants.alpha, people.ada).post(
        "/kpis/targets/",
        target_form(kpi="aht", interaction_type=types[0].pk, direction="lower", green="300", amber="360"),
    )
    assert response.status_code == 200
    assert PAIRING_REASON in response.content.decode()
    assert not Target.objects.exists()


@time_machine.travel(dt.datetime(2026, 3, 18, 12, tzinfo=dt.UTC), tick=False)
def test_a_preview_or_a_refused_target_shows_the_realism_check_without_saving(tenants, people, web, fcr_weeks):
    client = web(tenants.alpha, people.ada)
    page = client.post("/kpis/targets/", target_form(preview="1")).content.decode()
    assert not Target.objects.exists()
    assert "Agents with n ≥ 30 whose weekly First-contact resolution was green (≥ 80):" in page
    assert '<td>2026-03-02</td><td class="num">2</td><td class="num">3</td><td class="num">66.7%</td>' in page
    assert page.count('class="empty">No agent had enough contacts<') == 6
    page = client.post("/kpis/targets/", target_form(amber="90", team=people.north.pk)).content.decode()
    assert "amber (90) must be at or below green (80)" in page
    assert '<td>2026-03-02</td><td class="num">1</td><td class="num">2</td><td class="num">50%</td>' in page


@time_machine.travel(dt.datetime(2026, 3, 18, 12, tzinfo=dt.UTC), tick=False)
def test_the_realism_endpoint_answers_json_for_the_typed_target(tenants, people, web, fcr_weeks):
    client = web(tenants.alpha, people.ada)
    data = client.get(
        "/kpis/targets/realism/", {"kpi": "fcr", "green": "80", "amber": "70", "team": people.north.pk}
    ).json()
    assert (data["direction"], data["min_sample"], data["team"], data["per_agent"]) == ("higher", 30, "North", True)
    assert data["weeks"][-2:] == [
        {"week_start": "2026-03-02", "met": 1, "eligible": 2, "share_pct": 50.0},
        {"week_start": "2026-03-09", "met": 1, "eligible": 1, "share_pct": 100.0},
    ]
    refused = client.get("/kpis/targets/realism/", {"kpi": "aht", "green": "300"})
    assert refused.status_code == 400 and "direction" in refused.json()["errors"]
    assert client.get("/kpis/targets/realism/", {"kpi": "fcr", "green": "x"}).status_code == 400
    operations = client.get("/kpis/targets/realism/", {"kpi": "service_level", "green": "80"}).json()
    assert (operations["per_agent"], operations["weeks"]) == (False, [])


def test_the_targets_page_reads_as_many_queries_for_many_targets_as_for_one(tenants, people, web, types):
    client = web(tenants.alpha, people.ada)
    target_set(kpi="csat", green=85, amber=75, effective_from=MARCH_2, by=people.ada)
    with CaptureQueriesContext(connection) as one:
        client.get("/kpis/targets/")
    pair(people, types[0], team=people.north)
    aht(people, types[0], team=people.north)
    for kpi in ("nps", "qa_score"):
        target_set(kpi=kpi, team=people.south, green=50, amber=40, effective_from=MARCH_2, by=people.ada)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/kpis/targets/").content.decode()
    assert page.count("green ") >= 12  # 6 targets and their 6 history rows
    assert len(many) == len(one)


def test_admin_changes_settings_on_the_page_and_sees_the_history(
    tenants, people, web, django_capture_on_commit_callbacks
):
    client = web(tenants.alpha, people.ada)
    form = client.get("/kpis/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.post("/kpis/settings/", {**data, "min_sample": "50"}, follow=True).content.decode()
    assert "Saved 1 setting." in page and recompute_reasons(callbacks) == ["settings"]
    assert "<td>Minimum sample</td><td>30</td><td>50</td>" in page
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.post("/kpis/settings/", {**data, "min_sample": "50"}, follow=True).content.decode()
    assert "Nothing changed." in page and callbacks == []
    page = client.post("/kpis/settings/", {**data, "service_level_target_pct": "120"}).content.decode()
    assert "Ensure this value is less than or equal to 100." in page
    assert SettingChange.objects.count() == 1
