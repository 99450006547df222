"""The public arrears list (欠费公示): a building picker, and the PDF of a building or of a whole community made as a
job with progress (``notices.pdf_jobs``). Managers and customer service."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrears.models import Building, Community
from arrears.permissions import households_visible_to
from core.access import allowed_only
from core.dates import DateInputError, date_param, parse_date
from core.roles import MANAGER, SERVICE, has_role
from notices.models import BatchStatus, PdfJob
from notices.pdf_jobs import pdf_job_create
from notices.publicity import building_title, buildings_in_arrears


def can_print_publicity(user) -> bool:
    """Managers and customer service print the public arrears lists."""
    return has_role(user, MANAGER, SERVICE)


@allowed_only(can_print_publicity)
def publicity_index(request):
    """Each community's buildings with rooms in arrears on the date, each with its button to make the PDF."""
    as_of, error = date_param(request, latest=timezone.localdate())
    households = households_visible_to(request.user)
    communities = [
        (community, buildings_in_arrears(community, as_of, households))
        for community in Community.objects.filter(pk__in=households.values("community_id")).order_by("code")
    ]
    jobs = PdfJob.objects.filter(created_by=request.user).select_related("community", "building")[:10]
    return render(
        request,
        "notices/publicity_index.html",
        {"as_of": as_of, "as_of_error": error, "communities": communities, "today": timezone.localdate(), "jobs": jobs},
    )


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@allowed_only(can_print_publicity)
@require_POST
def publicity_job_new(request):
    """Queue the 公示 of one building (``building``) or of every building of a community (``community``)."""
    households = households_visible_to(request.user)
    today = timezone.localdate()
    try:
        as_of = parse_date(request.POST["as_of"], latest=today) if request.POST.get("as_of") else today
    except DateInputError as exc:
        return _bad_request(str(exc))
    building = None
    if request.POST.get("building"):
        if not request.POST["building"].isdigit():
            raise Http404
        building = get_object_or_404(
            Building.objects.filter(pk__in=households.values("building_id")).select_related("community"),
            pk=request.POST["building"],
        )
        community = building.community
    elif request.POST.get("community", "").isdigit():
        community = get_object_or_404(
            Community.objects.filter(pk__in=households.values("community_id")), pk=request.POST["community"]
        )
    else:
        return _bad_request(_("请选择小区或楼栋"))
    job = pdf_job_create(community=community, building=building, as_of=as_of, user=request.user)
    return redirect("publicity_job", pk=job.pk)


def _job(request, pk: int) -> PdfJob:
    """The caller's own job (someone else's is a 404: it was made with their scope)."""
    return get_object_or_404(PdfJob.objects.select_related("community", "building"), pk=pk, created_by=request.user)


@allowed_only(can_print_publicity)
def publicity_job(request, pk: int):
    return render(request, "notices/publicity_job.html", {"job": _job(request, pk)})


@allowed_only(can_print_publicity)
def publicity_job_progress(request, pk: int):
    """htmx: the progress bar, polled while the job runs."""
    return render(request, "notices/publicity_job_progress.html", {"job": _job(request, pk)})


def job_filename(job: PdfJob) -> str:
    place = building_title(job.building.name) if job.building else _("全小区")
    return _("欠费公示-%(community)s-%(building)s-%(date)s.pdf") % {
        "community": job.community.code,
        "building": place,
        "date": job.as_of.isoformat(),
    }


@allowed_only(can_print_publicity)
def publicity_job_pdf(request, pk: int):
    job = _job(request, pk)
    if job.status != BatchStatus.DONE or not job.pdf:
        raise Http404(_("文件尚未生成"))
    try:
        handle = job.pdf.open("rb")
    except OSError as exc:
        raise Http404(_("文件不存在")) from exc
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=job_filename(job))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
