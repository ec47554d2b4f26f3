"""Deterministic, realistic demo data: a contact center's days as plain import rows.

``generate`` streams one day at a time (memory does not grow with ``days``), so the same
code feeds ``make run``'s demo tenant (100k+ contacts) and the 1M–10M-row benchmarks.
Each agent-day follows a schedule (work, breaks, lunch); the agent's activity follows the
schedule with some noise, and every answered contact sits inside an on_contact interval
followed by its acw, so activity KPIs (occupancy, adherence) agree with the contacts.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zoneinfo
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from .ingestion.rows import ActivityRow, InteractionRow, ScheduleRow, SurveyResponseRow

FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kemal",
    "Lena",
    "Marta",
    "Nils",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Novak",
    "Berg",
    "Costa",
    "Dietz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haas",
    "Ilic",
    "Jansen",
    "Kowal",
    "Lund",
    "Moreau",
    "Nagy",
    "Ortiz",
    "Petrov",
    "Quist",
    "Rossi",
    "Sato",
    "Torres",
    "Ueda",
    "Vogel",
    "Weber",
    "Yilmaz",
    "Zeller",
]
TEAMS = ["Team Aurora", "Team Borealis", "Team Cascade", "Team Delta"]
# type -> (expected handle s, median talk s, hold probability, channel weights v/c/e)
TYPES = {
    "password_reset": (210, 150, 0.05, (0.6, 0.35, 0.05)),
    "billing": (330, 240, 0.25, (0.75, 0.15, 0.10)),
    "general_inquiry": (270, 200, 0.10, (0.6, 0.25, 0.15)),
    "tech_support": (660, 480, 0.45, (0.7, 0.2, 0.1)),
    "retention": (540, 420, 0.55, (0.9, 0.1, 0.0)),
}
QUEUE_OF = {
    "password_reset": "General",
    "billing": "Billing",
    "general_inquiry": "General",
    "tech_support": "Tech Support",
    "retention": "Retention",
}
MIX = {"steady": (0.15, 0.3, 0.2, 0.25, 0.1), "complex": (0.05, 0.15, 0.1, 0.45, 0.25)}
SHIFTS = [(8, 0), (9, 0), (12, 0)]
# agent index -> persona; agent i is in team i % 4, so every team gets some of them
PERSONAS = {0: "rusher", 5: "rusher", 10: "complex", 15: "complex", 16: "overloaded", 21: "overloaded", 26: "new_hire"}
PEAKS = [0.4, 0.5, 0.7, 0.9, 1.0, 1.0, 0.8, 0.9, 1.0, 0.9, 0.7, 0.5, 0.4]  # 08:00–20:00
DISCLOSURE = "This call may be recorded for quality and training purposes."
COMMENTS = {
    True: ["Quick and friendly, thank you!", "Solved on the first try.", "Very helpful."],
    False: ["I had to explain everything twice.", "Still not fixed.", "Was transferred and waited again."],
}


@dataclass
class DemoPlan:
    teams: dict[str, list[str]]
    agent_names: dict[str, str]
    interaction_types: dict[str, int]
    queues: list[str]
    personas: dict[str, str]


def demo_plan(*, agents: int = 40, seed: int = 42) -> DemoPlan:
    rng = random.Random(seed)
    names: dict[str, str] = {}
    teams: dict[str, list[str]] = {t: [] for t in TEAMS}
    personas: dict[str, str] = {}
    people = [(f, lname) for f in FIRST for lname in LAST]
    rng.shuffle(people)
    for i in range(agents):
        first, last = people[i % len(people)]
        login = f"agent.{first[0].lower()}{last.lower()}" + (f"{i}" if i >= len(people) else "")
        names[login] = f"{first} {last}"
        teams[TEAMS[i % len(TEAMS)]].append(login)
        personas[login] = PERSONAS.get(i, "steady")
    return DemoPlan(
        teams=teams,
        agent_names=names,
        interaction_types={t: v[0] for t, v in TYPES.items()},
        queues=sorted(set(QUEUE_OF.values())),
        personas=personas,
    )


def generate(
    plan: DemoPlan,
    *,
    start: dt.date,
    days: int,
    tz: zoneinfo.ZoneInfo,
    seed: int = 42,
    contacts_per_agent_day: float = 45.0,
    offsets: range | None = None,
    callbacks: deque[tuple[dt.date, str, str]] | None = None,
) -> Iterator[InteractionRow | ActivityRow | ScheduleRow | SurveyResponseRow]:
    """The rows of ``days`` days from ``start``.

    In pieces (a resumable benchmark): ``offsets`` are the days of the span to make, and
    ``callbacks`` the deque of customers due to call again that the earlier pieces left (it is
    updated in place; save it between pieces). Consecutive pieces sharing one deque give the
    same rows as one call."""
    logins = [login for team in plan.teams.values() for login in team]
    team_of = {login: team for team, members in plan.teams.items() for login in members}
    # customers who will call again (repeat contacts), kept for a week at most
    if callbacks is None:
        callbacks = deque()
    customer_pool = max(1000, int(len(logins) * contacts_per_agent_day * 25))
    # the ready gap that gives about contacts_per_agent_day contacts in 7.5 working hours
    base_gap = max(5.0, 7.5 * 3600 / contacts_per_agent_day - 330)
    for offset in range(days) if offsets is None else offsets:
        day = start + dt.timedelta(days=offset)
        rng = random.Random(f"{seed}:{day.isoformat()}")
        day_state = _Day(day, tz, rng, callbacks, customer_pool, offset, days)
        # A different order each day: customers calling back land on any team, not on the
        # team whose agents the loop happens to reach first.
        order = list(enumerate(logins))
        rng.shuffle(order)
        for index, login in order:
            if not _works(index, day):
                continue
            yield from day_state.agent_day(
                login, index, plan.personas[login], base_gap, [m for m in plan.teams[team_of[login]] if m != login]
            )
        yield from day_state.unanswered(len(logins))
        while callbacks and callbacks[0][0] < day - dt.timedelta(days=6):
            callbacks.popleft()


def _works(index: int, day: dt.date) -> bool:
    if day.weekday() < 5:
        return index % 9 != day.toordinal() % 9  # one weekday off now and then
    return day.weekday() == 5 and index % 5 == 0  # a Saturday crew


class _Day:
    def __init__(self, day, tz, rng, callbacks, customer_pool, offset, days):
        self.day, self.tz, self.rng = day, tz, rng
        self.callbacks, self.customer_pool = callbacks, customer_pool
        self.progress = offset / max(1, days - 1)
        self.counter = 0
        self.handled = 0

    def local(self, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(self.day.year, self.day.month, self.day.day, hour, minute, tzinfo=self.tz).astimezone(dt.UTC)

    def next_id(self) -> str:
        self.counter += 1
        return f"D{self.day:%Y%m%d}-{self.counter:06d}"

    def agent_day(self, login, index, persona, base_gap, teammates):
        rng = self.rng
        hour, minute = SHIFTS[index % len(SHIFTS)]
        shift = self.local(hour, minute)
        # (activity, start offset min, length min)
        plan = [
            ("work", 0, 120),
            ("break", 120, 15),
            ("work", 135, 105),
            ("lunch", 240, 30),
            ("work", 270, 120),
            ("break", 390, 15),
            ("work", 405, 105),
        ]
        for activity, begin, length in plan:
            yield ScheduleRow(
                line=0,
                agent=login,
                activity=activity,
                start=shift + dt.timedelta(minutes=begin),
                end=shift + dt.timedelta(minutes=begin + length),
            )
        clock = shift + dt.timedelta(seconds=rng.choice([0, 0, 0, 30, 90, 240]))
        for activity, begin, length in plan:
            end = shift + dt.timedelta(minutes=begin + length)
            if activity == "work":
                clock = yield from self.work(login, persona, base_gap, teammates, clock, end)
            else:
                late = rng.choice([0, 0, 0, 0, 45, 120, 300])
                back = max(end, clock + dt.timedelta(minutes=5)) + dt.timedelta(seconds=late)
                yield ActivityRow(line=0, agent=login, state=activity, start=clock, end=back)
                clock = back

    def work(self, login, persona, base_gap, teammates, clock, end):
        rng = self.rng
        gap_mean = {"overloaded": 12.0, "rusher": base_gap * 0.9}.get(persona, base_gap)
        slow = 1.35 - 0.3 * self.progress if persona == "new_hire" else 1.0
        while clock < end:
            gap = dt.timedelta(seconds=max(3, rng.expovariate(1 / gap_mean)))
            if clock + gap >= end:
                yield ActivityRow(line=0, agent=login, state="ready", start=clock, end=end)
                return end
            yield ActivityRow(line=0, agent=login, state="ready", start=clock, end=clock + gap)
            clock += gap
            contact = self.contact(login, persona, slow, teammates, clock)
            talk_end = clock + dt.timedelta(seconds=contact.talk_seconds + contact.hold_seconds)
            yield ActivityRow(line=0, agent=login, state="on_contact", start=clock, end=talk_end)
            acw_end = talk_end + dt.timedelta(seconds=contact.acw_seconds)
            if contact.acw_seconds:
                yield ActivityRow(line=0, agent=login, state="acw", start=talk_end, end=acw_end)
            yield contact
            yield from self.survey(contact, persona)
            clock = acw_end
        return clock

    def contact(self, login, persona, slow, teammates, answered_at) -> InteractionRow:
        rng = self.rng
        names = list(TYPES)
        itype = rng.choices(names, weights=MIX.get(persona, MIX["steady"]))[0]
        _, talk_median, hold_p, channel_w = TYPES[itype]
        channel = rng.choices(("voice", "chat", "email"), weights=channel_w)[0]
        speed = {"rusher": 0.62, "complex": 1.05}.get(persona, 1.0) * slow
        talk = int(rng.lognormvariate(math.log(talk_median * speed), 0.45))
        held = channel != "email" and rng.random() < hold_p * (0.5 if persona == "rusher" else 1)
        hold = int(rng.lognormvariate(math.log(60), 0.6)) if held else 0
        acw = int(rng.lognormvariate(math.log(45 * (0.5 if persona == "rusher" else 1)), 0.5))
        local_hour = answered_at.astimezone(self.tz).hour
        peak = PEAKS[min(max(local_hour - 8, 0), len(PEAKS) - 1)]
        wait_mean = {"email": 3600, "chat": 40}.get(channel, 8 + 30 * peak)
        wait = int(rng.expovariate(1 / wait_mean))
        customer, case = self.customer(answered_at)
        transfer_p = {"rusher": 0.18, "new_hire": 0.12}.get(persona, 0.06)
        transferred = rng.random() < transfer_p
        resolved_p = {"rusher": 0.68, "new_hire": 0.8}.get(persona, 0.9)
        resolved = None if rng.random() < 0.05 else rng.random() < resolved_p
        if resolved is False or transferred or (persona == "rusher" and rng.random() < 0.25):
            # unresolved contacts come back within a few days: repeats
            due = self.day + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3, 5]))
            self.callbacks.append((due, customer, case))
        offered = answered_at - dt.timedelta(seconds=wait)
        self.handled += 1
        return InteractionRow(
            line=0,
            external_id=self.next_id(),
            offered_at=offered,
            channel=channel,
            queue=QUEUE_OF[itype],
            interaction_type=itype,
            agent=login,
            customer_id=customer,
            case_id=case,
            initiated_at=offered - dt.timedelta(seconds=rng.randint(5, 60)),
            answered_at=answered_at,
            ended_at=answered_at + dt.timedelta(seconds=talk + hold),
            talk_seconds=talk,
            hold_seconds=hold,
            acw_seconds=acw,
            hold_count=(1 + (hold > 120)) if hold else 0,
            outcome="answered",
            transferred=transferred,
            resolved=resolved,
            missed_by=[rng.choice(teammates)] if teammates and rng.random() < 0.03 else [],
            transcript=self.transcript(channel, persona),
        )

    def customer(self, when: dt.datetime) -> tuple[str, str]:
        rng = self.rng
        due = [i for i, (day, _, _) in enumerate(self.callbacks) if day <= self.day]
        if due and rng.random() < 0.6:
            _, customer, case = self.callbacks[due[0]]
            del self.callbacks[due[0]]
            return customer, case
        number = rng.randrange(self.customer_pool)
        return f"C{number:07d}", f"K{self.day:%y%m%d}{rng.randrange(10**6):06d}"

    def transcript(self, channel: str, persona: str) -> str:
        rng = self.rng
        if channel == "voice" and rng.random() < 0.3:
            opening = DISCLOSURE if rng.random() < (0.7 if persona == "rusher" else 0.95) else ""
            return f"{opening} Thanks for calling, how can I help you today?".strip()
        if channel in ("chat", "email") and rng.random() < 0.3:
            return "Hello! Thanks for reaching out. Let me look into that for you."
        return ""

    def survey(self, contact: InteractionRow, persona: str):
        assert contact.ended_at is not None, "surveys follow handled contacts, which contact() ends"
        rng = self.rng
        if rng.random() >= 0.10:
            return
        good = contact.resolved is not False and not contact.transferred
        kind = rng.choices(("csat", "nps", "ces"), weights=(5, 3, 2))[0]
        if kind == "csat":
            score = rng.choices(range(1, 6), weights=(2, 3, 8, 40, 47) if good else (20, 25, 25, 20, 10))[0]
        elif kind == "nps":
            score = rng.choices(
                range(11),
                weights=(1, 1, 1, 1, 2, 2, 4, 8, 20, 30, 30) if good else (8, 6, 8, 10, 12, 12, 12, 12, 8, 6, 6),
            )[0]
        else:
            score = rng.choices(
                range(1, 8), weights=(2, 3, 5, 10, 20, 30, 30) if good else (15, 20, 20, 15, 15, 10, 5)
            )[0]
        comment = rng.choice(COMMENTS[good]) if rng.random() < 0.25 else ""
        yield SurveyResponseRow(
            line=0,
            interaction_external_id=contact.external_id,
            survey=kind,
            score=score,
            comment=comment,
            responded_at=contact.ended_at + dt.timedelta(minutes=rng.randint(10, 360)),
        )

    def unanswered(self, agents: int):
        """Abandoned (some short), blocked, callback and deflected contacts of the day."""
        rng = self.rng
        total = int(self.handled * 0.07)
        for _ in range(total):
            hour = rng.choices(range(8, 21), weights=PEAKS)[0]
            offered = self.local(hour) + dt.timedelta(seconds=rng.randrange(3600))
            itype = rng.choice(list(TYPES))
            kind = rng.choices(("abandoned", "blocked", "callback", "deflected"), weights=(80, 5, 7, 8))[0]
            wait = int(rng.expovariate(1 / 70)) if kind == "abandoned" else 0
            customer, case = self.customer(offered)
            yield InteractionRow(
                line=0,
                external_id=self.next_id(),
                offered_at=offered,
                channel="voice",
                queue=QUEUE_OF[itype],
                interaction_type=itype,
                customer_id=customer,
                case_id=case,
                initiated_at=offered - dt.timedelta(seconds=rng.randint(5, 40)),
                ended_at=offered + dt.timedelta(seconds=wait) if kind == "abandoned" else None,
                outcome=kind,
                callback_requested=kind == "callback",
            )
