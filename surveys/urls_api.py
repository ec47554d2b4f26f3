"""See surveys/urls.py."""

urlpatterns: list = []
