"""A tenant is one contact center: its own PostgreSQL schema, timezone and KPI settings."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA timezone (e.g. Europe/Berlin).")


class Tenant(TenantMixin):
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # False while suspended (tenants.services.tenant_suspend): pages, API, survey links,
    # imports and tasks refuse the tenant; its data stays untouched.
    is_active = models.BooleanField(default=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # KPI settings of ../shared/spec/kpis.md, with the spec's defaults.
    service_level_seconds = models.PositiveIntegerField(default=20)
    service_level_inclusive = models.BooleanField(default=True)
    service_level_target_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    short_abandon_seconds = models.PositiveIntegerField(default=5)
    repeat_window_days = models.PositiveIntegerField(default=7, validators=[MinValueValidator(1)])
    min_sample = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1)])
    cost_per_paid_hour = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    cost_per_contact_minute = models.DecimalField(max_digits=10, decimal_places=4, default=0)

    auto_create_schema = True
    auto_drop_schema = False  # dropping a contact center's data is an explicit act

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_level_target_pct__gte=0) & models.Q(service_level_target_pct__lte=100),
                name="tenant_sl_target_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1) -> bool:
        """A copy of the template schema when it is current (seconds less a tenant), the
        migrations otherwise (tenants/template.py)."""
        from django_tenants.utils import schema_exists

        from .template import template_clone

        if check_if_exists and schema_exists(self.schema_name):
            return False
        if sync_schema and template_clone(self.schema_name):
            return True
        super().create_schema(check_if_exists=False, sync_schema=sync_schema, verbosity=verbosity)
        return True

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Domain(DomainMixin):
    pass


class TemplateScript(models.Model):
    """The SQL that recreates the template schema under another name (tenants/template.py),
    one per set of migrations it holds (``key``: their hash)."""

    key = models.CharField(max_length=64, primary_key=True)
    script = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
