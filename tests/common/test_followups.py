"""Follow-on work is announced by lower apps and handled once, at the top (pipeline/)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from common import followups
from common.followups import Event, announce, handles


def test_every_event_has_its_one_handler_in_pipeline():
    assert {event: handler.__module__ for event, handler in followups._handlers.items()} == {
        event: "pipeline.followups" for event in Event
    }


def test_an_event_nobody_handles_is_an_error_not_a_silent_no_op(monkeypatch):
    monkeypatch.setattr(followups, "_handlers", {})
    with pytest.raises(ImproperlyConfigured, match="nothing handles import committed"):
        announce(Event.IMPORT_COMMITTED, started_at=None, mode="none")


def test_a_second_handler_for_one_event_is_refused(monkeypatch):
    monkeypatch.setattr(followups, "_handlers", {})
    handles(Event.KPIS_RECOMPUTED)(lambda **facts: None)
    with pytest.raises(ImproperlyConfigured, match="already handled"):
        handles(Event.KPIS_RECOMPUTED)(lambda **facts: None)


def test_announce_passes_the_facts_and_returns_what_the_handler_returns(monkeypatch):
    monkeypatch.setattr(followups, "_handlers", {})
    handles(Event.TEAM_HISTORY_CHANGED)(lambda *, reason: f"recompute: {reason}")
    assert announce(Event.TEAM_HISTORY_CHANGED, reason="agent moved") == "recompute: agent moved"
