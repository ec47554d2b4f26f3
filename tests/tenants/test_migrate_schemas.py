"""migrate_schemas skips the schemas that have applied every migration and migrates the others
(tenants/migration_executor.py). It commits and closes connections, so this module works
outside the test transaction on a tenant of its own, dropped afterwards."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context

from tenants.services import tenant_create, tenant_drop
from tenants.template import TEMPLATE_SCHEMA, migration_keys, migration_status, template_is_current

SCHEMA = "mig_skip"
# The last migration of a shared app (nothing depends on it): recorded in every schema,
# nothing to build in a tenant's.
NO_OP_HERE = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("tenants")[0]


@pytest.fixture(scope="module")
def tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        created = tenant_create(schema=SCHEMA, domain="mig-skip.localhost", name="Migrations")
        try:
            yield created
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=created)


def migrate() -> str:
    out = io.StringIO()
    call_command("migrate_schemas", interactive=False, verbosity=1, stdout=out)
    connection.set_schema_to_public()
    return out.getvalue()


def test_a_schema_missing_a_migration_is_migrated_the_others_are_skipped(tenant, django_db_blocker, capsys):
    with django_db_blocker.unblock():
        migrate()
        capsys.readouterr()
        with schema_context(SCHEMA), connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", NO_OP_HERE)
        expected = migration_keys()
        assert migration_status([SCHEMA], expected)[SCHEMA][0] == len(expected) - 1

        migrate()
        printed = capsys.readouterr().out
        assert "up to date, 1 to migrate" in printed
        assert f"standard:{SCHEMA}]" in printed and printed.count("Starting migration") == 2  # public + it
        assert migration_status([SCHEMA], expected)[SCHEMA] == (len(expected), len(expected))

        migrate()
        assert "up to date, 0 to migrate" in capsys.readouterr().out


def test_a_run_over_every_tenant_brings_the_template_back(tenant, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {TEMPLATE_SCHEMA} CASCADE")
        assert not template_is_current()
        migrate()
        assert template_is_current()
