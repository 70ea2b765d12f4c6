"""Knowledge-base articles: saving keeps a revision of what each save replaced; search finds
them by the words of their steps and by their codes, and hides internal ones from customers."""

import pytest
from django.db import connection

from catalog.models import Article, ArticleRevision
from catalog.selectors import articles_for_codes, search_articles
from catalog.services import save_article
from fieldservice.errors import InvalidInput
from tests.factories import ApplianceModelFactory, ErrorCodeFactory, UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def _article(**kwargs):
    params = {"title": "Drain filter", "symptoms": "Water stays in the drum.", "by": None}
    params.update(kwargs)
    return save_article(**params)


def test_save_creates_the_article_and_its_first_revision():
    author = UserFactory()
    code = ErrorCodeFactory(code="F05")

    article = _article(steps="Open the flap.\nUnscrew the filter.", error_codes=[code], by=author)

    assert list(article.error_codes.all()) == [code]
    assert article.updated_by == author
    assert "F05" in article.code_words
    (first,) = article.revisions.all()
    assert (first.number, first.title, first.changed_by) == (1, "", author)


def test_each_edit_keeps_what_the_article_said_before():
    article = _article(steps="Unscrew the filter.", visibility="internal")
    editor = UserFactory()

    save_article(
        article=article,
        title="Clean the drain filter",
        symptoms=article.symptoms,
        steps="Put a towel down, then unscrew the filter.",
        visibility="public",
        by=editor,
    )

    article.refresh_from_db()
    assert article.title == "Clean the drain filter"
    assert article.visibility == "public"
    latest = article.revisions.first()
    assert latest.number == 2
    assert latest.changed_by == editor
    assert (latest.title, latest.steps, latest.visibility) == (
        "Drain filter",
        "Unscrew the filter.",
        "internal",
    )


def test_a_save_that_changes_nothing_writes_no_revision():
    article = _article(steps="Unscrew the filter.")

    save_article(
        article=article,
        title=article.title,
        symptoms=article.symptoms,
        steps=article.steps,
        visibility=article.visibility,
        by=None,
    )

    assert article.revisions.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "Drain\x00filter"}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"steps": "Press \x1b[31m start"}, "steps"),
        ({"symptoms": "x" * 10001}, "symptoms"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(kwargs, field):
    with pytest.raises(InvalidInput) as err:
        _article(**kwargs)

    assert err.value.field == field
    assert not Article.objects.exists()
    assert not ArticleRevision.objects.exists()


def test_an_unknown_code_is_refused_and_the_article_is_unchanged():
    article = _article()
    gone = ErrorCodeFactory(code="E99")
    gone.delete()

    with pytest.raises(InvalidInput) as err:
        save_article(article=article, title="Changed", error_codes=[gone], by=None)

    assert err.value.field == "error_codes"
    article.refresh_from_db()
    assert article.title == "Drain filter"
    assert article.revisions.count() == 1


@on_postgresql
def test_search_finds_a_word_of_the_steps_and_a_code():
    code = ErrorCodeFactory(code="F05", title="Water not draining")
    drain = _article(steps="Unscrew the pump filter anticlockwise.", error_codes=[code])
    _article(title="Door will not open", steps="Wait two minutes after the cycle.")

    assert list(search_articles("anticlockwise", public_only=False)) == [drain]
    assert list(search_articles("F05", public_only=False)) == [drain]
    assert list(search_articles("f05 pump", public_only=False)) == [drain]
    assert list(search_articles("nothingmatches", public_only=False)) == []


@on_postgresql
def test_search_can_use_the_gin_index():
    _article(steps="Unscrew the pump filter.")
    query = search_articles("pump", public_only=False).values("pk")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()

    assert "catalog_article_search" in plan


def test_public_only_hides_internal_articles():
    public = _article(title="Reset the dishwasher", visibility="public")
    _article(title="Reset the control board", visibility="internal")

    assert list(search_articles("reset", public_only=True)) == [public]
    assert len(search_articles("reset", public_only=False)) == 2
    assert list(search_articles("", public_only=True)) == [public]


def test_articles_for_codes_by_code_or_by_model():
    model = ApplianceModelFactory()
    code = ErrorCodeFactory(code="F05")
    by_code = _article(title="By code", error_codes=[code])
    by_model = _article(title="By model", appliance_models=[model], visibility="public")
    _article(title="Unrelated")

    assert set(articles_for_codes([code], None)) == {by_code}
    assert set(articles_for_codes([code], model)) == {by_code, by_model}
    assert list(articles_for_codes([code], model, public_only=True)) == [by_model]
    assert list(articles_for_codes([], None)) == []
