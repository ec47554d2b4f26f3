from django.contrib import admin
from django_tenants.admin import TenantAdminMixin

from .models import Domain, Tenant

KPI_SETTINGS = (
    "service_level_seconds",
    "service_level_inclusive",
    "service_level_target_pct",
    "short_abandon_seconds",
    "repeat_window_days",
    "min_sample",
    "cost_per_paid_hour",
    "cost_per_contact_minute",
)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("name", "schema_name", "timezone", "is_active", "created_at")
    search_fields = ("name", "schema_name")
    inlines = [DomainInline]
    # The KPI settings change a center's numbers: its admins change them on their settings
    # page (scorecards.targets.settings_update), which audits each change and recomputes.
    # Editable here they would bypass both, so platform staff only read them.
    readonly_fields = KPI_SETTINGS
