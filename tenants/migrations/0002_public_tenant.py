"""The public schema as a tenant row, so the bare host serves the landing page and admin."""

from django.db import migrations


def create_public_tenant(apps, schema_editor):
    Tenant = apps.get_model("tenants", "Tenant")
    Domain = apps.get_model("tenants", "Domain")
    # The historical model has no TenantMixin.save(): this only inserts the row; the
    # public schema exists already.
    public, _ = Tenant.objects.get_or_create(schema_name="public",
                                             defaults={"name": "Callwell platform"})
    for i, host in enumerate(["localhost", "127.0.0.1"]):
        Domain.objects.get_or_create(domain=host, defaults={"tenant": public,
                                                            "is_primary": i == 0})


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(create_public_tenant, migrations.RunPython.noop)]
