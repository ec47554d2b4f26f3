"""The tenant of a request's host, from the shared cache: no query of the public schema per request.

django-tenants' TenantMainMiddleware reads ``Domain`` joined to ``Tenant`` in the public schema on
every request (and switches the connection to public and back for it). Under load that is one
round trip and one ``SET search_path`` per request spent on an answer that changes a few times a
year. Here the answer is kept in the shared cache (Redis in production, so every worker process
sees a change at once), for at most settings.TENANT_HOST_CACHE_SECONDS (0: not cached, as in the
tests, whose query counts compare requests), and forgotten on every change:

- a Tenant or Domain saved or deleted (the platform admin, tenant_create, tenant_drop):
  tenants.apps connects post_save/post_delete;
- the writes that bypass save() with a queryset UPDATE: tenants.services._state_save (suspend,
  resume) and scorecards.targets.settings_update (the KPI settings, kept on the Tenant).

A change is forgotten at once and again on commit: a request between the two would otherwise put
the old row back until it expires. With Redis down the cache answers empty (common/cache.py)
and every request reads the database, as before; the TTL bounds what a forget lost while Redis
was away could leave behind.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .models import Domain, Tenant

_KEY = "tenant-host:{}"


def tenant_for_host(hostname: str) -> Tenant:
    """The host's tenant; raises Domain.DoesNotExist (unknown hosts are not cached: a typo costs
    one query, and a domain added later is found at once)."""
    seconds = settings.TENANT_HOST_CACHE_SECONDS
    if not seconds:
        return Domain.objects.select_related("tenant").get(domain=hostname).tenant
    key = _KEY.format(hostname)
    tenant = cache.get(key)
    if isinstance(tenant, Tenant):
        return tenant
    tenant = Domain.objects.select_related("tenant").get(domain=hostname).tenant
    cache.set(key, tenant, seconds)
    return tenant


def tenant_hosts_forget(*, tenant_id: int | None, hostnames: tuple[str, ...] = ()) -> None:
    """Forget the cached tenant of every host of ``tenant_id`` (and of ``hostnames``: a domain
    renamed or deleted is no longer in the table), now and when the transaction commits."""
    hosts = set(hostnames)
    if tenant_id is not None:
        hosts.update(Domain.objects.filter(tenant_id=tenant_id).values_list("domain", flat=True))
    keys = [_KEY.format(host) for host in hosts]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_on_tenant_change(sender, instance: Tenant, **kwargs) -> None:
    tenant_hosts_forget(tenant_id=instance.pk)


def forget_on_domain_change(sender, instance: Domain, **kwargs) -> None:
    # the old name too, when a domain is renamed: read before the save by remember_old_domain
    old = getattr(instance, "_domain_before_save", None)
    names = tuple(name for name in (instance.domain, old) if name)
    tenant_hosts_forget(tenant_id=instance.tenant_id, hostnames=names)


def remember_old_domain(sender, instance: Domain, **kwargs) -> None:
    if instance.pk is not None:
        instance._domain_before_save = (  # type: ignore[attr-defined]
            Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first()
        )
