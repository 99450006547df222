"""The owner's page (扫码查账): public, no login, one household under a signed link; always in Chinese.

Every bad, expired or revoked token is the same plain 404. The responses are not cached, not indexed, and send the
Referer (which holds the token) only to this site: "same-origin", because under "no-referrer" browsers post
``Origin: null`` and the CSRF check refuses the forms. Each POST is one request to the collector (promise, problem,
callback) or the end of the SMS; after it the page is shown again with a confirmation (post/redirect/get).
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods, require_POST

from core.access import add_service_errors

from ..forms_owner import CallbackForm, IssueForm, PromiseForm
from ..selectors import link_for_token, owner_page
from ..services.links import owner_link_seen
from ..services.owner import owner_callback, owner_issue, owner_opt_out, owner_opted_out, owner_promise

DONE = {"promise", "callback", "issue", "optout"}


def _owner_view(view):
    """Public, in Chinese, with the link resolved (404 otherwise) and the privacy headers set."""

    @login_not_required
    @wraps(view)
    def wrapped(request, token: str, *args, **kwargs):
        with translation.override("zh-hans"):
            link = link_for_token(token)
            if link is None:
                raise Http404
            response = view(request, link, token, *args, **kwargs)
            response["Cache-Control"] = "private, no-store"
            response["Referrer-Policy"] = "same-origin"
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Content-Language"] = "zh-Hans"
            return response

    return wrapped


def _render(request, link, token, *, forms=None, status=200, open_section=""):
    today = timezone.localdate()
    forms = forms or {}
    household = link.household
    context = {
        "page": owner_page(link, today),
        "token": token,
        "promise_form": forms.get("promise") or PromiseForm(today=today),
        "callback_form": forms.get("callback") or CallbackForm(today=today),
        "issue_form": forms.get("issue") or IssueForm(),
        "opted_out": owner_opted_out(household),
        "has_mobile": household.owner is not None and bool(household.owner.phone or household.owner.phone_alt),
        "done": request.GET.get("done") if request.GET.get("done") in DONE else "",
        "open_section": open_section,
        "expires_at": link.expires_at,
    }
    return render(request, "outreach/owner/page.html", context, status=status)


@_owner_view
@require_http_methods(["GET", "HEAD"])
def owner_page_view(request, link, token):
    owner_link_seen(link=link)
    return _render(request, link, token)


def _after(token: str, what: str):
    return redirect(reverse("owner_page", kwargs={"token": token}) + f"?done={what}#done")


def _submit(request, link, token, *, name: str, form, action):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after(token, name)
    return _render(request, link, token, forms={name: form}, status=400, open_section=name)


@_owner_view
@require_POST
def owner_promise_view(request, link, token):
    form = PromiseForm(request.POST, today=timezone.localdate())
    return _submit(
        request,
        link,
        token,
        name="promise",
        form=form,
        action=lambda data: owner_promise(
            household=link.household, promised_date=data.get("promised_date"), amount=data.get("amount")
        ),
    )


@_owner_view
@require_POST
def owner_callback_view(request, link, token):
    form = CallbackForm(request.POST, today=timezone.localdate())
    return _submit(
        request,
        link,
        token,
        name="callback",
        form=form,
        action=lambda data: owner_callback(
            household=link.household, day=data.get("day"), slot=data.get("slot") or "", note=data.get("note") or ""
        ),
    )


@_owner_view
@require_POST
def owner_issue_view(request, link, token):
    form = IssueForm(request.POST)
    return _submit(
        request,
        link,
        token,
        name="issue",
        form=form,
        action=lambda data: owner_issue(
            household=link.household, category=data.get("category") or "", description=data.get("description") or ""
        ),
    )


@_owner_view
@require_POST
def owner_optout_view(request, link, token):
    owner_opt_out(household=link.household)
    return _after(token, "optout")
