"""A contact center in miniature, for the demo's wallboard: calls arrive, wait, are answered or
abandoned, agents take breaks. It produces the same canonical events a real sender would post.

Not a model of any real center: arrivals are Poisson, handle times uniform, patience uniform.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class _Call:
    cid: str
    queue: str
    arrived: dt.datetime
    patience: float


@dataclass
class CenterSimulation:
    PREFIX: ClassVar[str] = "sim-"  # every contact id it makes starts so
    agents: list[str]
    queues: list[str]
    calls_per_minute: float = 6.0
    seed: int | None = None
    rng: random.Random = field(init=False)
    waiting: list[_Call] = field(default_factory=list)
    busy_until: dict[str, dt.datetime] = field(default_factory=dict)
    on_break_until: dict[str, dt.datetime] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    talking_to: dict[str, str] = field(default_factory=dict)  # agent -> the call they are on
    _ids: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def start(self, now: dt.datetime) -> list[dict]:
        return [self._agent(a, "ready", now) for a in self.agents]

    def stop(self, now: dt.datetime) -> list[dict]:
        """The center closes: waiting callers hang up, calls end, agents log off."""
        at = now.isoformat()
        events = [{"type": "contact.abandoned", "at": at, "external_id": call.cid} for call in self.waiting]
        self.waiting.clear()
        for agent, cid in sorted(self.talking_to.items()):
            events.append({"type": "contact.ended", "at": at, "external_id": cid, "agent": agent})
        self.talking_to.clear()
        return events + [self._agent(agent, "offline", now) for agent in self.agents]

    def step(self, now: dt.datetime, seconds: float) -> list[dict]:
        """The events of the ``seconds`` that end at ``now``."""
        events: list[dict] = []
        arrivals = self._poisson(self.calls_per_minute * seconds / 60)
        for _ in range(arrivals):
            call = _Call(
                cid=f"{self.PREFIX}{now:%Y%m%d%H%M%S}-{next(self._ids)}",
                queue=self.rng.choice(self.queues),
                arrived=now,
                patience=self.rng.uniform(20, 240),
            )
            self.waiting.append(call)
            events.append(
                {"type": "contact.enqueued", "at": now.isoformat(), "external_id": call.cid, "queue": call.queue}
            )
        for agent in self.agents:
            events += self._agent_step(agent, now)
        for call in list(self.waiting):
            if (now - call.arrived).total_seconds() > call.patience:
                self.waiting.remove(call)
                events.append({"type": "contact.abandoned", "at": now.isoformat(), "external_id": call.cid})
        return events

    def _agent_step(self, agent: str, now: dt.datetime) -> list[dict]:
        events: list[dict] = []
        at = now.isoformat()
        if self.state[agent] == "on_contact" and now >= self.busy_until[agent]:
            cid = self.talking_to.pop(agent)
            events.append({"type": "contact.ended", "at": at, "external_id": cid, "agent": agent})
            events.append(self._agent(agent, "acw", now))
            self.busy_until[agent] = now + dt.timedelta(seconds=self.rng.uniform(10, 40))
        elif self.state[agent] == "acw" and now >= self.busy_until[agent]:
            if self.rng.random() < 0.08:
                self.on_break_until[agent] = now + dt.timedelta(minutes=self.rng.uniform(3, 10))
                events.append(self._agent(agent, "break", now))
            else:
                events.append(self._agent(agent, "ready", now))
        elif self.state[agent] == "break" and now >= self.on_break_until[agent]:
            events.append(self._agent(agent, "ready", now))
        if self.state[agent] == "ready" and self.waiting:
            call = self.waiting.pop(0)
            self.talking_to[agent] = call.cid
            self.busy_until[agent] = now + dt.timedelta(seconds=self.rng.uniform(90, 420))
            events.append({"type": "contact.answered", "at": at, "external_id": call.cid, "agent": agent})
            events.append(self._agent(agent, "on_contact", now))
        return events

    def _agent(self, agent: str, state: str, now: dt.datetime) -> dict:
        self.state[agent] = state
        return {"type": "agent.state", "at": now.isoformat(), "agent": agent, "state": state}

    def _poisson(self, mean: float) -> int:
        # Knuth's method: fine for the small means of one step
        limit, count, product = pow(2.718281828459045, -mean), 0, self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count
