"""Answering with an uploaded file once a view has decided who may have it.

Uploads (photos, signatures) are never served from a public folder: a view checks who asks,
then hands the stored file here. Django streams it (`make run`, or an app alone), or, when a web
server fronts the app (MEDIA_SENDFILE_HEADER), the answer only names the file and the server
sends it: nginx's X-Accel-Redirect to an `internal` location at MEDIA_INTERNAL_URL, or the
X-Sendfile of Apache's mod_xsendfile and lighttpd with the file's path.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase

X_ACCEL_REDIRECT = "X-Accel-Redirect"
X_SENDFILE = "X-Sendfile"
HEADERS = ("", X_ACCEL_REDIRECT, X_SENDFILE)


def file_response(stored: FieldFile) -> HttpResponseBase:
    """The file as the answer, for the browser to show; 404 when there is none."""
    if not stored or not stored.name:
        raise Http404
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    header = settings.MEDIA_SENDFILE_HEADER
    response: HttpResponseBase
    if header == X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response[header] = settings.MEDIA_INTERNAL_URL + quote(stored.name)
    elif header == X_SENDFILE:
        response = HttpResponse(content_type=content_type)
        response[header] = stored.path
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    # Only this user's browser may keep it: a shared cache must not hand it to the next person.
    response["Cache-Control"] = "private, max-age=3600"
    response["Vary"] = "Cookie"
    return response
