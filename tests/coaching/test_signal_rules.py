"""The signal rules as pure functions: no database."""

import datetime as dt

import pytest

from coaching import signal_rules as rules

PEERS = [(2.0, 40), (3.0, 40), (4.0, 40), (5.0, 40)]  # p75 = 4.25


def rushing(aht_index=0.7, n=40, repeat=(9.0, 40), peers=PEERS, min_sample=30):
    return rules.rushing(
        aht_index=aht_index,
        aht_index_n=n,
        rates={"repeat_rate": repeat},
        teammates={"repeat_rate": peers},
        min_sample=min_sample,
    )


def test_percentile_interpolates_like_percentile_cont():
    assert rules.percentile([2, 3, 4, 5], 0.75) == pytest.approx(4.25)
    assert rules.percentile([7], 0.75) == 7
    with pytest.raises(ValueError):
        rules.percentile([], 0.5)


def test_rushing_flags_a_short_aht_with_many_repeats():
    facts = rushing()
    assert facts["aht_index"] == 0.7 and facts["n"] == 40
    assert facts["rates"]["repeat_rate"] == {"value": 9.0, "team_p75": pytest.approx(4.25), "n": 40, "teammates": 4}
    assert facts["kpis"] == ["aht_index", "repeat_rate"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"aht_index": 0.8},  # not below 0.8
        {"aht_index": 1.02},  # long AHT explained by a complex mix: never rushing
        {"aht_index": None},
        {"n": 29},  # the agent's own sample is too small
        {"repeat": (4.25, 40)},  # at the p75, not above it
        {"repeat": (9.0, 10)},  # the rate's own sample is too small
        {"peers": [(2.0, 40), (3.0, 40), (9.9, 5)]},  # only two teammates with n >= min_sample
    ],
)
def test_rushing_does_not_flag(kwargs):
    assert rushing(**kwargs) is None


def test_rushing_on_transfers_alone():
    facts = rules.rushing(
        aht_index=0.5,
        aht_index_n=30,
        rates={"repeat_rate": (1.0, 30), "transfer_rate": (20.0, 30)},
        teammates={"repeat_rate": PEERS, "transfer_rate": PEERS},
        min_sample=30,
    )
    assert list(facts["rates"]) == ["transfer_rate"]


def test_complex_types_are_the_top_third_at_least_one():
    assert rules.complex_types({"a": 100, "b": 900, "c": 300}) == ["b"]
    assert rules.complex_types({f"t{k}": k for k in range(6)}) == ["t5", "t4"]
    assert rules.complex_types({"only": 10}) == ["only"]
    assert rules.complex_types({}) == []


def mismatch(agent=None, team=None, contacts=40, team_contacts=80, min_sample=30):
    return rules.complexity_mismatch(
        agent_handle=agent or {"tech": 600, "billing": 400},
        agent_contacts=contacts,
        team_handle=team or {"tech": 300, "billing": 700},
        team_contacts=team_contacts,
        complex=["tech"],
        min_sample=min_sample,
    )


def test_complexity_mismatch():
    facts = mismatch()
    assert facts["types"] == ["tech"]
    assert (facts["agent_share"], facts["team_share"]) == (pytest.approx(0.6), pytest.approx(0.3))
    assert mismatch(team={"tech": 400, "billing": 600}) is None  # 0.6 = 1.5 × 0.4: not above
    assert mismatch(contacts=29) is None
    assert mismatch(team_contacts=10) is None
    assert mismatch(agent={"billing": 1000}, team={"billing": 1000}) is None  # no complex time at all


def test_complexity_mismatch_when_teammates_have_none():
    assert mismatch(team={"billing": 1000})["team_share"] == 0


SUNDAY = dt.date(2026, 3, 8)


def days(*values, last=SUNDAY):
    """Occupancy on consecutive days ending ``last``."""
    return {last - dt.timedelta(days=len(values) - 1 - k): v for k, v in enumerate(values)}


def test_burnout_on_three_high_days_of_the_last_five():
    facts = rules.burnout_risk(
        occupancy=days(99, 90, 70, 86, 80, 88, last=dt.date(2026, 3, 6)),
        week_end=SUNDAY,
        recovery_gaps=[],
    )
    # the last five working days are 3-2 … 3-6: 90, 70, 86, 80, 88 (3-1's 99 is too old)
    assert facts["occupancy_risk"] and not facts["recovery_risk"]
    assert [d["day"] for d in facts["high_days"]] == ["2026-03-02", "2026-03-04", "2026-03-06"]
    assert len(facts["working_days"]) == 5


def test_burnout_not_on_two_high_days_nor_at_85():
    assert rules.burnout_risk(occupancy=days(90, 85, 85, 86, 50), week_end=SUNDAY, recovery_gaps=[]) is None


def test_burnout_not_for_a_week_off():
    before = days(90, 90, 90, last=SUNDAY - dt.timedelta(days=7))
    assert rules.burnout_risk(occupancy=before, week_end=SUNDAY, recovery_gaps=[]) is None


def test_burnout_on_short_recovery_with_enough_long_contacts():
    enough = rules.RECOVERY_MIN_CONTACTS
    gaps = [10] * (enough // 2) + [30] + [300] * (enough // 2)
    facts = rules.burnout_risk(occupancy={}, week_end=SUNDAY, recovery_gaps=gaps)
    assert facts["recovery_risk"] and facts["recovery_median"] == 30 and facts["long_contacts"] == len(gaps)
    too_few = [10] * (enough - 1)
    assert rules.burnout_risk(occupancy={}, week_end=SUNDAY, recovery_gaps=too_few) is None
    assert rules.burnout_risk(occupancy={}, week_end=SUNDAY, recovery_gaps=[60] * enough) is None


def test_burnout_knows_nothing_of_effort():
    # per-agent effort reaches no one but the agent: the rule cannot even be asked about it
    with pytest.raises(TypeError):
        rules.burnout_risk(occupancy={}, week_end=SUNDAY, recovery_gaps=[], effort_rising=True)  # type: ignore[call-arg]
    facts = rules.burnout_risk(occupancy=days(90, 91, 92), week_end=SUNDAY, recovery_gaps=[])
    assert facts is not None and not any("effort" in key for key in facts)
    old = {**facts, "effort_rising": True}  # facts stored before the effort flag was dropped
    assert not any("effort" in line.lower() for line in rules.describe("burnout_risk", old))


def test_facts_in_words():
    lines = rules.describe(
        "burnout_risk",
        rules.burnout_risk(
            occupancy=days(90, 91, 92),
            week_end=SUNDAY,
            recovery_gaps=[20] * rules.RECOVERY_MIN_CONTACTS,
        ),
    )
    assert "2026-03-06 (90%)" in lines[0] and "20 s" in lines[1] and len(lines) == 2
    assert "tech" in rules.describe("complexity_mismatch", mismatch())[0]
    assert "4.2%" in rules.describe("rushing", rushing())[1]
