"""The coaching and QA pages of managers, agents and admins, and both weekly digests, rendered
in German: no English source string of the catalogue is left on them, and each shows German
words of its own (so an English page could not pass by showing nothing).

Pages are fetched with Accept-Language: de inside ``translation.override("de")``: the override
renders German where no middleware picks the language, the header where LocaleMiddleware does.
"""

import datetime as dt
import html

import pytest
from django.utils import timezone, translation

from accounts.models import User
from coaching.digest_send import digest_render
from coaching.exclusions import exclusion_add
from coaching.models import CoachingSession, Signal
from coaching.sessions import action_item_add, coaching_session_create, coaching_session_transition, evidence_add
from common.periods import week_start
from qa.calibration import calibration_evaluation_save
from qa.form_versions import qa_form_create
from qa.models import QaQuestion
from qa.services import calibration_create, check_rule_save, dispute_raise, evaluation_start, sampling_plan_set
from tenants.current import current_tenant
from tests.coaching.test_digest_content import WEEK, seed_week
from tests.factories import KpiSnapshotFactory
from tests.i18n_scan import untranslated
from tests.qa.test_qa_forms import ALL_MET, STRUCTURE, contacts, evaluate

HAS_LANGUAGE = any(f.name == "language" for f in User._meta.get_fields())


@pytest.fixture
def world(people):
    """A signal of each kind, a held session two days unacknowledged with an overdue action
    item and KPI evidence, an exclusion, a QA form with a draft, a submitted and disputed
    evaluation, a check rule with results, a calibration and a sampling plan."""
    this_week = week_start(timezone.localdate(timezone=current_tenant().tz))
    alice = people.alice.agent
    facts = {
        "rushing": {
            "aht_index": 0.7,
            "n": 40,
            "rates": {"repeat_rate": {"value": 12.5, "team_p75": 8.0, "n": 40, "teammates": 3}},
            "min_sample": 30,
            "kpis": ["aht_index", "repeat_rate"],
        },
        "complexity_mismatch": {
            "types": ["tech"],
            "agent_share": 0.6,
            "team_share": 0.2,
            "contacts": 50,
            "team_contacts": 200,
            "kpis": ["aht", "aht_index"],
        },
        "burnout_risk": {
            "occupancy_risk": True,
            "high_days": [{"day": "2026-03-02", "occupancy": 91.0}, {"day": "2026-03-03", "occupancy": 92.0}],
            "working_days": ["2026-03-02", "2026-03-03", "2026-03-04"],
            "recovery_risk": True,
            "recovery_median": 20.0,
            "long_contacts": 12,
            "kpis": ["occupancy"],
        },
    }
    signals = [
        Signal.objects.create(kind=kind, agent=alice, week_start=this_week, facts=f, computed_at=timezone.now())
        for kind, f in facts.items()
    ]
    session = coaching_session_create(agent=alice, by=people.mona, focus_kpis=["fcr"], signal=signals[0])
    snapshot = KpiSnapshotFactory(value=72.0, numerator=36, denominator=50, n=50, ci_low=58.3, ci_high=82.5)
    evidence_add(session=session, by=people.mona, kpi_snapshot=snapshot, note="Billing week")
    coaching_session_transition(session=session, to="held", by=people.mona)
    CoachingSession.objects.filter(pk=session.pk).update(held_at=timezone.now() - dt.timedelta(days=3))
    action_item_add(
        session=session,
        by=people.mona,
        description="Shadow a senior",
        owner=people.alice,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )

    form = qa_form_create(name="Billing calls", structure=STRUCTURE, by=people.ada)
    north, second, third, left_out = contacts(
        ("north-1", "alice.a"), ("north-2", "alice.a"), ("north-3", "alice.a"), ("north-4", "alice.a")
    )
    exclusion_add(interaction=left_out, reason="outage", note="Phones down", by=people.mona)
    submitted = evaluate(form, north, people.ada, {**ALL_MET, "Greeting": 0})
    greeting = submitted.answers.get(question__text="Greeting")
    dispute_raise(answer=greeting, by=people.alice, reason="I did greet")
    draft = evaluation_start(interaction=second, version=form, by=people.mona)
    greeting_question = QaQuestion.objects.get(section__version=form, text="Greeting")
    rule, _ = check_rule_save(
        name="Recording disclosure",
        kind="required_phrase",
        phrase="this call is recorded",
        threshold_seconds=None,
        channels="",
        question=greeting_question,
        is_active=True,
    )
    calibration = calibration_create(interaction=third, version=form, by=people.mona)
    questions = QaQuestion.objects.filter(section__version=form)
    calibration_evaluation_save(
        calibration=calibration,
        reviewer=people.mona,
        answers={q.pk: (None, True, "") if q.allow_na else (1, False, "") for q in questions},
        agreed=True,
    )
    sampling_plan_set(team=people.north, form=form.form, per_agent_per_week=2, is_active=True)
    return type(
        "World",
        (),
        {
            "people": people,
            "session": session,
            "signal": signals[2],
            "submitted": submitted,
            "draft": draft,
            "form": form.form,
            "rule": rule,
            "calibration": calibration,
        },
    )


