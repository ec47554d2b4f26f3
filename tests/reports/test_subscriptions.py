"""Report subscriptions: who may subscribe whom, who sees which, the settings page, the audit
trail, isolation between tenants, and what a report holds for each recipient."""

import io

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from reports.content import report_content
from reports.models import Cadence, ReportSubscription, Scope
from reports.render import report_csv, report_message
from reports.services import report_subscription_create, report_subscription_delete
from tests.reports.seed import WEEK, seed_reports

URL = "/settings/reports/"


def subscribe(recipient, by, cadence=Cadence.WEEKLY, scope=None, team=None):
    scope = scope or (Scope.MY_TEAMS if recipient.role == "manager" else Scope.CENTER)
    return report_subscription_create(recipient=recipient, cadence=cadence, scope=scope, team=team, by=by)


def test_a_manager_subscribes_herself_and_the_audit_log_says_so(people):
    subscription = subscribe(people.mona, people.mona)
    event = AuditEvent.objects.get(action="report_subscription.create")
    assert event.object_id == str(subscription.pk) and event.actor_id == people.mona.pk
    assert event.after == {"recipient": "mona@alpha.test", "cadence": "week", "scope": "teams", "team": None}
    report_subscription_delete(subscription=subscription, by=people.mona)
    removed = AuditEvent.objects.get(action="report_subscription.delete")
    assert removed.before["recipient"] == "mona@alpha.test" and not ReportSubscription.objects.exists()


def test_a_manager_cannot_subscribe_someone_else_nor_to_other_teams(people):
    with pytest.raises(PermissionDenied):
        subscribe(people.max, people.mona)
    with pytest.raises(ValidationError):
        subscribe(people.mona, people.mona, scope=Scope.TEAM, team=people.south)
    with pytest.raises(ValidationError):  # the whole center is an admin's report
        subscribe(people.mona, people.mona, scope=Scope.CENTER)
    assert not ReportSubscription.objects.exists()


def test_an_admin_subscribes_managers_and_admins_but_not_agents_and_not_twice(people):
    subscribe(people.mona, people.ada)
    subscribe(people.ada, people.ada, scope=Scope.TEAM, team=people.south)
    with pytest.raises(ValidationError, match="exists already"):
        subscribe(people.mona, people.ada)
    with pytest.raises(ValidationError):
        subscribe(people.alice, people.ada)
    people.max.is_active = False
    people.max.save()
    with pytest.raises(ValidationError):
        subscribe(people.max, people.ada)
    assert ReportSubscription.objects.count() == 2


def test_the_form_of_a_manager_subscribes_only_her_even_with_a_forged_recipient(people, web, tenants):
    page = web(tenants.alpha, people.mona)
    response = page.post(URL, {"recipient": people.max.pk, "cadence": "week", "scope": "teams"})
    assert response.status_code == 302
    assert list(ReportSubscription.objects.values_list("recipient__email", "scope")) == [("mona@alpha.test", "teams")]
    html = page.get(URL).content.decode()
    assert 'name="recipient"' not in html and '<label for="id_cadence">' in html
    assert "All my teams" in html and "max@alpha.test" not in html


def test_an_admin_subscribes_a_manager_from_the_page_and_a_wrong_team_is_explained(people, web, tenants):
    page = web(tenants.alpha, people.ada)
    wrong = page.post(URL, {"recipient": people.mona.pk, "cadence": "month", "scope": "team", "team": people.south.pk})
    assert wrong.status_code == 200 and "only teams they manage" in wrong.content.decode()
    page.post(URL, {"recipient": people.mona.pk, "cadence": "month", "scope": "team", "team": people.north.pk})
    assert list(ReportSubscription.objects.values_list("recipient__email", "cadence", "team__name")) == [
        ("mona@alpha.test", "month", "North")
    ]


def test_managers_see_only_their_own_subscriptions_admins_all(people, web, tenants):
    own = subscribe(people.mona, people.mona)
    other = subscribe(people.max, people.max)
    mona_page = web(tenants.alpha, people.mona)
    html = mona_page.get(URL).content.decode()
    assert f"/settings/reports/{own.pk}/remove/" in html and f"/settings/reports/{other.pk}/remove/" not in html
    assert mona_page.get(f"/settings/reports/{other.pk}/remove/").status_code == 404
    assert mona_page.post(f"/settings/reports/{other.pk}/remove/").status_code == 404
    assert ReportSubscription.objects.filter(pk=other.pk).exists()
    admin_html = web(tenants.alpha, people.ada).get(URL).content.decode()
    assert "mona@alpha.test" in admin_html and "max@alpha.test" in admin_html
    assert web(tenants.alpha, people.alice).get(URL).status_code in (403, 404)


def test_removing_from_the_page_deletes_it(people, web, tenants):
    own = subscribe(people.mona, people.mona)
    client = web(tenants.alpha, people.mona)
    assert (
        "Remove this report subscription?"
        in client.get(reverse("report_subscription_remove", args=[own.pk])).content.decode()
    )
    client.post(reverse("report_subscription_remove", args=[own.pk]))
    assert not ReportSubscription.objects.exists()
    assert "No report subscriptions yet." in client.get(URL).content.decode()


def test_subscriptions_of_one_tenant_are_invisible_in_another(people, web, tenants, in_tenant):
    alpha_one = subscribe(people.ada, people.ada)
    in_tenant(tenants.beta)
    assert not ReportSubscription.objects.exists()
    beta = web(tenants.beta, people.bea)
    assert "ada@alpha.test" not in beta.get(URL).content.decode()
    assert beta.get(f"/settings/reports/{alpha_one.pk}/remove/").status_code == 404
    in_tenant(tenants.alpha)


def test_a_managers_report_never_holds_another_teams_agents(people):
    seed_reports()
    subscribe(people.mona, people.mona)
    context = report_content(recipient=people.mona, cadence="week", start=WEEK)
    assert [s.title for s in context["sections"]] == ["North"]
    assert [a.login for a in context["sections"][0].agents] == ["alice.a"]
    csv_text = report_csv(context)
    assert "bob.b" not in csv_text and "South" not in csv_text and "73.8" not in csv_text
    # moved off North, she gets an empty report, never the team she left
    people.north.managers.remove(people.mona)
    assert report_content(recipient=people.mona, cadence="week", start=WEEK)["sections"] == []


def test_the_report_speaks_the_recipients_language(people):
    seed_reports()
    subscribe(people.mona, people.mona)
    people.mona.language = "de"  # accounts.User.language, where it exists
    message = report_message(recipient=people.mona, cadence="week", start=WEEK)
    assert message.subject == "Alpha Care: wöchentliche Scorecard, 9 Mär – 15 Mär 2026"
    assert "Ihre Scorecard für die Woche vom Mo 9 Mär bis So 15 Mär 2026" in message.body
    assert "North-Star-KPIs" in message.body and "North-star KPIs" not in message.body
    pdf = next(content for name, content, _ in message.attachments if name.endswith(".pdf"))
    pdf_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Ihre Scorecard" in pdf_text and "82,5 %" in pdf_text  # a German decimal comma
