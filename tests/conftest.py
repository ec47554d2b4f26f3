"""Tenants are created once per session; named personas make access tests read like sentences.

alpha (Europe/Berlin):  ada (admin); mona manages team North, where alice works;
                        max manages team South, where bob works.
beta (America/New_York): bea (admin) and her agent bert, in another contact center.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import translation
from django_tenants.test.client import TenantClient
from django_tenants.utils import get_public_schema_name
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import apikey_create
from tenants.services import tenant_create
from tests.factories import AgentFactory, TeamFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database, always. pytest-django's own fixture sets it up only when a collected
    test asks for `db`: a run of modules that commit through fixtures of their own (a live
    server, a Celery worker) would otherwise write to the development database."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        alpha = tenant_create(schema="alpha", domain="alpha.localhost", name="Alpha Care", timezone="Europe/Berlin")
        beta = tenant_create(schema="beta", domain="beta.localhost", name="Beta Support", timezone="America/New_York")
    return SimpleNamespace(alpha=alpha, beta=beta)


@pytest.fixture
def in_tenant(db, tenants):
    """Switch the test's connection to a tenant's schema: ``in_tenant(tenants.alpha)``."""

    def switch(tenant):
        connection.set_tenant(tenant)
        return tenant

    yield switch
    connection.set_schema(get_public_schema_name())


def _user(role, email, agent_login=None, team=None):
    user = UserFactory(email=email, password=PASSWORD, role=role)
    if agent_login:
        AgentFactory(acd_login=agent_login, display_name=email.split("@")[0].title(), team=team, user=user)
    return user


@pytest.fixture
def people(tenants, in_tenant):
    """Personas of both tenants. The connection is left on alpha."""
    in_tenant(tenants.beta)
    bea = _user(Role.ADMIN, "bea@beta.test")
    beta_team = TeamFactory(name="North")  # same name as alpha's, on purpose
    bert = _user(Role.AGENT, "bert@beta.test", agent_login="bert.b", team=beta_team)
    _, beta_key = apikey_create(name="beta crm")

    in_tenant(tenants.alpha)
    north = TeamFactory(name="North")
    south = TeamFactory(name="South")
    ada = _user(Role.ADMIN, "ada@alpha.test")
    mona = _user(Role.MANAGER, "mona@alpha.test")
    max_ = _user(Role.MANAGER, "max@alpha.test")
    north.managers.add(mona)
    south.managers.add(max_)
    alice = _user(Role.AGENT, "alice@alpha.test", agent_login="alice.a", team=north)
    bob = _user(Role.AGENT, "bob@alpha.test", agent_login="bob.b", team=south)
    _, alpha_key = apikey_create(name="alpha crm")
    return SimpleNamespace(
        ada=ada,
        mona=mona,
        max=max_,
        alice=alice,
        bob=bob,
        bea=bea,
        bert=bert,
        north=north,
        south=south,
        alpha_key=alpha_key,
        beta_key=beta_key,
    )


@pytest.fixture
def web(tenants):
    """A browser-like client for a tenant's host, optionally logged in: ``web(alpha, ada)``."""

    def make(tenant, user=None, *, pulse=False):
        client = TenantClient(tenant)
        if user is not None:
            connection.set_tenant(tenant)  # the session is stored in the tenant's schema
            client.force_login(user)
            if not pulse:
                # An agent's first page of a session may detour to the effort pulse; tests
                # about other pages start past it (the pulse's own tests pass pulse=True).
                from surveys.middleware import CHECKED

                session = client.session
                session[CHECKED] = True
                session.save()
        return client

    return make


@pytest.fixture
def api(tenants):
    """A REST client on a tenant's host: ``api(alpha, key=raw)`` or ``api(alpha, user=ada)``."""

    def make(tenant, *, key=None, user=None):
        client = APIClient(HTTP_HOST=tenant.get_primary_domain().domain)
        if key:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def live_state_clean(tenants):
    """Redis is not rolled back with the test's transaction: the test starts and ends with no
    live state of the session's tenants (tests/live and tests/alerts use it for every test)."""
    from live import state

    for schema in ("alpha", "beta"):
        state.forget(schema)
    yield
    for schema in ("alpha", "beta"):
        state.forget(schema)


@pytest.fixture(scope="module")
def celery_worker_thread(django_db_blocker):
    """A real Celery worker (Redis broker) in a thread of this process, for one module.

    It has its own database connection: the data it reads must be committed, so the modules
    that use it create tenants of their own and drop them afterwards."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # Tasks other tests queued on commit (for tenants long dropped) must not run first.
    app.control.purge()
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_stray_sessions(django_db_setup, django_db_blocker):
    """End the connections other threads and event loops left open (Playwright's sync API
    runs ORM calls in an asyncio context of their own, with a connection of its own), so the
    test database can be dropped at the end of the run."""
    yield
    # This context's connection may date from before a PostgreSQL restart (tests/scorecards/
    # test_recompute_survives_restart.py restarts the server): start from a fresh one.
    connection.close()
    with django_db_blocker.unblock(), connection.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _empty_cache_after_each_test():
    """The cache (locmem here) is not rolled back with the test's transaction: a host's tenant
    or a scorecard's content cached from rows of one test must not answer in the next."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request through LocaleMiddleware leaves its language active in the test's thread; the
    next test would render (a digest, a message) in it. Every test starts in the default."""
    yield
    translation.deactivate()


def recompute_reasons(callbacks) -> list[str]:
    """The reason of each KPI recompute requested on commit (kpi_recompute_enqueue's callback).
    The broker is never called."""
    from scorecards.services import KpiRecomputeAsked

    return [callback.reason for callback in callbacks if isinstance(callback, KpiRecomputeAsked)]
