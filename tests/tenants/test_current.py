"""current_tenant(): the real Tenant with its settings inside a tenant, an error outside one."""

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from surveys.effort_selectors import this_monday
from tenants.current import NoTenantError, current_tenant
from tenants.models import Tenant


def test_on_the_public_schema_there_is_no_tenant_to_read_settings_from(db, tenants):
    assert connection.schema_name == "public"
    with pytest.raises(NoTenantError, match="public schema"):
        current_tenant()


def test_schema_context_gives_the_tenant_row_with_its_settings(db, tenants):
    with schema_context("beta"):
        tenant = current_tenant()
        assert isinstance(tenant, Tenant)  # not schema_context's FakeTenant, which has no settings
        assert (tenant.pk, tenant.timezone, tenant.min_sample) == (tenants.beta.pk, "America/New_York", 30)
        assert tenant.tz.key == "America/New_York"


def test_a_request_or_task_tenant_is_returned_as_it_is(in_tenant, tenants):
    in_tenant(tenants.alpha)
    assert current_tenant() is connection.tenant


def test_a_schema_no_tenant_describes_is_an_error_not_a_default(db, tenants):
    with schema_context("nowhere"), pytest.raises(NoTenantError, match="'nowhere'"):
        current_tenant()


def test_no_tenant_is_a_runtime_error():
    assert issubclass(NoTenantError, RuntimeError)


def test_settings_readers_use_the_tenants_timezone_outside_a_request(db, tenants):
    # Sunday 23:30 UTC is already Monday 00:30 in Berlin: a UTC default would say the week of 2 March.
    now = dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC)
    with schema_context("alpha"):
        assert this_monday(now) == dt.date(2026, 3, 9)
    with pytest.raises(NoTenantError):
        this_monday(now)
