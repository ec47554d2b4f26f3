"""Pages: see scorecards/urls.py."""

from django.urls import path

from . import views_operations

urlpatterns: list = [
    path("operations/", views_operations.operations, name="operations"),
    path("staffing/", views_operations.staffing, name="staffing"),
]