# (url, German text the page must show)
MANAGER_PAGES = [
    ("/coaching/", "Braucht Aufmerksamkeit"),
    (lambda w: f"/coaching/{w.session.pk}/", "Coaching-Sitzung mit"),
    (lambda w: f"/coaching/new/?agent={w.session.agent_id}&signal={w.signal.pk}", "Coaching-Sitzung planen"),
    ("/coaching/?status=closed", "Keine Coaching-Sitzungen passen zu diesen Filtern."),
    ("/coaching/signals/", "Komplexeste Arten: tech."),
    (lambda w: f"/coaching/signals/{w.signal.pk}/", "Median der Bereitschaftszeit"),
    ("/coaching/signals/exclusions/", "Systemausfall"),
    ("/coaching/signals/exclusions/?status=removed", "Keine aufgehobenen Ausnahmen."),
    ("/coaching/signals/exclusions/new/", "Einen Kontakt aus den KPIs ausnehmen"),
    ("/kpis/qa/", "Einen Kontakt bewerten"),
    ("/kpis/qa/evaluate/?contact=north-3", "Bewertung beginnen"),
    (lambda w: f"/kpis/qa/evaluations/{w.draft.pk}/", "Entwurf speichern"),
    (lambda w: f"/kpis/qa/evaluations/{w.submitted.pk}/", "wartet auf eine bewertende Person"),
    ("/kpis/qa/disputes/", "Stattgegeben: Antwort ändern"),
    ("/kpis/qa/checks/", "Übereinstimmung mit den Bewertenden"),
    ("/kpis/qa/checks/results/", "Letzte fehlgeschlagene Prüfungen"),
    ("/kpis/qa/checks/results/?contact=north-1", "Automatische Prüfungen des Kontakts north-1"),
    (lambda w: f"/kpis/qa/checks/sampling/?team={w.people.north.pk}", "Diese Woche ziehen"),
    ("/kpis/qa/checks/calibrations/", "Neue Kalibrierung"),
    (lambda w: f"/kpis/qa/checks/calibrations/{w.calibration.pk}/", "Pro bewertender Person"),
]
AGENT_PAGES = [
    ("/coaching/mine/", "Meine Maßnahmen"),
    (lambda w: f"/coaching/{w.session.pk}/", "Ihr Kommentar (optional)"),
    ("/kpis/qa/mine/", "Meine Bewertungen"),
    (lambda w: f"/kpis/qa/evaluations/{w.submitted.pk}/", "Einspruch: I did greet"),
]
ADMIN_PAGES = [
    ("/coaching/digests/", "Wochenübersicht eines Managers ansehen"),
    ("/kpis/qa/forms/", "QA-Bewertungsformulare"),
    (lambda w: f"/kpis/qa/forms/{w.form.pk}/", "Eine Frage hinzufügen"),
    (lambda w: f"/kpis/qa/checks/rules/{w.rule.pk}/", "Regel Recording disclosure"),
]


