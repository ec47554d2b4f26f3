from django.db import connection

from .access import user_role


def navigation(request):
    tenant = getattr(connection, "tenant", None)
    return {
        "current_role": user_role(getattr(request, "user", None)),
        "tenant_name": getattr(tenant, "name", "") if tenant else "",
    }
