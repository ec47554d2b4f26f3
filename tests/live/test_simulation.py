"""The demo's simulated center sends only events the live feed accepts, and they add up."""

import datetime as dt

from interactions.models import Interaction
from live import state
from live.services import events_parse, live_events_ingest
from live.simulation import CenterSimulation
from tests.live.test_live_events import BERLIN


def test_a_simulated_hour_lands_without_an_error(people, in_tenant, tenants):
    in_tenant(tenants.alpha)
    sim = CenterSimulation(["alice.a", "bob.b", "sim.c"], ["Billing", "Tech"], calls_per_minute=3, seed=3)
    now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    batches = [sim.start(now)]
    for _ in range(3600 // 5):
        now += dt.timedelta(seconds=5)
        batches.append(sim.step(now, 5))
    errors = []
    for batch in batches:
        errors += live_events_ingest(events=events_parse(batch, tz=BERLIN), source="test").as_dict()["errors"]
    assert errors == []
    board = state.board_read("alpha", now=now, tz=BERLIN)
    answered = Interaction.objects.filter(outcome="answered").count()
    assert answered > 20 and Interaction.objects.filter(outcome="abandoned").exists()
    # every answered call of the hour has ended or is still talking (at most one per agent)
    assert answered <= board["center"]["handled"] <= answered + 3
    assert board["center"]["waiting"] == len(sim.waiting)
    # the center closes: nobody is left waiting or talking, every agent is offline
    closing = live_events_ingest(events=events_parse(sim.stop(now), tz=BERLIN), source="test").as_dict()
    assert closing["errors"] == []
    closed = state.board_read("alpha", now=now, tz=BERLIN)
    assert closed["center"]["waiting"] == 0 and state.waiting_ids("alpha") == []
    assert {a["state"] for a in closed["agents"]} == {"offline"}
