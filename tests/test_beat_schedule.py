"""Beat has a handful of entries, whatever the number of tenants: each is a dispatcher that
fans out per tenant when it runs (CONVENTIONS.md, "Tenancy"), never an entry per tenant."""

from config.celery import app


def test_the_beat_schedule_has_at_most_ten_entries():
    assert 0 < len(app.conf.beat_schedule) <= 10


def test_no_beat_entry_names_a_tenant(tenants):
    for name, entry in app.conf.beat_schedule.items():
        assert not entry.get("args") and not entry.get("kwargs"), name
        assert "_schema_name" not in (entry.get("options") or {}).get("headers", {}), name
        for schema in (tenants.alpha.schema_name, tenants.beta.schema_name):
            assert schema not in name and schema not in entry["task"]
