"""{% holder ticket %}: the "who holds it" partial for a ticket page, with its forms."""

from __future__ import annotations

from django import template

from ..holder import holder_context

register = template.Library()


@register.inclusion_tag("desk/_holder.html", takes_context=True)
def holder(context, ticket):
    request = context["request"]
    return {
        **holder_context(ticket, request.user),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
