"""What a schema is made of, read from the catalog with its own name taken out, so that two
tenants' schemas compare equal exactly when they are built alike."""

from __future__ import annotations

from django.db import connection

# Each query takes the schema's name as %(s)s and returns rows that never name it: the name of
# the schema an object points to is given as "SELF" for its own, else as it is.
_WHERE = "CASE WHEN {ns} = %(s)s THEN 'SELF' ELSE {ns} END"
QUERIES = {
    # The columns' order, not their numbers: a dropped column leaves a gap in a migrated table's.
    "columns": """
        SELECT table_name, column_name, row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position), data_type, udt_name, character_maximum_length,
               numeric_precision, numeric_scale, is_nullable, is_identity, identity_generation,
               replace(column_default, %(s)s || '.', 'SELF.'), is_generated, generation_expression
        FROM information_schema.columns WHERE table_schema = %(s)s""",
    "relations": """
        SELECT c.relname, c.relkind, c.relpersistence, c.relhasindex, c.relrowsecurity, c.relispartition
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(s)s""",
    "constraints": f"""
        SELECT t.relname, con.conname, con.contype, con.condeferrable, con.condeferred, con.convalidated,
               replace(pg_get_constraintdef(con.oid), %(s)s || '.', 'SELF.'),
               {_WHERE.format(ns="fn.nspname")}, ft.relname, ix.relname
        FROM pg_constraint con
        JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_class ft ON ft.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = ft.relnamespace
        LEFT JOIN pg_class ix ON ix.oid = con.conindid
        WHERE n.nspname = %(s)s""",
    "indexes": """
        SELECT tablename, indexname, replace(indexdef, %(s)s || '.', 'SELF.')
        FROM pg_indexes WHERE schemaname = %(s)s""",
    "sequences": """
        SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle,
               cache_size, last_value
        FROM pg_sequences WHERE schemaname = %(s)s""",
    # Who owns each sequence (serial: 'a', identity: 'i'), and in which schema that table is.
    "sequence_owners": f"""
        SELECT s.relname, d.deptype, {_WHERE.format(ns="tn.nspname")}, t.relname, a.attname
        FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND sn.nspname = %(s)s""",
    # What every column default depends on (a sequence: in which schema).
    "default_targets": f"""
        SELECT t.relname, a.attname, {_WHERE.format(ns="rn.nspname")}, r.relname
        FROM pg_attrdef ad JOIN pg_class t ON t.oid = ad.adrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ad.adnum
        JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
             AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class r ON r.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = r.relnamespace
        WHERE n.nspname = %(s)s AND r.oid <> t.oid""",
    "triggers": """
        SELECT c.relname, tg.tgname, replace(pg_get_triggerdef(tg.oid), %(s)s || '.', 'SELF.')
        FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s AND NOT tg.tgisinternal""",
    "functions_and_views": """
        SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(s)s
        UNION ALL SELECT 'view', viewname FROM pg_views WHERE schemaname = %(s)s""",
    "migrations": "SELECT app, name FROM {schema}.django_migrations",
}


def schema_shape(schema: str) -> dict[str, list[tuple]]:
    """``{what: sorted rows}`` for one schema, plus each table's row count ("rows")."""
    shape: dict[str, list[tuple]] = {}
    quoted = connection.ops.quote_name(schema)
    with connection.cursor() as cursor:
        for what, sql in QUERIES.items():
            cursor.execute(sql.replace("{schema}", quoted), {"s": schema})
            shape[what] = sorted(cursor.fetchall(), key=repr)
        tables = sorted(row[0] for row in shape["relations"] if row[1] in ("r", "p"))
        cursor.execute(
            " UNION ALL ".join(f"SELECT %s, count(*) FROM {quoted}.{connection.ops.quote_name(t)}" for t in tables),
            tables,
        )
        shape["rows"] = sorted(cursor.fetchall())
    return shape


def references_to(schema: str, other: str) -> list[tuple]:
    """Every dependency of an object of ``schema`` on an object of ``other`` (a default's
    sequence, a foreign key's table, an index's table, a sequence's owner...): pg_depend."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH objects AS (
                SELECT 'pg_class'::regclass AS classid, c.oid, n.nspname FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                UNION ALL
                SELECT 'pg_constraint'::regclass, con.oid, n.nspname FROM pg_constraint con
                JOIN pg_namespace n ON n.oid = con.connamespace
                UNION ALL
                SELECT 'pg_attrdef'::regclass, ad.oid, n.nspname FROM pg_attrdef ad
                JOIN pg_class c ON c.oid = ad.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            )
            SELECT d.classid::regclass::text, d.objid, d.refclassid::regclass::text, d.refobjid, d.deptype
            FROM pg_depend d
            JOIN objects o ON o.classid = d.classid AND o.oid = d.objid AND o.nspname = %s
            JOIN objects r ON r.classid = d.refclassid AND r.oid = d.refobjid AND r.nspname = %s
            """,
            [schema, other],
        )
        return cursor.fetchall()
