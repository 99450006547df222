"""The audit trail page (/audit/): managers read every recorded change, filter it and export it to Excel."""

from django.utils.translation import gettext_lazy as _

from core.lists import ListPage

from .filters import TrailFilter
from .permissions import can_read_trail
from .selectors import trail
from .tables import TrailTable


class TrailView(ListPage):
    """Every entry of the audit trail, newest first; filters by date, person, record type, action and text."""

    allowed = staticmethod(can_read_trail)
    table_class = TrailTable
    filterset_class = TrailFilter
    template_name = "audit/trail.html"
    results_template_name = "audit/trail_results.html"
    filter_fields = ("since", "until", "actor", "kind", "action", "q")
    export_name = _("审计记录")

    def get_queryset(self):
        return trail().select_related("actor__staff")
