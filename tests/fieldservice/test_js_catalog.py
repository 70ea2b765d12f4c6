"""The scripts' words come from Django's JavaScript catalog (issue 21), in the request's
language."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_catalog_answers_javascript_in_the_requested_language(client):
    # Needs the Italian djangojs catalog compiled in locale/ (the integrator merges catalogs).
    answer = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="it")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert "in attesa di invio" in answer.content.decode()


@pytest.mark.django_db
def test_base_page_loads_the_catalog_keyed_by_language(client):
    # The service worker keeps one copy per URL: the language in it keeps switching honest.
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="it").content.decode()

    assert f'src="{reverse("javascript-catalog")}?l=it"' in page
