"""The starting page: where each role goes next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core.roles import STAFF, roles_of
from core.templatetags.navigation import navigation_for


@login_required
def home(request):
    """Each role's starting page: links to its pages, or a note when there is nothing for it yet.

    Someone who is only a collector has one page to work from: 今日任务, where they land straight away."""
    if roles_of(request.user) == {STAFF}:
        return redirect("tasks_today")
    return render(request, "home.html", {"nav": navigation_for(request.user)})
