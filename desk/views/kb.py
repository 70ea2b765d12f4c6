"""The knowledge base's pages: list and search, an article with its history, new and edit."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog.models import Article
from catalog.selectors import articles, search_articles
from catalog.services import save_article
from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import desk_staff_required
from tickets.selectors import (
    with_solved_counts,
)

from ..forms import (
    ArticleForm,
    ArticleSearchForm,
)


@desk_staff_required
def kb_list(request):
    """Every article, or those matching the search, with how often each solved a ticket."""
    form = ArticleSearchForm(request.GET)
    found = Article.objects.none()
    if form.is_valid():
        found = with_solved_counts(search_articles(form.cleaned_data["q"], public_only=False))
    return render(
        request,
        "desk/kb_list.html",
        {"form": form, "articles": found, "error": errors_in_words(form) if form.errors else ""},
        status=400 if form.errors else 200,
    )


@desk_staff_required
def kb_detail(request, article_id: int):
    article = get_object_or_404(
        with_solved_counts(articles(public_only=False)).prefetch_related(
            "error_codes__appliance_model"
        ),
        pk=article_id,
    )
    revisions = article.revisions.select_related("changed_by")
    return render(request, "desk/kb_detail.html", {"article": article, "revisions": revisions})


@desk_staff_required
def kb_new(request):
    return _kb_edit(request, None)


@desk_staff_required
def kb_edit(request, article_id: int):
    return _kb_edit(request, get_object_or_404(Article, pk=article_id))


def _kb_edit(request, article: Article | None):
    initial = None
    if article is not None:
        initial = {
            "title": article.title,
            "symptoms": article.symptoms,
            "steps": article.steps,
            "visibility": article.visibility,
            "error_codes": list(article.error_codes.all()),
            "appliance_models": list(article.appliance_models.all()),
        }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = save_article(article=article, by=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("Article saved."))
            return redirect("desk:kb_detail", article_id=article.pk)
    return render(
        request,
        "desk/kb_form.html",
        {"form": form, "article": article, "error": errors_in_words(form) if form.errors else ""},
        status=400 if form.errors else 200,
    )
