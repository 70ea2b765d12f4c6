"""The REST API's shared parts: token authentication, throttles, cursor pagination, the one
problem shape for errors, ETag/If-Match preconditions, Idempotency-Key replay, and the schema
class that documents the error answers of every operation."""

from __future__ import annotations

import datetime
import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .. import roles
from ..errors import DomainError, InvalidInput
from ..models import IdempotencyRecord
from .parsers import body_too_large

# ---------------------------------------------------------------------------------------------
# Errors: one problem shape.


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The object changed since you read it; read it again."
    default_code = "stale_version"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send the ETag you read as If-Match to change this object."
    default_code = "precondition_required"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_detail = "This Idempotency-Key was already used for a different request."
    default_code = "idempotency_key_reused"


class ProblemSerializer(serializers.Serializer):
    """Every error answer: what kind of problem, for people and for programs."""

    type = serializers.CharField(help_text="A stable code for the kind of problem.")
    title = serializers.CharField(help_text="A short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    # The metaclass takes declared fields out of the class, so `.errors` stays Serializer's.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="Field name to its messages, for bad input.",
    )


def problem(*, code: str, title: str, status: int, detail: str, errors=None) -> dict:
    """The body of every error answer (ProblemSerializer's shape)."""
    body = {"type": code, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def server_error_body() -> dict:
    return problem(
        code="server_error",
        title="Server error",
        status=500,
        detail=_("Something went wrong on our side. Try again later; if it goes on, tell us."),
    )


def _unexpected(exc: Exception, context) -> Response:
    """An error no rule expected: rolled back, logged with its traceback and reported as
    Django reports its own 500s, and answered in the problem shape whatever DEBUG is."""
    set_rollback()
    request = context["request"]._request
    signals.got_request_exception.send(sender=None, request=request)
    response = Response(server_error_body(), status=500)
    log_response(
        "%s: %s",
        "Internal Server Error",
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


def exception_handler(exc, context):
    """Map domain errors to their status and every DRF error to the same problem shape; any
    other error is a 500 problem."""
    if isinstance(exc, RequestDataTooBig):
        exc = body_too_large()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request could not be read."))
    if isinstance(exc, DomainError):
        field = exc.field or "non_field_errors"
        body = problem(
            code=exc.code,
            title=exc.__class__.__name__,
            status=exc.status,
            detail=exc.message,
            errors={field: [exc.message]},
        )
        return Response(body, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return _unexpected(exc, context)
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        first = next(iter(errors.items()), ("", [""]))
        detail = _("Invalid input: %(field)s: %(message)s") % {
            "field": first[0],
            "message": first[1][0] if isinstance(first[1], list) and first[1] else first[1],
        }
        response.data = problem(
            code="invalid_input",
            title="Invalid input",
            status=response.status_code,
            detail=detail,
            errors=errors,
        )
    else:
        code = getattr(exc, "default_code", "error")
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = problem(
            code=getattr(detail, "code", None) or code,
            title=code.replace("_", " ").capitalize(),
            status=response.status_code,
            detail=str(detail),
        )
    return response


# ---------------------------------------------------------------------------------------------
# What a view reads from the request.


def valid_input(view, serializer_class=None, *, data=None, **kwargs) -> dict:
    """The request body (or `data`) checked by `serializer_class` (the view's own by default)
    in the view's context; bad input raises the 400 problem naming the fields."""
    serializer_class = serializer_class or view.get_serializer_class()
    serializer = serializer_class(
        data=view.request.data if data is None else data,
        context=view.get_serializer_context(),
        **kwargs,
    )
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def acting_customer(request, named, *, missing: str):
    """The customer a request acts for: a dispatcher must name one (`missing` says so when
    they did not); a client's contact acts for the organization in use, whatever they named."""
    if not roles.has_role(request.user, roles.DISPATCHER):
        customer = roles.acting_customer(request.user)
        if customer is None:
            raise exceptions.PermissionDenied
        return customer
    if named is None:
        raise InvalidInput(missing, field="customer")
    return named


def administrators_only(request) -> None:
    """A client's contact changes their organization's record and sites only as one of its
    administrators (403 for requesters and approvers); other roles pass."""
    user = request.user
    if roles.is_contact(user) and not roles.is_contact(user, roles.ADMINISTRATOR):
        raise exceptions.PermissionDenied(
            _("Only your organization's administrators may change this.")
        )


# ---------------------------------------------------------------------------------------------
# Safe writes.


def etag_of(obj) -> str:
    """A strong ETag. A visit's names its version, so an If-Match can be handed to the services
    as the version they check under their own locks; other objects hash their last change."""
    label = obj._meta.model_name
    version = getattr(obj, "version", None)
    if version is not None:
        return f'"{label}-{obj.pk}-v{version}"'
    return f'"{label}-{obj.pk}-{obj.change_stamp}"'


def _if_match_tags(request, *, required: bool) -> list[str] | None:
    sent = request.headers.get("If-Match")
    if sent is None:
        if required:
            raise PreconditionRequired
        return None
    tags = [t.strip().removeprefix("W/") for t in sent.split(",")]
    return None if "*" in tags else tags


def expected_stamp(request, obj, *, required: bool = False) -> str | None:
    """The change stamp an If-Match names, for services that compare it under their locks;
    None when the client sent none (or `*`). A tag for another object is 412."""
    tags = _if_match_tags(request, required=required)
    if tags is None:
        return None
    prefix = f'"{obj._meta.model_name}-{obj.pk}-'
    for tag in tags:
        if tag.startswith(prefix) and tag.endswith('"'):
            return tag[len(prefix) : -1]
    raise PreconditionFailed


def expected_version(request, obj, *, required: bool = False) -> int | None:
    """The version an If-Match names, for services that compare it under their locks; None
    when the client sent none (or `*`). A tag for another object or of another shape is 412."""
    tags = _if_match_tags(request, required=required)
    if tags is None:
        return None
    prefix = f'"{obj._meta.model_name}-{obj.pk}-v'
    for tag in tags:
        if tag.startswith(prefix) and tag.endswith('"') and tag[len(prefix) : -1].isdigit():
            return int(tag[len(prefix) : -1])
    raise PreconditionFailed


def with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag_of(obj)
    return response


def _fingerprint(request) -> str:
    raw = json.dumps(
        [request.method, request.path, request.data], sort_keys=True, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    response = Response(record.body, status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


KEPT_HEADERS = ("ETag", "Location")


def idempotent(view_method):
    """For POST handlers: with an Idempotency-Key, the first successful answer is stored in the
    same transaction as the write, and a retry with the same key and body gets it back without
    writing again, even one sent while the first is still running. The same key with another
    body is a 422."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        # A null character would reach PostgreSQL, which cannot compare it.
        if not key.strip() or len(key) > 255 or "\x00" in key:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Use a key of 1 to 255 characters.")]}
            )
        fingerprint = _fingerprint(request)
        found = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if found is not None:
            return _replay(found, fingerprint)
        try:
            with transaction.atomic():
                # The key's row goes in first: a concurrent retry with the same key waits on
                # the unique index until this transaction ends, then replays its answer (or,
                # if this one failed and rolled back, runs itself).
                record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint, status_code=0
                )
                response = view_method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    record.status_code = response.status_code
                    record.body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
                    record.headers = {h: response[h] for h in KEPT_HEADERS if h in response}
                    record.save(update_fields=["status_code", "body", "headers"])
                else:
                    record.delete()
        except IntegrityError:
            found = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if found is None:
                raise
            return _replay(found, fingerprint)
        return response

    return wrapper


def purge_idempotency_records() -> int:
    """Forget answers older than IDEMPOTENCY_KEY_HOURS (Celery beat runs this every hour): a
    retry that late is a new request. Returns how many were removed."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    removed, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return removed


# ---------------------------------------------------------------------------------------------
# The schema: every operation documents the errors it can answer with.

_ERROR_TEXT = {
    "400": "Bad input: the problem's `errors` name the fields.",
    "401": "No valid credentials.",
    "403": "Your role may not do this.",
    "404": "No such object among those you may see.",
    "406": "Cannot answer in the media type asked for.",
    "409": "A rule refused the change (busy technician, forbidden transition, window taken…).",
    "412": "If-Match names an older version: read the object again.",
    "413": "The request body is larger than the server takes.",
    "415": "Send the body as JSON.",
    "422": "The Idempotency-Key was used before with a different request.",
    "428": "Send If-Match with the ETag you read.",
    "429": "Too many requests: wait and retry.",
}
_SAFE_ERRORS = ("400", "401", "403", "404", "406", "429")
_WRITE_ERRORS = (*_SAFE_ERRORS, "409", "412", "413", "415", "422")


class ApiSchema(AutoSchema):
    """AutoSchema plus the problem answers each method can give, so conformance checks hold
    for refusals and conflicts too."""

    def _get_serializer_field_meta(self, field, direction):
        # Every field described: its help text, else its label (the model field's verbose name).
        meta = super()._get_serializer_field_meta(field, direction)
        if "description" not in meta and field.label:
            meta["description"] = str(field.label)
        return meta

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = _SAFE_ERRORS if self.method in ("GET", "HEAD", "OPTIONS") else _WRITE_ERRORS
        if self.method == "PATCH" and getattr(self.view, "if_match_required", False):
            codes = (*codes, "428")
        codes = (*codes, *getattr(self.view, "extra_error_codes", ()))
        for code in codes:
            if code not in responses:
                body = self._get_response_for_code(ProblemSerializer, code)
                body["description"] = _ERROR_TEXT[code]
                responses[code] = body
        return responses


def free_text(*, max_length: int, **kwargs) -> serializers.CharField:
    """A free-text input (fieldservice.texts has the limits): its refusal names the limit."""
    return serializers.CharField(
        max_length=max_length,
        error_messages={"max_length": gettext_lazy("At most {max_length} characters.")},
        **kwargs,
    )


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id that must name an object the asking user may see; any other id reads as missing."""

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer tokens in the schema."""

    target_class = "fieldservice.api.access.TokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token (fs_…)."}
