from django.db import connection

from common.access import user_role

from .navigation import navigation_for


def navigation(request):
    """The grouped main navigation of the person asking: none before they log in, and none on
    the public site (its URLs are not a contact center's)."""
    role = user_role(getattr(request, "user", None))
    if role is None or connection.schema_name == "public":
        return {"nav_sections": []}
    return {"nav_sections": navigation_for(role=role, path=request.path)}
