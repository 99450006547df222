"""Access checks shared by the manager's, supervisor's and customer service's pages."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError


class AllowedMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous users go to the login page; a user the ``allowed`` check refuses gets 403."""

    allowed: Callable = staticmethod(lambda user: False)

    def test_func(self) -> bool:
        return type(self).allowed(self.request.user)


def allowed_only(check: Callable):
    """Function-view decorator: log in first, then 403 unless ``check(user)``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def wants_fragment(request) -> bool:
    """An htmx request (not a history restore) gets the results fragment only."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def add_service_errors(form, exc: ValidationError, renames: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, on the named fields where it names one the form has."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = (renames or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
