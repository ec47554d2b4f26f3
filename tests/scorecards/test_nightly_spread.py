"""The nightly recompute's fan-out is spread evenly over its window, however many tenants."""

import collections

from django.test import override_settings

from scorecards.tasks import nightly_delays


def per_minute(delays):
    return max(collections.Counter(d // 60 for d in delays).values())


@override_settings(KPI_NIGHTLY_STAGGER_SECONDS=15, KPI_NIGHTLY_WINDOW_SECONDS=7200)
def test_a_few_tenants_start_the_stagger_apart():
    assert nightly_delays(4) == [0, 15, 30, 45]
    assert nightly_delays(0) == []


@override_settings(KPI_NIGHTLY_STAGGER_SECONDS=15, KPI_NIGHTLY_WINDOW_SECONDS=7200)
def test_a_thousand_tenants_are_spread_over_the_window_not_piled_at_its_end():
    delays = nightly_delays(1000)
    assert len(delays) == 1000 and delays == sorted(delays)
    assert delays[-1] < 7200 and delays[-1] > 7100  # the whole window is used
    # evenly: 1,000 in 120 minutes is 8.33 a minute; the old cap put 760 in one
    assert per_minute(delays) <= 9
    assert len(set(delays)) == 1000


@override_settings(KPI_NIGHTLY_STAGGER_SECONDS=15, KPI_NIGHTLY_WINDOW_SECONDS=600)
def test_the_window_is_a_setting():
    delays = nightly_delays(200)
    assert delays[-1] < 600
    assert per_minute(delays) <= 21
