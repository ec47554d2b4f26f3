"""The part user_deactivate and user_reactivate share: find one user of one tenant by email."""

from django.core.management.base import CommandError

from accounts.models import User


def user_for_email(email: str, schema: str) -> User:
    """Call inside the tenant's schema. Platform staff (no role) are not a contact center's users."""
    user = User.objects.exclude(role="").filter(email=email.lower()).first()
    if user is None:
        raise CommandError(f"no user with email {email!r} in tenant {schema!r}")
    return user
