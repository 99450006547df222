"""The owner link of a household, from its page: customer service sees it, copies it, or revokes it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrears.permissions import households_visible_to
from core.access import allowed_only

from ..selectors import can_manage_owner_links
from ..services.links import owner_link_for, owner_links_revoke


def _household(request, pk: int):
    return get_object_or_404(households_visible_to(request.user).select_related("owner"), pk=pk)


@allowed_only(can_manage_owner_links)
@require_POST
def link_issue(request, pk: int):
    owner_link_for(household=_household(request, pk))
    messages.success(request, _("已生成本户查账链接"))
    return redirect("household_detail", pk=pk)


@allowed_only(can_manage_owner_links)
@require_POST
def link_revoke(request, pk: int):
    count = owner_links_revoke(household=_household(request, pk), user=request.user)
    messages.success(
        request, _("已作废 %(n)d 个查账链接;已印出的二维码和已发短信中的链接从现在起打不开") % {"n": count}
    )
    return redirect("household_detail", pk=pk)
