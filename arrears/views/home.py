"""The starting page: where each role goes next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.templatetags.navigation import navigation_for


@login_required
def home(request):
    """Each role's starting page: links to its pages, or a note when there is nothing for it yet."""
    return render(request, "home.html", {"nav": navigation_for(request.user)})
