"""WSGI entry point (gunicorn tipoff.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipoff.settings")
application = get_wsgi_application()
