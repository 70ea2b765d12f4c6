"""The project's settings with a URL map that adds the minimal comparison view."""

from fieldservice.settings import *  # noqa: F403

ROOT_URLCONF = "apibench.urls"
