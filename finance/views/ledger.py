"""The arrears ledger of a community in the import format (小区, 房屋, 应收, 实收): re-imports unchanged."""

import tempfile
from pathlib import Path

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.ledger_export import write_ledger_workbook
from core.access import allowed_only

from ..forms import LedgerExportForm
from ..permissions import can_act


@allowed_only(can_act)
def ledger_export(request):
    """GET without a community: the page; with one: the workbook (names and phones in full, as the import needs)."""
    form = LedgerExportForm(request.GET or None)
    if request.GET and form.is_valid():
        community = form.cleaned_data["community"]
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 (streamed, then removed)
        handle.close()
        path = Path(handle.name)
        write_ledger_workbook(community=community, path=path)
        stream = path.open("rb")
        path.unlink()  # the open handle keeps the data until the response is sent (POSIX)
        filename = f"{_('台账')}-{community.code}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(stream, as_attachment=True, filename=filename)
    return render(request, "finance/ledger_export.html", {"form": form})
