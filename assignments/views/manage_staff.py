"""A manager sets an employee's password (imported employees start without a usable one)."""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from assignments.permissions import is_manager, staff_visible_to
from core.access import allowed_only


@allowed_only(is_manager)
def staff_password(request, pk: int):
    """Set a new password for an employee's login."""
    staff = get_object_or_404(staff_visible_to(request.user).select_related("user", "department"), pk=pk)
    form = SetPasswordForm(user=staff.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("已为 %(name)s(%(login)s)设置新密码。") % {"name": staff.name, "login": staff.user.username}
        )
        return redirect("team_today")
    return render(request, "assignments/manage/staff_password.html", {"staff": staff, "form": form})
