"""Every error answer under /api/ in the problem shape, whatever raised it and whatever DEBUG is.

The API's views answer their own errors (fieldservice.api.exception_handler). What they never
see, an exception in a middleware (a forged Host header, a body past the upload limit) or in a
plain Django view mounted under /api/, Django turns into a page at the layer where it was
raised: its debug page with DEBUG on, handler400/404/500 otherwise, already logged and
reported. Outermost of all middleware, this one gets that page and answers the same status as
a problem instead."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from . import problem, server_error_body

PREFIX = "/api/"
# Headers of the page that describe its body, which the problem replaces.
BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-disposition"}


def _details() -> dict[int, str]:
    return {
        400: _("The request could not be read."),
        403: _("You are not allowed to do this."),
        404: _("No such address in the API."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
    }


def _is_json(response: HttpResponse) -> bool:
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return kind == "application/json" or kind.endswith("+json")


def as_problem(response: HttpResponse) -> JsonResponse:
    """The problem for an error page's status, with the page's other headers kept."""
    status = response.status_code
    if status >= 500:
        body = {**server_error_body(), "status": status}
    else:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        body = problem(
            code=phrase.lower().replace(" ", "_").replace("-", "_"),
            title=phrase,
            status=status,
            detail=_details().get(status, phrase),
        )
    answer = JsonResponse(body, status=status)
    for name, value in response.items():
        if name.lower() not in BODY_HEADERS:
            answer[name] = value
    answer.cookies = response.cookies
    return answer


class ProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(PREFIX)
            and response.status_code >= 400
            and not response.streaming
            and not _is_json(response)
        ):
            return as_problem(response)
        return response
