"""The one Celery app and the ONE beat schedule of the project."""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = TenantAwareCeleryApp("callwell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work is added here by the apps that need it (KPI recompute, digests), each as
# one dispatcher entry that fans out a task per tenant.
app.conf.beat_schedule = {}
