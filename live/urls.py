from django.urls import path

from . import views, views_kiosk

urlpatterns = [
    path("live/", views.wallboard, name="wallboard"),
    path("live/stream/", views.wallboard_stream, name="live_stream"),
    path("live/kiosk/<str:token>/", views_kiosk.kiosk, name="kiosk"),
    path("live/kiosk/<str:token>/stream/", views_kiosk.kiosk_stream, name="kiosk_stream"),
    path("settings/kiosks/", views_kiosk.kiosk_list, name="kiosk_list"),
    path("settings/kiosks/<int:pk>/revoke/", views_kiosk.kiosk_revoke, name="kiosk_revoke"),
]
