from django.urls import path

from . import views, views_preferences, views_users

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("account/preferences/", views_preferences.account_preferences, name="account_preferences"),
    path("settings/users/", views.user_list, name="user_list"),
    path("settings/users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("settings/users/<int:pk>/deactivate/", views_users.user_deactivate, name="user_deactivate"),
    path("settings/users/<int:pk>/reactivate/", views_users.user_reactivate, name="user_reactivate"),
    path("settings/users/<int:pk>/role/", views_users.user_role, name="user_role"),
    path("settings/users/<int:pk>/teams/", views_users.user_teams, name="user_teams"),
    path("settings/teams/", views.team_list, name="team_list"),
    path("settings/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("agents/", views.agent_list, name="agent_list"),
    path("agents/<int:pk>/", views.agent_edit, name="agent_edit"),
    path("agents/<int:pk>/invite/", views.agent_invite, name="agent_invite"),
    path("settings/api-keys/", views.apikey_list, name="apikey_list"),
    path("settings/api-keys/<int:pk>/revoke/", views.apikey_revoke, name="apikey_revoke"),
]
