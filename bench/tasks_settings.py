"""Settings for the django-tasks-db side of `bench/deadlines.py` only: zhiban's settings, plus the package's app and
its ORM backend for Django's Tasks API (`django.tasks`). The package is installed for the benchmark's child
processes alone (a `pip install --target` folder on their PYTHONPATH), never into the project."""

from zhiban.config.settings import *  # noqa: F403
from zhiban.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
