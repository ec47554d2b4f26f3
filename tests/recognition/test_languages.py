"""The recognition pages and the digest's section speak German and Spanish: no English source
string of ours is left on them."""

import pytest

from accounts.models import User
from coaching.digest_send import digest_render
from tests.recognition.test_digest import WEEK
from tests.recognition.test_digest import seed as seed_week
from tests.recognition.test_pages import north  # noqa: F401 - the fixture

ENGLISH = [
    "My recognitions",
    "My milestones",
    "Kudos I received",
    "Keep all my milestones private",
    "Team recognitions",
    "Give kudos",
    "Send kudos",
    "Who may see it",
    "Showed empathy",
    "top CSAT answers in a row",
    "QA evaluations in a row",
    "seen by the team",
    "only you see it",
    "Kudos and milestones",
    "kudos from",
    "No kudos or shared milestones this week.",
]
EXPECTED = {
    "de": ["Meine Anerkennung", "Meine Meilensteine", "Hat Empathie gezeigt"],
    "es": ["Mis reconocimientos", "Mis hitos", "Mostró empatía"],
}


@pytest.mark.parametrize("language", ["de", "es"])
def test_the_pages_have_no_english_left(tenants, people, web, north, language):  # noqa: F811 - the fixture
    alice, mona = web(tenants.alpha, people.alice), web(tenants.alpha, people.mona)
    # Neither chose a language, so the pages follow the browser's.
    asked = {"accept-language": language}
    pages = [
        alice.get("/recognition/", headers=asked).content.decode(),
        mona.get("/recognition/team/", headers=asked).content.decode(),
        mona.get("/recognition/give/", headers=asked).content.decode(),
    ]
    text = "\n".join(pages)
    for source in ENGLISH[:-3]:
        assert source not in text, (language, source)
    for translated in EXPECTED[language]:
        assert translated in text, (language, translated)


@pytest.mark.parametrize("language", ["de", "es"])
def test_the_digest_section_has_no_english_left(people, language):
    seed_week(people)
    # The digest speaks its recipient's language (unsaved: the persona is shared by the session).
    mona = User.objects.get(pk=people.mona.pk)
    mona.language = language
    _, text, html = digest_render(user=mona, kind="manager", week_start=WEEK)
    section = text[text.index({"de": "Anerkennung und Meilensteine", "es": "Reconocimientos e hitos"}[language]) :]
    for source in ENGLISH:
        assert source not in section.split("May need")[0], (language, source)
