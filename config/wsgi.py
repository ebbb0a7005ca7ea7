import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, URL patterns) lives as long as the process: moved out
# of the collector's reach, full collections stop rescanning it on every few requests.
gc.collect()
gc.freeze()
