import pytest

from live import state


@pytest.fixture(autouse=True)
def live_state_clean(tenants):
    """Redis is not rolled back with the test's transaction: each test starts with no live state."""
    for schema in ("alpha", "beta"):
        state.forget(schema)
    yield
    for schema in ("alpha", "beta"):
        state.forget(schema)
