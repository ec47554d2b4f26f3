from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tenants.admin import TenantAdminMixin

from .models import Domain, Tenant
from .services import tenant_resume, tenant_suspend

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
    list_display = ("name", "schema_name", "timezone", "is_active", "suspended_at", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "schema_name")
    actions = ["suspend", "resume"]
    inlines = [DomainInline]
    # The KPI settings change a center's numbers: its admins change them on their settings
    # page (scorecards.targets.settings_update), which audits each change and recomputes.
    # Editable here they would bypass both, so platform staff only read them.
    # Suspension goes through the actions (tenants.services), never through a ticked box.
    readonly_fields = ("is_active", "suspended_at", "suspended_reason", *KPI_SETTINGS)

    def has_delete_permission(self, request, obj=None):
        # Dropping a contact center's schema is `manage.py tenant_delete --schema S --confirm S`,
        # of a suspended tenant only: never a button next to "Save".
        return False

    @admin.action(description=_("Suspend selected contact centers"))
    def suspend(self, request, queryset):
        queryset = queryset.exclude(schema_name="public")
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirmed") and reason:
            for tenant in queryset:
                tenant_suspend(tenant=tenant, reason=f"{reason} (by {request.user})")
            count = len(queryset)
            self.message_user(
                request,
                ngettext("%(count)d contact center suspended.", "%(count)d contact centers suspended.", count)
                % {"count": count},
                messages.WARNING,
            )
            return None
        # A confirmation page that asks why: shown to staff later, and nothing happens on one click.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Suspend contact centers"),
            "tenants": queryset,
            "reason": reason,
            "reason_missing": bool(request.POST.get("confirmed")),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/tenants/suspend_confirm.html", context)

    @admin.action(description=_("Resume selected contact centers"))
    def resume(self, request, queryset):
        count = 0
        for tenant in queryset.filter(is_active=False):
            tenant_resume(tenant=tenant)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d contact center resumed.", "%(count)d contact centers resumed.", count)
            % {"count": count},
        )
