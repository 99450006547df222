"""Managers edit the wording of each notice level per community (plain text with fixed placeholders)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from arrears.models import Community
from core.access import add_service_errors, allowed_only
from core.roles import MANAGER, has_role

from ..forms_letters import WordingForm
from ..models import NoticeLevel, NoticeWording
from ..services import wording_save
from ..wording import PLACEHOLDER_HELP, PLACEHOLDERS, wording_for


def can_edit_wording(user) -> bool:
    return has_role(user, MANAGER)


@allowed_only(can_edit_wording)
def wording_list(request):
    """Every community's three levels, saying which use the default text."""
    saved = set(NoticeWording.objects.values_list("community_id", "level"))
    rows = [
        {
            "community": community,
            "levels": [
                {"value": value, "label": label, "custom": (community.pk, value) in saved}
                for value, label in NoticeLevel.choices
            ],
        }
        for community in Community.objects.order_by("code")
    ]
    return render(request, "notices/wording_list.html", {"rows": rows})


@allowed_only(can_edit_wording)
def wording_edit(request, community_pk: int, level: str):
    """Edit one level's text for one community; the first save creates the community's own row."""
    if level not in NoticeLevel.values:
        raise Http404
    community = get_object_or_404(Community, pk=community_pk)
    current = wording_for(community, level)
    if request.method == "POST":
        form = WordingForm(request.POST)
        if form.is_valid():
            try:
                wording_save(community=community, level=level, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("通知书文本已保存"))
                return redirect("notice_wording_list")
        status = 400
    else:
        form = WordingForm(
            initial={
                "title": current.title,
                "opening": current.opening,
                "closing": current.closing,
                "deadline_days": current.deadline_days,
            }
        )
        status = 200
    context = {
        "form": form,
        "community": community,
        "level_label": NoticeLevel(level).label,
        "is_default": current.is_default,
        "placeholders": [(name, PLACEHOLDER_HELP[name]) for name in PLACEHOLDERS],
    }
    return render(request, "notices/wording_edit.html", context, status=status)
