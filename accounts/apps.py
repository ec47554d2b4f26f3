from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"


class PlatformAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the platform's two-factor site as `admin.site`
    (SHARED_APPS names it in place of "django.contrib.admin")."""

    default = False  # accounts' own config stays AccountsConfig
    default_site = "accounts.admin_site.PlatformAdminSite"
