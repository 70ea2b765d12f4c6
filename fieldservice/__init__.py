"""Field-service dispatch: the Django project package (settings, urls, Celery app, errors)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
