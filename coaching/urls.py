"""Coaching pages of a tenant host: sessions, signals and exclusions, digests."""

from django.urls import include, path

urlpatterns = [
    path("", include("coaching.urls_sessions")),
    path("signals/", include("coaching.urls_signals")),
    path("digests/", include("coaching.urls_digests")),
]
