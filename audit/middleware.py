"""django-auditlog's middleware, reading the client's address the way the rest of the product does."""

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


class AuditMiddleware(AuditlogMiddleware):
    """Every trail entry written during a request gets its user and address.

    X-Forwarded-For is read only behind the reverse proxy (DJANGO_BEHIND_PROXY), which overwrites it; without one a
    client could write any address into the header."""

    @staticmethod
    def _get_remote_addr(request):
        if getattr(settings, "BEHIND_PROXY", False):
            return AuditlogMiddleware._get_remote_addr(request)
        return request.META.get("REMOTE_ADDR")
