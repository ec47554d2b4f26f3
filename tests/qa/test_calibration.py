"""Calibration report on a fixture. Form: Q1 yes/no 2 points, Q2 1–5 4 points, Q3 yes/no
1 point (N/A allowed). Agreed: 1, 4, 1 → 2 + 3 + 1 = 6 of 7 = 85.71 %.
  mona 0, 2, 1 → 0 + 1 + 1 = 2/7 = 28.57 %: −57.14 points, strict; 1 of 3 agreed answers
  max  1, 5, 1 → 7/7 = 100 %: +14.29 points, lenient; 2 of 3
  ada  1, 4, 1 → 85.71 %: in line; 3 of 3
"""

import datetime as dt

import pytest

from qa.calibration import calibration_evaluation_save, calibration_report
from qa.models import QaCalibration, QaForm, QaFormVersion, QaQuestion, QaSection
from tests.factories import InteractionFactory

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def calibration(people):
    version = QaFormVersion.objects.create(form=QaForm.objects.create(name="Voice"), number=1)
    section = QaSection.objects.create(version=version, title="Call")
    q1 = QaQuestion.objects.create(section=section, text="Greeting", scale="yes_no", points=2, position=1)
    q2 = QaQuestion.objects.create(section=section, text="Empathy", scale="one_to_five", points=4, position=2)
    q3 = QaQuestion.objects.create(
        section=section, text="Disclosure", scale="yes_no", points=1, allow_na=True, position=3
    )
    contact = InteractionFactory(external_id="cal1", offered_at=AT, agent=people.alice.agent, transcript="hello")
    cal = QaCalibration.objects.create(interaction=contact, version=version, created_by=people.ada)

    def save(user, values, agreed=False):
        answers = {q.pk: (v, False, "") for q, v in zip((q1, q2, q3), values, strict=True)}
        calibration_evaluation_save(calibration=cal, reviewer=user, answers=answers, agreed=agreed)

    save(people.ada, (1, 4, 1), agreed=True)
    save(people.mona, (0, 2, 1))
    save(people.max, (1, 5, 1))
    save(people.ada, (1, 4, 1))
    cal.refresh_from_db()
    return cal


def test_report_spread_per_question_and_strict_or_lenient_per_reviewer(calibration):
    report = calibration_report(calibration)
    assert report["agreed_score_pct"] == pytest.approx(600 / 7)
    q1, q2, q3 = report["questions"]
    assert q1["answers"] == ["0", "1", "1"] and q1["agreed"] == "1"  # mona, max, ada (in order of entry)
    assert (q2["spread_min"], q2["spread_max"], q2["spread"]) == (2, 5, 3)
    assert (q1["spread_min"], q1["spread_max"]) == (0, 1) and q3["spread"] == 0
    by_name = {r["reviewer"].email.split("@")[0]: r for r in report["reviewers"]}
    assert by_name["mona"]["leaning"] == "strict"
    assert by_name["mona"]["score_diff"] == pytest.approx(200 / 7 - 600 / 7)
    assert by_name["mona"]["agreed_share_pct"] == pytest.approx(100 / 3)
    assert by_name["max"]["leaning"] == "lenient"
    assert by_name["max"]["score_diff"] == pytest.approx(100 - 600 / 7)
    assert by_name["max"]["agreed_share_pct"] == pytest.approx(200 / 3)
    assert by_name["ada"]["leaning"] == "in line" and by_name["ada"]["agreed_share_pct"] == 100


def test_saving_again_replaces_the_reviewers_answers_and_stays_out_of_normal_evaluations(calibration, people):
    assert calibration.evaluations.count() == 4  # agreed + three reviewers
    q = list(QaQuestion.objects.filter(section__version=calibration.version).order_by("position"))
    calibration_evaluation_save(
        calibration=calibration,
        reviewer=people.mona,
        answers={q[0].pk: (1, False, ""), q[1].pk: (4, False, ""), q[2].pk: (None, True, "")},
    )
    assert calibration.evaluations.count() == 4
    mona = {r["reviewer"].email: r for r in calibration_report(calibration)["reviewers"]}["mona@alpha.test"]
    assert mona["score_pct"] == pytest.approx(500 / 6)
    assert not calibration.interaction.qa_evaluations.filter(calibration__isnull=True).exists()


def test_calibration_pages(calibration, web, tenants, people):
    mona = web(tenants.alpha, people.mona)
    listing = mona.get("/kpis/qa/checks/calibrations/")
    assert listing.status_code == 200 and list(listing.context["calibrations"]) == [calibration]
    page = mona.get(f"/kpis/qa/checks/calibrations/{calibration.pk}/")
    assert page.status_code == 200 and "strict" in page.content.decode()
    assert "agreed" not in page.context["form"].fields  # only the creator or an admin sets the agreed answers
    q = list(QaQuestion.objects.filter(section__version=calibration.version).order_by("position"))
    response = mona.post(
        f"/kpis/qa/checks/calibrations/{calibration.pk}/", {f"q{q[0].pk}": "1", f"q{q[1].pk}": "4", f"q{q[2].pk}": "na"}
    )
    assert response.status_code == 302
    assert calibration.evaluations.get(reviewer=people.mona).answers.get(question=q[2]).not_applicable
    # create a calibration for another contact of mona's team
    other = InteractionFactory(external_id="cal2", offered_at=AT, agent=people.alice.agent)
    created = mona.post("/kpis/qa/checks/calibrations/", {"contact": "cal2", "version": calibration.version.pk})
    assert created.status_code == 302 and QaCalibration.objects.filter(interaction=other).exists()


def test_calibration_access(calibration, web, tenants, people):
    url = f"/kpis/qa/checks/calibrations/{calibration.pk}/"
    assert web(tenants.alpha, people.alice).get(url).status_code == 403
    assert web(tenants.alpha, people.alice).get("/kpis/qa/checks/calibrations/").status_code == 403
    max_ = web(tenants.alpha, people.max)  # alice's contact is not in his team
    assert max_.get(url).status_code == 404
    assert list(max_.get("/kpis/qa/checks/calibrations/").context["calibrations"]) == []
    assert (
        max_.post("/kpis/qa/checks/calibrations/", {"contact": "cal1", "version": calibration.version.pk}).status_code
        == 200
    )
    assert web(tenants.beta, people.bea).get(url).status_code == 404


def test_a_calibration_round_only_on_a_contact_the_reviewer_may_see(calibration, people):
    from django.core.exceptions import ValidationError

    from qa.services import calibration_create

    with pytest.raises(ValidationError, match="cannot review this contact"):
        calibration_create(interaction=calibration.interaction, version=calibration.version, by=people.max)
    with pytest.raises(ValidationError, match="cannot review this contact"):
        calibration_create(interaction=calibration.interaction, version=calibration.version, by=people.alice)
    made = calibration_create(interaction=calibration.interaction, version=calibration.version, by=people.mona)
    assert made.created_by == people.mona
