"""The public host: a plain landing page and the platform's own admin."""

from django.contrib import admin
from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="public/landing.html"), name="landing"),
    path("admin/", admin.site.urls),
]
