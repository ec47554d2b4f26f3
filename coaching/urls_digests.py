"""See coaching/urls.py."""

urlpatterns: list = []
