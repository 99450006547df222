"""The public arrears list (欠费公示): a building picker and the PDF of one building. Managers and customer service."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from arrears.models import Building, Community
from arrears.permissions import households_visible_to
from core.access import allowed_only
from core.dates import DateInputError, date_param, parse_date
from core.roles import MANAGER, SERVICE, has_role
from notices.publicity import building_title, buildings_in_arrears, publicity_for, publicity_pdf


def can_print_publicity(user) -> bool:
    """Managers and customer service print the public arrears lists."""
    return has_role(user, MANAGER, SERVICE)


@allowed_only(can_print_publicity)
def publicity_index(request):
    """Each community's buildings with rooms in arrears on the date, each with its PDF link."""
    as_of, error = date_param(request, latest=timezone.localdate())
    households = households_visible_to(request.user)
    communities = [
        (community, buildings_in_arrears(community, as_of, households))
        for community in Community.objects.filter(pk__in=households.values("community_id")).order_by("code")
    ]
    return render(
        request,
        "notices/publicity_index.html",
        {"as_of": as_of, "as_of_error": error, "communities": communities, "today": timezone.localdate()},
    )


@allowed_only(can_print_publicity)
def publicity_download(request, pk: int):
    """The PDF of one building's list on ``?as_of=`` (today by default)."""
    households = households_visible_to(request.user)
    building = get_object_or_404(
        Building.objects.filter(pk__in=households.values("building_id")).select_related("community"), pk=pk
    )
    today = timezone.localdate()
    try:
        as_of = parse_date(request.GET["as_of"], latest=today) if request.GET.get("as_of") else today
    except DateInputError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    pdf = publicity_pdf(publicity_for(building, as_of, households))
    filename = _("欠费公示-%(community)s-%(building)s-%(date)s.pdf") % {
        "community": building.community.code,
        "building": building_title(building.name),
        "date": as_of.isoformat(),
    }
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)},
    )
