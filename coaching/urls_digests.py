"""See coaching/urls.py. Mounted at /coaching/digests/."""

from django.urls import path

from . import views_digests

urlpatterns = [
    path("", views_digests.digest_deliveries, name="digest_deliveries"),
    path("preview/", views_digests.digest_preview, name="digest_preview"),
]
