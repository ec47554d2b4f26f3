from django.urls import path

from . import views

urlpatterns = [
    path("settings/alerts/", views.alert_rule_list, name="alert_rule_list"),
    path("settings/alerts/new/", views.alert_rule_new, name="alert_rule_new"),
    path("settings/alerts/<int:pk>/", views.alert_rule_edit, name="alert_rule_edit"),
    path("settings/alerts/<int:pk>/delete/", views.alert_rule_delete_view, name="alert_rule_delete"),
    path("live/alerts/", views.alert_history, name="alert_history"),
]
