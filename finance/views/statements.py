"""Statement matching (流水对账): upload a bank or WeChat statement, match it to a community's payments, reopen it."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import allowed_only
from core.lists import ListPage

from ..filters import StatementUploadFilter
from ..forms import StatementUploadForm
from ..matching import MATCHED, POSSIBLE, UNMATCHED, match_statement
from ..models import StatementUpload
from ..permissions import can_act
from ..selectors import statement_candidates
from ..services import statement_upload_save
from ..statements import StatementError, parse_statement
from ..tables import StatementUploadTable


class StatementListView(ListPage):
    """Earlier uploads, and the upload form (POST parses, matches and stores)."""

    allowed = staticmethod(can_act)
    table_class = StatementUploadTable
    filterset_class = StatementUploadFilter
    table_pagination = {"per_page": 30}
    template_name = "finance/statements.html"
    export_name = gettext_lazy("流水对账记录")

    def get_queryset(self):
        return StatementUpload.objects.select_related("community", "uploaded_by__staff").defer("result")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", StatementUploadForm())
        return context

    def post(self, request, *args, **kwargs):
        form = StatementUploadForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                lines = parse_statement(upload.name, upload.read())
            except StatementError as exc:
                errors = exc.errors
            else:
                community = form.cleaned_data["community"]
                result = match_statement(
                    lines,
                    statement_candidates(community, lines),
                    {
                        "amount_differs": _("流水号相同,金额不同"),
                        "amount_and_date": _("金额、日期相同,流水号不同或缺失"),
                    },
                )
                stored = statement_upload_save(
                    community=community,
                    source=form.cleaned_data["source"],
                    filename=upload.name,
                    uploaded_by=request.user,
                    result=result,
                )
                return redirect("finance:statement_detail", pk=stored.pk)
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.filterset.qs
        context = self.get_context_data(form=form, file_errors=errors)
        return self.render_to_response(context, status=400)


@allowed_only(can_act)
def statement_detail(request, pk: int):
    stored = get_object_or_404(StatementUpload.objects.select_related("community", "uploaded_by"), pk=pk)
    result = stored.result
    payments = result.get("payments", {})
    lines = [{**line, "payment": payments.get(str(line["payment_id"]))} for line in result.get("lines", [])]
    return render(
        request,
        "finance/statement_detail.html",
        {
            "stored": stored,
            "matched": [line for line in lines if line["status"] == MATCHED],
            "possible": [line for line in lines if line["status"] == POSSIBLE],
            "unmatched_lines": [line for line in lines if line["status"] == UNMATCHED],
            "unmatched_payments": [payments[str(pk)] for pk in result.get("unmatched_payments", [])],
        },
    )
