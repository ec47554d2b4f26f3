import json

from django.core.management.base import BaseCommand, CommandError

from scorecards.calculators import staffing_required


class Command(BaseCommand):
    help = "Erlang C: agents required for a number of contacts in an interval at a service level."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, required=True)
        parser.add_argument("--interval-minutes", type=float, default=30)
        parser.add_argument("--aht", type=float, required=True, help="average handle time, s")
        parser.add_argument("--target-pct", type=float, default=80)
        parser.add_argument("--target-seconds", type=float, default=20)
        parser.add_argument("--max-occupancy", type=float, default=None, help="e.g. 0.85")
        parser.add_argument("--shrinkage", type=float, default=0.0, help="e.g. 0.3")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **o):
        try:
            r = staffing_required(
                calls=o["calls"],
                interval_seconds=o["interval_minutes"] * 60,
                aht_seconds=o["aht"],
                target_pct=o["target_pct"],
                target_seconds=o["target_seconds"],
                max_occupancy=o["max_occupancy"],
                shrinkage=o["shrinkage"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        data = {
            "agents_required": r.agents,
            "scheduled_agents": r.scheduled_agents,
            "traffic_erlangs": round(r.traffic_erlangs, 3),
            "service_level_pct": round(r.service_level_pct, 2),
            "asa_seconds": round(r.asa_seconds, 2),
            "occupancy_pct": round(r.occupancy_pct, 2),
            "probability_wait_pct": round(r.probability_wait_pct, 2),
        }
        if o["format"] == "json":
            self.stdout.write(json.dumps(data))
        else:
            for key, value in data.items():
                self.stdout.write(f"{key:<22} {value}")
