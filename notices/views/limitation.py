"""The limitation-risk list: unpaid charges whose 3-year limitation period is about to run out."""

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tables2.data import TableListData

from arrears.models import Charge
from core.dates import date_param
from core.lists import ListPage

from ..filters import LimitationRiskFilter
from ..selectors import LIMITATION_YEARS, can_read_limitation_risk, limitation_risk, risk_cutoff
from ..tables import LimitationRiskTable


class LimitationRiskView(ListPage):
    """Charges due more than 2.5 years ago, still unpaid, with no delivered notice since; oldest first."""

    export_name = gettext_lazy("诉讼时效风险")

    allowed = staticmethod(can_read_limitation_risk)
    table_class = LimitationRiskTable
    filterset_class = LimitationRiskFilter
    template_name = "notices/limitation_risk.html"
    results_template_name = "notices/limitation_risk_results.html"

    def dispatch(self, request, *args, **kwargs):
        self.as_of, self.as_of_error = date_param(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # What the filters narrow: the ledger. Every role that opens this page reads all households
        # (HOUSEHOLD_READERS), so there is no household scope to apply.
        return Charge.objects.all()

    def get_table_data(self):
        # A TableData instance, so django-tables2 pages it by slicing instead of listing it whole.
        return TableListData(limitation_risk(as_of=self.as_of, charges=self.object_list))

    def get_table_kwargs(self):
        return {"as_of": self.as_of}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            as_of=self.as_of,
            as_of_error=self.as_of_error,
            cutoff=risk_cutoff(self.as_of),
            limitation_years=LIMITATION_YEARS,
            is_today=self.as_of == timezone.localdate(),
        )
        return context
