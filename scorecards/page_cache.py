"""The scorecard page's content, cached per tenant, data version, viewer's scope, language and query.

The content block of /kpis/ (cards, agent table, trend) is computed from snapshots, targets and
the tenant's KPI settings, and costs 20-odd queries and a large template; under load it is the
page's whole cost. It is cached in the shared cache under a key made of:

- the tenant's schema and its **data version**, a random token replaced (now and on commit)
  whenever what the content shows may change: a recompute wrote snapshots (every KPI change,
  including a coaching exclusion or a survey answer, reaches the page through one), a target
  was set or retired, the KPI settings changed (scorecards.engine, scorecards.targets);
- the **viewer's scope**, read fresh on every request (it is cheap): role, the teams they may
  choose (id and name) and the agents of the team shown (id, login, name, user). Two managers
  of different teams, or a manager whose team changed, never share a key; an agent moved, added
  or renamed changes the key at once. Users who see exactly the same share the entry;
- the language, the tenant's today (the default period is the last complete one) and every
  query parameter.

The filter form's choices of queues and interaction types come from imports, which are followed
by a recompute (a new version). Entries live CONTENT_SECONDS at most; with Redis down nothing is
read or kept (common/cache.py) and the page is computed as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from tenants.current import current_schema_name

CONTENT_SECONDS = 600
_VERSION_KEY = "scorecards:data-version:{}"


def _version_key() -> str:
    return _VERSION_KEY.format(current_schema_name())


def data_version() -> str | None:
    """The current tenant's data version; None when the cache cannot keep one (Redis down)."""
    key = _version_key()
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def scorecard_data_changed() -> None:
    """Every cached scorecard content of the current tenant is stale: now and when the
    transaction commits (a request in between would cache the old data under the new token)."""
    key = _version_key()

    def replace() -> None:
        cache.set(key, uuid.uuid4().hex, None)

    replace()
    transaction.on_commit(replace)


def content_key(*, version: str, today: dt.date, scope: Iterable, query: Iterable) -> str:
    viewer = hashlib.sha256(repr((tuple(scope), tuple(query))).encode()).hexdigest()
    language = translation.get_language()
    return f"scorecards:content:{current_schema_name()}:{version}:{language}:{today.isoformat()}:{viewer}"
