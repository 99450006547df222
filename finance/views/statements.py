"""Statement matching (流水对账): upload a bank or WeChat statement, match it to a community's payments, reopen it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arrears.entry_dates import entry_floor
from arrears.models import Payment
from arrears.models.ledger import PaymentStatus
from core.access import allowed_only
from core.changes import figures_changed
from core.lists import ListPage

from ..filters import StatementUploadFilter
from ..forms import StatementUploadForm, household_by_label
from ..matching import MATCHED, POSSIBLE, UNMATCHED, match_statement
from ..models import StatementUpload
from ..permissions import can_act
from ..selectors import statement_candidates, statement_rejected
from ..services import statement_line_register, statement_match_confirm, statement_upload_save
from ..statements import StatementError, parse_statement
from ..tables import StatementUploadTable
from .access import error_text


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
            community = form.cleaned_data["community"]
            try:
                lines = parse_statement(upload.name, upload.read(), earliest=entry_floor(community.pk))
            except StatementError as exc:
                errors = exc.errors
            else:
                result = match_statement(
                    lines,
                    statement_candidates(community, lines),
                    {
                        "amount_differs": _("流水号相同,金额不同"),
                        "amount_and_date": _("金额、日期相同,流水号不同或缺失"),
                        "rejected": _("流水号与已驳回的收款(%(household)s)相同,未作匹配;请核实后再登记"),
                    },
                    rejected=statement_rejected(community, lines),
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
    actions = {
        action.line: action for action in stored.actions.select_related("payment__household__building", "acted_by")
    }
    # Each payment's status now (the stored result has it as it stood when matched), in one query.
    ids = {line["payment_id"] for line in result.get("lines", []) if line["payment_id"] is not None}
    pending = set(Payment.objects.filter(pk__in=ids, status=PaymentStatus.PENDING).values_list("pk", flat=True))
    lines = [
        {
            **line,
            "payment": payments.get(str(line["payment_id"])),
            "action": actions.get(line["line"]),
            "pending": line["payment_id"] in pending,
        }
        for line in result.get("lines", [])
    ]
    return render(
        request,
        "finance/statement_detail.html",
        {
            "stored": stored,
            "matched": [line for line in lines if line["status"] == MATCHED],
            "possible": [line for line in lines if line["status"] == POSSIBLE],
            **_page(request, "lines", [line for line in lines if line["status"] == UNMATCHED]),
            **_page(request, "payments", [payments[str(pk)] for pk in result.get("unmatched_payments", [])]),
        },
    )


UNMATCHED_PER_PAGE = 50


def _page(request, name: str, rows: list) -> dict:
    """``unmatched_<name>``: one page of the rows (``?<name>_page=``), and its page object for the pager."""
    page = Paginator(rows, UNMATCHED_PER_PAGE).get_page(request.GET.get(f"{name}_page"))
    return {f"unmatched_{name}": list(page.object_list), f"{name}_page": page}


@require_POST
@allowed_only(can_act)
def statement_line_confirm(request, pk: int, line: int):
    """确认匹配: the line's payment is verified if still pending (payment_verify), and the line marked done."""
    stored = get_object_or_404(StatementUpload, pk=pk)
    try:
        action = statement_match_confirm(upload_id=stored.pk, line=line, confirmed_by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        figures_changed(community_ids=[stored.community_id])
        messages.success(
            request, _("第 %(line)s 行已确认,收据号 %(receipt)s") % {"line": line, "receipt": action.payment.receipt_no}
        )
    return redirect(reverse("finance:statement_detail", args=[stored.pk]) + f"#line-{line}")


@require_POST
@allowed_only(can_act)
def statement_line_register_view(request, pk: int, line: int):
    """登记为收款: an unmatched line becomes a verified payment of the household named by its label."""
    stored = get_object_or_404(StatementUpload.objects.select_related("community"), pk=pk)
    label = (request.POST.get("household") or "").strip()
    household = household_by_label(stored.community, label) if label else None
    back = redirect(reverse("finance:statement_detail", args=[stored.pk]) + f"#line-{line}")
    if household is None:
        messages.error(
            request,
            _("%(community)s 没有房屋「%(label)s」,请按 楼栋-单元-房号 填写")
            % {"community": stored.community.name, "label": label or "—"},
        )
        return back
    try:
        action = statement_line_register(
            upload_id=stored.pk, line=line, household=household, registered_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        figures_changed(community_ids=[stored.community_id])
        messages.success(
            request,
            _("第 %(line)s 行已登记为 %(household)s 的收款并复核,收据号 %(receipt)s")
            % {"line": line, "household": household.label, "receipt": action.payment.receipt_no},
        )
    return back