def german(client, url: str) -> str:
    with translation.override("de"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200, url
    return response.content.decode()


def scan(client, pages, w) -> dict:
    """{url: [English msgids on it]} plus {url: "missing: <German text>"}; empty when all is well."""
    problems = {}
    for page, expected in pages:
        url = page(w) if callable(page) else page
        content = german(client, url)
        if english := untranslated(content):
            problems[url] = english
        if expected not in html.unescape(content).replace("\u00a0", " "):
            problems[url + " (missing)"] = expected
    return problems


def test_the_managers_coaching_and_qa_pages_are_german(world, web, tenants):
    assert scan(web(tenants.alpha, world.people.mona), MANAGER_PAGES, world) == {}


def test_the_agents_coaching_and_qa_pages_are_german(world, web, tenants):
    assert scan(web(tenants.alpha, world.people.alice), AGENT_PAGES, world) == {}


def test_the_admins_digest_ledger_and_qa_builder_are_german(world, web, tenants):
    assert scan(web(tenants.alpha, world.people.ada), ADMIN_PAGES, world) == {}


def text_as_html(text: str) -> str:
    """A plain-text email as paragraphs for the scanner: each line, bullet-less, and the label
    of a "Label: value" line on its own."""
    parts = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ")
        parts += [line, line.split(": ")[0]] if ": " in line else [line]
    return "<main>" + "".join(f"<p>{html.escape(p)}</p>" for p in parts if p) + "</main>"


@pytest.mark.parametrize("kind", ["manager", "agent"])
def test_both_digests_are_german_for_a_german_recipient(people, kind):
    seed_week(people.north, people.south)
    user = people.mona if kind == "manager" else people.alice
    user.language = "de"  # the user's own language, whatever the active one
    subject, text, body = digest_render(user=user, kind=kind, week_start=WEEK)
    assert untranslated(body, scope="document") == []
    assert untranslated(text_as_html(text)) == []
    assert untranslated(text_as_html(subject)) == []
    assert text.startswith("Hallo ") and 'lang="de"' in body
    if kind == "manager":
        assert subject == "Alpha Care: Ihre Coaching-Wochenübersicht für die Woche vom 9. Mär 2026"
        assert "Die Woche Ihrer Teams vom Mo, 9. Mär bis So, 15. Mär 2026" in text
        # numbers as German writes them, and the facts of a signal in German
        assert "82,0\u00a0% (95% 74,2\u00a0%–88,0\u00a0%), n=120 - im Zielwert; keine signifikante Änderung" in text
        assert "Shadow a senior on billing calls (Alice" in text and "fällig am 11. Mär" in text
    else:
        assert subject == "Alpha Care: Ihre Woche vom 9. Mär 2026"
        assert "Ihre Woche in Zahlen" in text


def test_an_english_recipient_still_gets_english_from_a_german_session(people):
    seed_week(people.north, people.south)
    people.mona.language = "en"
    with translation.override("de"):
        subject, text, _ = digest_render(user=people.mona, kind="manager", week_start=WEEK)
    assert subject == "Alpha Care: your coaching digest for the week of 9 Mar 2026"
    assert "82.0% (95% 74.2%–88.0%), n=120 - on target; not a significant change (from 78.0%)" in text


@pytest.mark.skipif(not HAS_LANGUAGE, reason="accounts.User.language arrives with the per-user language setting")
def test_the_digest_preview_shows_the_recipients_language(world, web, tenants):
    mona = world.people.mona
    User.objects.filter(pk=mona.pk).update(language="de")
    with translation.override("en"):
        page = web(tenants.alpha, world.people.ada).get(f"/coaching/digests/preview/?user={mona.pk}&week={WEEK}")
    assert page.status_code == 200
    content = html.unescape(page.content.decode())
    assert (
        "Ihre Coaching-Wochenübersicht für die Woche vom" in content and "Vorschau der Wochenübersicht" not in content
    )


def test_a_spanish_recipient_gets_spanish(people):
    seed_week(people.north, people.south)
    people.alice.language = "es"
    subject, text, _ = digest_render(user=people.alice, kind="agent", week_start=WEEK)
    assert subject == "Alpha Care: tu semana del 9 Mar 2026"
    assert "Tu semana en cifras" in text and "Tus acciones pendientes" not in text  # alice has none open
    assert untranslated(text_as_html(text), language="es") == []
