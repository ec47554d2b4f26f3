import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import ApiKey, User
from accounts.services import apikey_authenticate
from tenants.models import Tenant


def test_tenant_create_is_idempotent_and_creates_the_first_admin(tenants, django_db_blocker, capsys):
    with django_db_blocker.unblock():
        try:
            call_command(
                "tenant_create",
                "--schema",
                "gamma",
                "--domain",
                "gamma.localhost",
                "--name",
                "Gamma",
                "--timezone",
                "Asia/Tokyo",
                "--admin-email",
                "Gia@Gamma.test",
                "--admin-password",
                "s3cret-pass",
            )
            gamma = Tenant.objects.get(schema_name="gamma")
            assert (gamma.timezone, gamma.min_sample, gamma.service_level_seconds) == ("Asia/Tokyo", 30, 20)
            with schema_context("gamma"):
                admin = User.objects.get()
                assert (admin.email, admin.role) == ("gia@gamma.test", "admin")
                assert admin.check_password("s3cret-pass")
            with pytest.raises(SystemExit) as exited:
                call_command(
                    "tenant_create",
                    "--schema",
                    "gamma",
                    "--domain",
                    "other.localhost",
                    "--name",
                    "Changed",
                    "--timezone",
                    "UTC",
                )
            assert exited.value.code != 0
            assert "already exists" in capsys.readouterr().err
            gamma.refresh_from_db()
            assert (gamma.name, gamma.timezone) == ("Gamma", "Asia/Tokyo")
        finally:
            Tenant.objects.filter(schema_name="gamma").first().delete(force_drop=True)


@pytest.mark.parametrize("domain", ["under_score.localhost", "-bad.localhost"])
def test_tenant_create_refuses_domains_django_would_silently_404(tenants, db, domain):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a valid host name"):
        call_command("tenant_create", "--schema", "delta", f"--domain={domain}", "--name", "D")
    assert not Tenant.objects.filter(schema_name="delta").exists()


def test_apikey_create_prints_the_key_alone_on_the_last_line(tenants, db, capsys):
    call_command("apikey_create", "--schema", "alpha", "--name", "nightly")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    with schema_context("alpha"):
        key = apikey_authenticate(raw)
        assert key is not None and key.name == "nightly"
        assert raw not in ApiKey.objects.values_list("key_hash", flat=True)
    with schema_context("beta"):
        assert apikey_authenticate(raw) is None
