"""A tenant copied from the template schema is the tenant its migrations would have made.

Both are created by tenants.services.tenant_create: one while the template is current, one
while it is out of the way (renamed), which runs every migration. Their schemas are compared
object by object (tests/tenants/schema_shape.py) and the copy may point nowhere into the
template. The tenants are committed (the copy is made by SQL the test transaction cannot
hold back), so this module creates its own and drops them afterwards.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.services import tenant_create, tenant_drop
from tenants.template import TEMPLATE_SCHEMA, migration_keys, template_is_current
from tests.tenants.schema_shape import references_to, schema_shape


def _rename_template(to: str, back: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {connection.ops.quote_name(back)} RENAME TO {connection.ops.quote_name(to)}")


@pytest.fixture(scope="module")
def cloned_and_migrated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        call_command("migrate_schemas", interactive=False, verbosity=0)  # the template, current
        assert template_is_current()
        cloned = tenant_create(schema="tpl_cloned", domain="tpl-cloned.localhost", name="Cloned")
        _rename_template(TEMPLATE_SCHEMA + "_away", TEMPLATE_SCHEMA)
        try:
            migrated = tenant_create(schema="tpl_migrated", domain="tpl-migrated.localhost", name="Migrated")
        finally:
            connection.set_schema_to_public()
            _rename_template(TEMPLATE_SCHEMA, TEMPLATE_SCHEMA + "_away")
        try:
            yield cloned, migrated
        finally:
            connection.set_schema_to_public()
            tenant_drop(tenant=cloned)
            tenant_drop(tenant=migrated)


@pytest.fixture
def shapes(cloned_and_migrated, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        return schema_shape("tpl_cloned"), schema_shape("tpl_migrated")


@pytest.mark.parametrize(
    "what",
    [
        "columns",
        "relations",
        "constraints",
        "indexes",
        "sequences",
        "sequence_owners",
        "default_targets",
        "triggers",
        "functions_and_views",
        "migrations",
        "rows",
    ],
)
def test_a_tenant_copied_from_the_template_equals_one_migrated(shapes, what):
    cloned, migrated = shapes
    if what != "default_targets":  # Django's ids are identity columns: no default needs a sequence
        assert migrated[what], f"the migrated schema has no {what}: the comparison would prove nothing"
    if what == "constraints":
        assert _same_meaning(cloned[what]) == _same_meaning(migrated[what])
        differing = set(cloned[what]) ^ set(migrated[what])
        assert all("= ANY" in row[6] for row in differing), differing
    else:
        assert cloned[what] == migrated[what]


def _same_meaning(rows):
    """A CHECK (x IN (...)) read back from pg_dump's text is the same test with its casts placed
    otherwise: ``= ANY (ARRAY['a'::varchar::text])`` for ``= ANY ((ARRAY['a'::varchar])::text[])``."""
    casts = re.compile(r"::(character varying|text)(\[\])?|[()\s]")
    return sorted((*row[:6], casts.sub("", row[6]), *row[7:]) for row in rows)


def test_every_default_sequence_and_foreign_key_of_the_copy_points_into_it(shapes):
    cloned, _ = shapes
    assert {row[2] for row in cloned["default_targets"]} <= {"SELF"}
    assert {row[2] for row in cloned["sequence_owners"]} == {"SELF"}  # identity and serial
    foreign_keys = [row for row in cloned["constraints"] if row[2] == "f"]
    assert foreign_keys and {row[7] for row in foreign_keys} <= {"SELF", "public"}


def test_nothing_in_the_copy_depends_on_the_template(cloned_and_migrated, django_db_blocker):
    with django_db_blocker.unblock():
        assert references_to("tpl_cloned", TEMPLATE_SCHEMA) == []
        # the same query finds what the copy does depend on: its own objects
        assert references_to("tpl_cloned", "tpl_cloned")


def test_the_copy_records_every_migration_of_the_graph(shapes):
    cloned, _ = shapes
    assert sorted(f"{app}.{name}" for app, name in cloned["migrations"]) == migration_keys()


def test_a_stale_template_is_not_copied_the_tenant_gets_its_migrations(cloned_and_migrated, django_db_blocker, caplog):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {TEMPLATE_SCHEMA}.django_migrations WHERE app = 'webhooks' RETURNING app, name, applied"
            )
            removed = cursor.fetchall()
        try:
            assert not template_is_current()
            with caplog.at_level(logging.WARNING, logger="tenants.template"):
                stale = tenant_create(schema="tpl_stale", domain="tpl-stale.localhost", name="Stale")
            assert "missing or stale" in caplog.text
            connection.set_schema_to_public()
            assert schema_shape("tpl_stale")["migrations"] == schema_shape("tpl_migrated")["migrations"]
            tenant_drop(tenant=stale)
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TEMPLATE_SCHEMA}.django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                    removed,
                )
        assert template_is_current()
