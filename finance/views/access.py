"""Small helpers shared by the finance views."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a message or a table row."""
    return ";".join(str(message) for message in exc.messages)


def back_to(request, default: str, *args):
    """Redirect to the form's ``next`` (same site only), else to ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default, *args)
