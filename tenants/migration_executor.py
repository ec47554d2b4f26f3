"""migrate_schemas that skips the schemas with nothing to do, and keeps the template current.

django-tenants runs Django's migrate in every schema, one after the other: loading the
migration graph, checking every app and sending post_migrate there, about a second a schema
even when nothing is to be applied (a 1,000-tenant deploy waited over 15 minutes for nothing).
Here one query per 250 schemas reads which schemas have applied every migration of the graph
(tenants.template.migration_status); only the others are handed to the executor asked for
(``--executor``, standard by default; multiprocessing runs them in parallel), then the
template schema is migrated too (created when missing), so new tenants can be cloned.

Anything other than a plain run (an app label, a target migration, --fake, --plan, --prune,
--check) is passed to the executor unchanged, for every schema.

Enabled by GET_EXECUTOR_FUNCTION in config/settings/base.py.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import connection
from django_tenants.migration_executors import get_executor as django_tenants_executor
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.utils import schema_exists

from .template import TEMPLATE_SCHEMA, migration_keys, migration_status, template_drop, template_script

logger = logging.getLogger(__name__)
# django-tenants adds set_schema_to_public to the connection; Django's stubs do not know it.
_tenant_connection: Any = connection

_NOT_PLAIN = ("app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied")


class SkipCurrentExecutor(MigrationExecutor):
    codename = "skip-current"

    def __init__(self, args: Any, options: dict, inner_codename: str | None = None) -> None:
        super().__init__(args, options)
        self.inner = django_tenants_executor(inner_codename)(args, options)
        self.plain = not any(options.get(option) for option in _NOT_PLAIN)

    def run_migrations(self, tenants: Any = None) -> None:
        schemas = list(tenants or [])
        if not self.plain or schemas == [self.PUBLIC_SCHEMA_NAME]:
            self.inner.run_migrations(tenants=schemas)
            return
        expected = migration_keys()
        status = migration_status([s for s in schemas if s != self.PUBLIC_SCHEMA_NAME], expected)
        todo = [s for s in schemas if s == self.PUBLIC_SCHEMA_NAME or status.get(s, (0, 0))[0] != len(expected)]
        if int(self.options.get("verbosity", 1)) >= 1:
            self.inner_write(f"{len(schemas) - len(todo)} schema(s) up to date, {len(todo)} to migrate")
        if todo:
            self.inner.run_migrations(tenants=todo)
        # A run over every tenant (not --schema) also brings the template up to date.
        if not self.options.get("schema_name"):
            self.template_migrate(expected)

    def run_multi_type_migrations(self, tenants: Any) -> None:
        self.inner.run_multi_type_migrations(tenants=tenants)

    def template_migrate(self, expected: list[str]) -> None:
        _tenant_connection.set_schema_to_public()
        matched, total = migration_status([TEMPLATE_SCHEMA], expected).get(TEMPLATE_SCHEMA, (0, 0))
        if (matched, total) == (len(expected), len(expected)):
            template_script(expected)  # made when missing (a template from before the scripts)
            return
        if total > matched:  # migrations the code no longer has (rolled back): start afresh
            template_drop()
        if not schema_exists(TEMPLATE_SCHEMA):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(TEMPLATE_SCHEMA)}")
        logger.info("migrating the tenant template %s", TEMPLATE_SCHEMA)
        # In this process, whatever the executor: one schema gains nothing from a pool.
        run_migrations(self.args, self.options, self.codename, TEMPLATE_SCHEMA)
        _tenant_connection.set_schema_to_public()
        template_script(expected, refresh=True)

    def inner_write(self, message: str) -> None:
        import sys

        sys.stdout.write(f"[{self.codename}] {message}\n")


def get_executor(codename: str | None = None) -> Any:
    """GET_EXECUTOR_FUNCTION: every executor of django-tenants, behind the skip."""
    return functools.partial(SkipCurrentExecutor, inner_codename=codename)
