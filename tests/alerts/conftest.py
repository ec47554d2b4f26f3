import datetime as dt
import zoneinfo

import pytest

from alerts import services
from live import state
from live.services import events_parse, live_events_ingest

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _no_live_state_between_tests(live_state_clean):
    yield


@pytest.fixture
def manual_evaluation(people):
    """Batches do not evaluate by themselves (the throttle key is held): each test evaluates
    when and at the time it says, so the evaluations of the batches at the real clock cannot
    interleave with its own at T0 + x."""
    state.redis_client().set(state.key("alpha", "alerts", "evaluated"), 1, ex=600)


def at(seconds: float) -> str:
    return (T0 + dt.timedelta(seconds=seconds)).isoformat()


def when(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def ingest(items: list[dict]):
    return live_events_ingest(events=events_parse(items, tz=BERLIN), source="test")


def contact(
    cid: str, start: float, *, wait: float | None, queue: str = "Billing", agent: str = "alice.a"
) -> list[dict]:
    """A contact offered at T0 + start, answered after ``wait`` seconds (None: abandoned after 40 s)."""
    events = [{"type": "contact.enqueued", "at": at(start), "external_id": cid, "queue": queue}]
    if wait is None:
        return events + [{"type": "contact.abandoned", "at": at(start + 40), "external_id": cid}]
    return events + [
        {"type": "contact.answered", "at": at(start + wait), "external_id": cid, "agent": agent},
        {"type": "contact.ended", "at": at(start + wait + 60), "external_id": cid, "agent": agent},
    ]


def evaluate(seconds: float):
    return services.alerts_evaluate(now=when(seconds))
