"""People of one contact center: users with a role, teams, agents as the ACD knows them,
and API keys for the tenant's own systems. Every table lives in the tenant's schema."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    AGENT = "agent", _("Agent")


class User(AbstractUser):
    # Platform staff in the public schema have no contact-center role.
    role = models.CharField(max_length=16, choices=Role.choices, blank=True, default="")
    # The UI and email language; blank follows the browser (and emails use LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~models.Q(email=""), name="user_email_unique")
        ]


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    managers = models.ManyToManyField(User, blank=True, related_name="managed_teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    """An agent as identified by the ACD login in imported data.

    Agents first seen in data have no user; an admin can invite them later, which links
    a login-capable User to this record.
    """

    acd_login = models.CharField(max_length=200, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="agents")
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="agent")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["acd_login"]

    def __str__(self) -> str:
        return self.display_name or self.acd_login


class ApiKey(models.Model):
    """A secret for one tenant's integrations. Only a hash is stored; the key is shown once."""

    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
