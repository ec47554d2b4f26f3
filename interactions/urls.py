from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("history/", views.import_history, name="import_history"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/status/", views.import_status, name="import_status"),
]
