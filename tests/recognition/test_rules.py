"""What recognition may never be about, checked on the lists themselves, in every language."""

import re

import pytest
from django.utils import translation

from recognition.forms import KudosForm
from recognition.models import Behaviour, MilestoneKind

# Speed and handle time (en, de, es), and comparing people.
FORBIDDEN = re.compile(
    r"\b(fast|quick\w*|speed\w*|rapid\w*|aht|handle time|handling time|seconds?|minutes?|short call"
    r"|schnell\w*|bearbeitungszeit|geschwindigkeit|rápid\w*|velocidad|tiempo de gestión|segundos?|minutos?"
    r"|rank\w*|leader\w*|percentile|top agent|best agent|than|als andere|que otros)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("language", ["en", "de", "es"])
def test_no_behaviour_or_milestone_is_about_speed_handle_time_or_peers(language):
    with translation.override(language):
        labels = [str(label) for label in (*Behaviour.labels, *MilestoneKind.labels)]
        labels += [str(label) for _, label in KudosForm(agents=None).fields["behaviour"].choices]
    assert len(labels) > 10
    for label in labels:
        assert not FORBIDDEN.search(label), (language, label)


def test_the_behaviours_are_a_short_fixed_list():
    assert 4 <= len(Behaviour.values) <= 8
    assert {"empathy", "first_time", "helped_teammate", "explained_clearly", "stayed_calm"} <= set(Behaviour.values)
    assert not FORBIDDEN.search("Solved it first time")  # the pattern does not refuse FCR's wording
    assert FORBIDDEN.search("Fast call") and FORBIDDEN.search("Lowest AHT")
