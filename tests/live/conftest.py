import pytest


@pytest.fixture(autouse=True)
def _no_live_state_between_tests(live_state_clean):
    yield
