"""The manager's dashboard page and its JSON endpoints (same permissions, same filters)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.exports import XLSX, SpreadsheetExport, format_refused

from . import api
from .forms import DashboardFilterForm
from .selectors import can_open_dashboard, dashboard_for
from .services import snapshots_refresh_due
from .tables import DepartmentLeagueTable, StaffLeagueTable

UNICODE = {"ensure_ascii": False}
# The league and building tables show this many rows (the charts' top) unless ?rows=all asks for every row.
SHOWN_ROWS = 30


def _board(request):
    if not can_open_dashboard(request.user):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters()
    snapshots_refresh_due(community_ids=[community.pk for community in filters.communities])
    return form, dashboard_for(request.user, filters)


def dashboard_page(request):
    form, board = _board(request)
    requested = request.GET.get("_export")
    if requested == XLSX:
        return _league_export(board, request.GET.get("league"))
    if requested:
        return format_refused(requested)
    query = request.GET.urlencode()
    endpoints = {part: reverse("dashboard_api", args=[part]) + (f"?{query}" if query else "") for part in api.PARTS}
    everything = request.GET.get("rows") == "all"
    limit = None if everything else SHOWN_ROWS
    context = {
        "form": form,
        "board": board,
        "endpoints": endpoints,
        "staff_rows": board.staff_league[:limit],
        "building_rows": board.buildings_by_arrears[:limit],
        "all_rows_query": _with(request.GET, rows="all"),
        "staff_export_query": _with(request.GET, _export="xlsx", league="staff"),
        "department_export_query": _with(request.GET, _export="xlsx", league="departments"),
        "everything": everything,
        "shown_rows": SHOWN_ROWS,
    }
    return render(request, "dashboard/dashboard.html", context)


def _with(query, **values) -> str:
    changed = query.copy()
    for name, value in values.items():
        changed[name] = value
    return changed.urlencode()


def dashboard_api(request, part: str):
    if not can_open_dashboard(request.user):
        raise PermissionDenied
    serialize = api.PARTS.get(part)
    if serialize is None:
        raise Http404
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400, json_dumps_params=UNICODE)
    board = dashboard_for(request.user, form.filters())
    return JsonResponse(serialize(board), json_dumps_params=UNICODE)


def _league_export(board, which: str | None):
    """The staff (default) or department league as .xlsx, every row, with the page's filters."""
    if which == "departments":
        table, name = DepartmentLeagueTable(board.department_league), _("部门排行")
    else:
        table, name = StaffLeagueTable(board.staff_league), _("员工排行")
    filename = f"{name}-{board.filters.start:%Y%m%d}-{board.as_of:%Y%m%d}.xlsx"
    exporter = SpreadsheetExport(XLSX, table, dataset_kwargs={"title": str(name)})
    response = exporter.response(filename=filename)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
