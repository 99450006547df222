"""The product's own 404 and 500 pages, in the reader's language, even with DEBUG on (the demo runs with it).

Django shows its technical pages whenever DEBUG is on: fine for a developer, alarming for a collector on a phone.
With DEBUG on, this middleware renders the product's pages for everyone who is not an admin (``is_staff``);
admins keep the technical pages. With DEBUG off Django's own handlers render the same templates. The 403 page
needs nothing: Django renders ``403.html`` whatever DEBUG says.
"""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

logger = logging.getLogger("django.request")


def _friendly(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return settings.DEBUG and not (user is not None and user.is_staff)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database is what failed.
    return HttpResponse(render_to_string("500.html"), status=500)


class ErrorPagesMiddleware:
    """With DEBUG on, the product's 404 and 500 pages for non-admins (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _friendly(request) and not _resolves(request.path_info):
            slashed = request.path_info + "/"
            if not (settings.APPEND_SLASH and not request.path_info.endswith("/") and _resolves(slashed)):
                return not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _friendly(request):
            return None
        if isinstance(exception, Http404):
            return not_found(request)
        if isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # Django answers these with their own status and page
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request})
        return server_error(request)
