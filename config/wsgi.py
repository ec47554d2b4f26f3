import os

from django.core.wsgi import get_wsgi_application

# Servers and workers run the production settings unless told otherwise (bin/run-dev says
# config.settings.local): a forgotten variable fails closed, asking for SECRET_KEY and the rest.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
