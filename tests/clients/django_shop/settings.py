"""Settings of the client-test Django app: the database is whatever `pgprod run` says."""

import os

SECRET_KEY = "client-test"  # a test app, never served
# contenttypes and auth write rows in post_migrate: the app's job on prod (docs/orms.md)
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["PGDATABASE"],
        "USER": os.environ["PGUSER"],
        "PASSWORD": os.environ["PGPASSWORD"],
        "HOST": os.environ["PGHOST"],
        "PORT": os.environ["PGPORT"],
        "OPTIONS": {"sslmode": os.environ.get("PGSSLMODE", "prefer")},
    }
}
