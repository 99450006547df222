"""The one base of every list page: access check, filters, a paginated table, its Excel export, and htmx.

An htmx request (not a history restore) gets only ``results_template_name``, the fragment the filters and pager
swap in; anyone else gets the whole page. ``filter_fields`` are the filters counted as active in the context.
"""

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .access import AllowedMixin, wants_fragment
from .exports import TableExportMixin

PAGE_SIZE = 50


class ListPage(AllowedMixin, TableExportMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated and exportable table; set ``allowed``, the table, filterset and templates."""

    results_template_name: str = ""
    filter_fields: tuple[str, ...] = ()
    table_pagination = {"per_page": PAGE_SIZE}

    def get_template_names(self) -> list[str]:
        if self.results_template_name and wants_fragment(self.request):
            return [self.results_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_filters"] = sum(1 for name in self.filter_fields if self.request.GET.get(name))
        return context
