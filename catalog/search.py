"""Full-text search over knowledge-base articles: the one search vector the selector asks by
and the GIN index (catalog migration 0002) is built on, so PostgreSQL can use the index.

The 'simple' configuration: articles are written in several languages, and error codes and
model numbers must stay whole words rather than be stemmed."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector

CONFIG = "simple"
INDEX_NAME = "catalog_article_search"


def article_vector() -> SearchVector:
    """Title, symptoms, steps and the linked codes' words, as one vector."""
    return SearchVector("title", "symptoms", "steps", "code_words", config=CONFIG)
