"""What Citus schema-based sharding asks of the schema layout and of every query (docs/scaling.md).

Each tenant schema becomes a distributed schema: its tables live together on one node, and the
public schema's tables are reference tables, copied to every node. That works only if

* no foreign key (or view, or owned sequence) goes from a tenant schema to another tenant's
  schema, or from the public schema into a tenant's;
* a tenant's tables reference their own schema, and public tables only where these are on the
  allow-list of reference tables below (none today: no tenant table points at public);
* no statement names two tenant schemas: a tenant's workload (an import, a recompute, pages,
  the API) runs with its own search_path and never qualifies another tenant's tables;
* raw SQL that qualifies a schema by name lives only where tenants are created, cloned and
  dropped (tenants/), where it runs one schema at a time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from scorecards import engine
from tenants.models import Tenant
from tests.paths import ROOT

# Public tables a tenant table may reference by foreign key; each becomes a Citus reference
# table (create_reference_table) on the way to many nodes. Add with care: every write to one
# is a write on every node.
REFERENCE_TABLES: set[str] = set()

# Files whose SQL names a schema on purpose, and why.
SCHEMA_SQL_ALLOWED = {
    "tenants": "creating, cloning, suspending and dropping a tenant's schema, one schema at a time",
    "audit/migrations/0002_append_only.py": "a docstring saying DROP SCHEMA fires no trigger",
    "config/settings/base.py": "a comment on django-tenants' search_path",
}
SCANNED_FOLDERS_SKIPPED = {".venv", ".data", "tests", "bench", "node_modules", "static", "locale", "docs"}

FOREIGN_KEYS = """
    SELECT src_ns.nspname, src.relname, k.conname, dst_ns.nspname, dst.relname
      FROM pg_constraint k
      JOIN pg_class src ON src.oid = k.conrelid
      JOIN pg_namespace src_ns ON src_ns.oid = src.relnamespace
      JOIN pg_class dst ON dst.oid = k.confrelid
      JOIN pg_namespace dst_ns ON dst_ns.oid = dst.relnamespace
     WHERE k.contype = 'f' AND src_ns.nspname = ANY(%s)"""

# A view or rule in one schema that reads a table of another.
VIEW_USAGE = """
    SELECT view_schema, view_name, table_schema, table_name
      FROM information_schema.view_table_usage
     WHERE view_schema = ANY(%s) AND table_schema <> view_schema"""

# A sequence (an identity column's too) owned by a column of a table in another schema.
OWNED_SEQUENCES = """
    SELECT seq_ns.nspname, seq.relname, tab_ns.nspname, tab.relname
      FROM pg_depend d
      JOIN pg_class seq ON seq.oid = d.objid AND seq.relkind = 'S'
      JOIN pg_namespace seq_ns ON seq_ns.oid = seq.relnamespace
      JOIN pg_class tab ON tab.oid = d.refobjid AND d.refclassid = 'pg_class'::regclass
      JOIN pg_namespace tab_ns ON tab_ns.oid = tab.relnamespace
     WHERE d.deptype IN ('a', 'i') AND seq_ns.nspname = ANY(%s) AND seq_ns.nspname <> tab_ns.nspname"""


def rows(sql: str, schemas: list[str]) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, [schemas])
        return cur.fetchall()


def test_foreign_keys_stay_inside_a_tenant_schema_or_point_at_reference_tables(tenants, people):
    tenant_schemas = ["alpha", "beta"]
    keys = rows(FOREIGN_KEYS, [*tenant_schemas, "public"])
    assert any(src == "alpha" for src, *_ in keys), "the tenant schemas have foreign keys to check"
    crossing = [
        key
        for key in keys
        if key[3] != key[0] and not (key[0] != "public" and key[3] == "public" and key[4] in REFERENCE_TABLES)
    ]
    assert crossing == []
    # a tenant's keys point at the same tables as another tenant's: the layout is per schema
    shape = {
        schema: sorted((t, name, dst_t) for s, t, name, _, dst_t in keys if s == schema) for schema in tenant_schemas
    }
    assert shape["alpha"] == shape["beta"]
    assert rows(VIEW_USAGE, [*tenant_schemas, "public"]) == []
    assert rows(OWNED_SEQUENCES, [*tenant_schemas, "public"]) == []


def identifiers(sql: str) -> set[str]:
    """Every name in a statement, quoted or not, string literals left out."""
    without_literals = re.sub(r"'(?:[^']|'')*'", "''", sql)
    found = re.findall(r'"([^"]+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b', without_literals)
    return {(quoted or bare).lower() for quoted, bare in found}


class Statements:
    """Every statement this connection runs while installed (Django's execute_wrapper)."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append(sql if isinstance(sql, str) else sql.decode())
        return execute(sql, params, many, context)


CSV = (
    "external_id,agent,customer_id,offered_at,answered_at,talk_seconds\n"
    + "".join(
        f"shard{i},{('alice.a', 'bob.b')[i % 2]},C{i % 4},2026-03-0{2 + i % 5}T09:{i:02d}:00,"
        f"2026-03-0{2 + i % 5}T09:{i:02d}:15,{60 + i}\n"
        for i in range(30)
    )
).encode()


def alpha_workload(tenants, people, web, api) -> None:
    """What a tenant's day runs: an import through the API, a full recompute, pages, the API."""
    key_client = api(tenants.alpha, key=people.alpha_key)
    response = key_client.post(
        "/api/v1/imports/interactions/", {"file": SimpleUploadedFile("day.csv", CSV)}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["created"] == 30, response.content
    connection.set_tenant(tenants.alpha)
    engine.recompute(reason="shard test")
    for path in (
        "/api/v1/kpis/?scope=team&period=week&start=2026-03-02&end=2026-03-08",
        "/api/v1/interactions/",
        "/api/v1/agents/",
    ):
        response = key_client.get(path)
        assert response.status_code == 200 and response.json(), path
    for user, path in (
        (people.mona, "/"),
        (people.mona, "/kpis/?period=week"),
        (people.ada, "/imports/"),
        (people.alice, "/"),
        (people.mona, "/coaching/"),
    ):
        response = web(tenants.alpha, user).get(path)
        assert response.status_code == 200, (path, response.status_code)


@pytest.mark.django_db
def test_a_tenants_workload_never_names_another_tenants_schema(tenants, people, web, api):
    others = set(Tenant.objects.exclude(schema_name__in=["alpha", "public"]).values_list("schema_name", flat=True))
    assert "beta" in others
    statements = Statements()
    with connection.execute_wrapper(statements):
        alpha_workload(tenants, people, web, api)
    assert len(statements.seen) > 100, "the workload ran through this connection"
    assert any("kpisnapshot" in sql for sql in statements.seen)
    naming_others = [sql for sql in statements.seen if identifiers(sql) & others]
    assert naming_others == []


def test_identifiers_finds_quoted_and_bare_schema_names_but_not_literals():
    assert {"beta", "interactions_interaction"} <= identifiers('SELECT 1 FROM "beta"."interactions_interaction"')
    assert "beta" in identifiers("SET search_path = beta, public")
    assert "beta" not in identifiers("SELECT 1 WHERE domain = 'beta.localhost'")


# A schema named in SQL: set as the search path, created/dropped/altered, read from the catalogue,
# or interpolated in front of a table name ("{schema}.table", "%s.table" with a schema).
SCHEMA_SQL = re.compile(
    r"search_path|\b(?:CREATE|DROP|ALTER)\s+SCHEMA\b|\bSET\s+SCHEMA\b|pg_namespace|nspname|table_schema"
    r"|\{[^{}]*schema[^{}]*\}[\\\"]*\s*\.|schema_name\s*\+\s*['\"]\.",
    re.IGNORECASE,
)


def python_files() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in SCANNED_FOLDERS_SKIPPED or relative.parts[0].startswith("."):
            continue
        found.append(relative)
    return found


def allowed(path: Path) -> bool:
    text = path.as_posix()
    return any(text == entry or text.startswith(entry + "/") for entry in SCHEMA_SQL_ALLOWED)


def test_no_sql_names_a_schema_outside_tenant_creation():
    files = python_files()
    assert Path("scorecards/engine.py") in files and not any(p.parts[0] == "tests" for p in files)
    offending = []
    for path in files:
        source = (ROOT / path).read_text()
        for number, line in enumerate(source.splitlines(), start=1):
            if SCHEMA_SQL.search(line) and not allowed(path):
                offending.append(f"{path}:{number}: {line.strip()}")
    assert offending == []


def test_the_source_scan_catches_a_qualified_table():
    for line in (
        'cur.execute(f"SELECT * FROM {schema}.interactions_interaction")',
        'cur.execute(f"SELECT * FROM \\"{tenant.schema_name}\\".kpi")',
        'cur.execute("SET search_path TO " + name)',
        'cur.execute("SELECT nspname FROM pg_namespace")',
    ):
        assert SCHEMA_SQL.search(line), line
    assert not SCHEMA_SQL.search("with schema_context(tenant.schema_name):")
