from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class TenantsConfig(AppConfig):
    name = "tenants"

    def ready(self) -> None:
        # Not business logic: the cached host -> tenant answers (tenants/hosts.py) must follow
        # every write of these rows, whoever makes it (the admin, a service, a shell).
        from .hosts import forget_on_domain_change, forget_on_tenant_change, remember_old_domain
        from .models import Domain, Tenant

        post_save.connect(forget_on_tenant_change, sender=Tenant, dispatch_uid="tenant-host-forget-save")
        post_delete.connect(forget_on_tenant_change, sender=Tenant, dispatch_uid="tenant-host-forget-delete")
        pre_save.connect(remember_old_domain, sender=Domain, dispatch_uid="tenant-host-old-domain")
        post_save.connect(forget_on_domain_change, sender=Domain, dispatch_uid="domain-host-forget-save")
        post_delete.connect(forget_on_domain_change, sender=Domain, dispatch_uid="domain-host-forget-delete")
