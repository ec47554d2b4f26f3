"""Feed a tenant's live state with a simulated contact center (the demo's wallboard)."""

from __future__ import annotations

import signal
import time
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Agent
from interactions.models import Queue
from tenants.current import current_tenant

from ... import state
from ...services import events_parse, live_events_ingest
from ...simulation import CenterSimulation


class Command(BaseCommand):
    help = "Send simulated live events (calls, agents' states) for one tenant, every --step seconds."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--agents", type=int, default=10, help="how many of the tenant's agents take calls")
        parser.add_argument("--calls-per-minute", type=float, default=6.0)
        parser.add_argument("--step", type=float, default=1.0, help="seconds between batches")
        parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until stopped)")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **opts):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        with schema_context(opts["schema"]):
            agents = list(Agent.objects.order_by("acd_login").values_list("acd_login", flat=True)[: opts["agents"]])
            queues = list(Queue.objects.order_by("name").values_list("name", flat=True)[:4]) or ["General"]
            if not agents:
                raise CommandError(f"tenant {opts['schema']} has no agents to simulate")
            tz = zoneinfo.ZoneInfo(current_tenant().timezone)
            sim = CenterSimulation(agents, queues, calls_per_minute=opts["calls_per_minute"], seed=opts["seed"])
            began = time.monotonic()
            # Callers a stopped run left waiting (killed before it could close) hang up now, or
            # the board would show them waiting for ever.
            now = timezone.now()
            left = [c for c in state.waiting_ids(opts["schema"]) if c.startswith(CenterSimulation.PREFIX)]
            self._send([{"type": "contact.abandoned", "at": now.isoformat(), "external_id": c} for c in left], tz)
            self._send(sim.start(now), tz)
            self.stdout.write(f"Simulating {len(agents)} agents on {', '.join(queues)} (Ctrl-C to stop)")
            try:
                while not stopping and not (opts["seconds"] and time.monotonic() - began >= opts["seconds"]):
                    time.sleep(opts["step"])
                    self._send(sim.step(timezone.now(), opts["step"]), tz)
            except KeyboardInterrupt:
                pass
            self._send(sim.stop(timezone.now()), tz)

    def _send(self, items: list[dict], tz) -> None:
        if not items:
            return
        summary = live_events_ingest(events=events_parse(items, tz=tz), source="simulation").as_dict()
        for error in summary["errors"]:
            self.stderr.write(f"event {error['line']}: {error['field']}: {error['message']}")
