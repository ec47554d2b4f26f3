"""Nobody rewrites the log: UPDATE, DELETE and TRUNCATE fail on the app's own connection,
through SQL and through the ORM, in every tenant's schema and in the public one."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import audit_record, platform_audit_record

TABLE = AuditEvent._meta.db_table
STATEMENTS = [
    f"UPDATE {TABLE} SET actor_label = 'someone else' WHERE id = %s",
    f"DELETE FROM {TABLE} WHERE id = %s",
    f"TRUNCATE {TABLE}",
]


def _refused(run) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        run()
    return str(refused.value)


@pytest.mark.parametrize("schema", ["alpha", "beta", "public"])
@pytest.mark.parametrize("statement", STATEMENTS, ids=["update", "delete", "truncate"])
def test_sql_on_the_apps_connection_cannot_change_the_log(people, schema, statement):
    with schema_context(schema):
        event = audit_record(action=Action.TEAM_CREATE, object_label="North")

        def run():
            with connection.cursor() as cur:
                cur.execute(statement, [event.pk] if "%s" in statement else [])

        assert "append-only" in _refused(run)
        assert AuditEvent.objects.get(pk=event.pk).actor_label == "system"


def test_the_orm_cannot_change_the_log_either(people):
    event = audit_record(action=Action.TEAM_CREATE, object_label="North")
    event.object_label = "South"
    for run in (
        lambda: event.save(),
        lambda: AuditEvent.objects.filter(pk=event.pk).update(object_label="South"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.get(pk=event.pk).delete(),
    ):
        _refused(run)
    assert AuditEvent.objects.get(pk=event.pk).object_label == "North"


def test_the_platform_log_is_the_public_schemas_own(people):
    """Recorded from a tenant's connection, a platform event lands in public, not in alpha."""
    assert connection.schema_name == "alpha"
    event = platform_audit_record(action=Action.SETTINGS_CHANGE, object_label="Alpha Care")
    assert connection.schema_name == "alpha"
    assert not AuditEvent.objects.filter(pk=event.pk, object_label="Alpha Care").exists()
    with schema_context(get_public_schema_name()):
        assert AuditEvent.objects.filter(pk=event.pk, object_label="Alpha Care").exists()


def test_an_unknown_action_is_refused(people):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(action="team.creat", object_label="North")
