"""Settings and URLs for bench/api.py: the project's own, plus a minimal view to compare with."""
