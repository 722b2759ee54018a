"""A minimal Django app for pgprod's client tests, run through `pgprod run ENV --`,
which sets the PG* variables this app's settings read."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
