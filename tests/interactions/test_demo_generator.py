"""The demo generator in pieces (bench/kpis.py's resumable generation) makes the same rows as
in one go: a run continued from a checkpoint builds the same tenant as one that never stopped."""

import datetime as dt
import json
import zoneinfo
from collections import deque

from interactions.demo import demo_plan, generate

TZ = zoneinfo.ZoneInfo("Europe/Berlin")
START = dt.date(2026, 3, 2)
DAYS = 12


def test_pieces_sharing_their_callbacks_make_the_rows_of_one_run():
    plan = demo_plan(agents=6)
    whole = list(generate(plan, start=START, days=DAYS, tz=TZ, contacts_per_agent_day=20))
    pieces = []
    callbacks: deque = deque()
    for first in range(0, DAYS, 5):
        pieces += generate(
            plan,
            start=START,
            days=DAYS,
            tz=TZ,
            contacts_per_agent_day=20,
            offsets=range(first, min(DAYS, first + 5)),
            callbacks=callbacks,
        )
        # what the checkpoint keeps between pieces survives JSON
        callbacks = deque(
            (dt.date.fromisoformat(d), c, k)
            for d, c, k in json.loads(json.dumps([(d.isoformat(), c, k) for d, c, k in callbacks]))
        )
    assert pieces == whole
    # the generator carries state across days: customers call back on later days
    customers = [row.customer_id for row in whole if getattr(row, "customer_id", None)]
    assert len(customers) > len(set(customers))


def test_a_piece_without_the_earlier_callbacks_differs():
    plan = demo_plan(agents=6)
    whole = list(generate(plan, start=START, days=DAYS, tz=TZ, contacts_per_agent_day=20))
    first_day_rows = len(
        list(generate(plan, start=START, days=DAYS, tz=TZ, contacts_per_agent_day=20, offsets=range(0, 5)))
    )
    cold = list(generate(plan, start=START, days=DAYS, tz=TZ, contacts_per_agent_day=20, offsets=range(5, DAYS)))
    assert cold != whole[first_day_rows:]
