"""The forms of the pages for files from other systems: upload, the community's rules, the column mapping."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.importer.columns import CHANNEL_LABELS
from arrears.models import Community
from core.uploads import is_xlsx

from ..models import SourceSettings
from .freeform import Field, Layout, mapping_problems

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_XLSX_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls an OLE compound file


class Source(models.TextChoices):
    HC = "hc", _("HC小区管理系统导出(房屋费用信息、房屋缴费历史)")
    FREEFORM = "freeform", _("自制欠费明细表(任意表头,逐列对应)")


class SourceUploadForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, widget=forms.RadioSelect, initial=Source.HC)
    community = forms.ModelChoiceField(label=_("小区"), queryset=Community.objects.order_by("code"), empty_label=None)
    file = forms.FileField(label=_("文件(.xlsx 或 .xls)"))
    channel = forms.ChoiceField(
        label=_("收款方式"),
        choices=[(label, label) for label in CHANNEL_LABELS],
        initial="现金",
        help_text=_("原表没有收款方式,导入的收款都记为此方式"),
    )
    fee_item = forms.CharField(
        label=_("费用项目"), max_length=50, initial="物业费", help_text=_("自制表没有费用项目列时使用")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .xls 格式的 Excel 文件"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过 50 MB"))
        head = upload.read(4)
        upload.seek(0)
        # Judged by the content, not the name: an .xlsx must be a zip holding a workbook's parts, an .xls an OLE file.
        expected = _XLSX_MAGIC if upload.name.lower().endswith(".xlsx") else _XLS_MAGIC
        if head != expected or (expected == _XLSX_MAGIC and not is_xlsx(upload)):
            raise forms.ValidationError(_("文件不是有效的 Excel 工作簿(.xlsx 或 .xls)"))
        return upload


class SourceSettingsForm(forms.ModelForm):
    class Meta:
        model = SourceSettings
        fields = ["due_date_rule", "due_days_after"]

    def clean_due_days_after(self):
        days = self.cleaned_data["due_days_after"]
        if days > 366:
            raise forms.ValidationError(_("不能超过 366 天"))
        return days


class MappingForm(forms.Form):
    """One select per column of the sheet, named ``column_<index>``, labelled with the column's header and letter."""

    def __init__(self, *args, layout: Layout, initial_mapping: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.layout = layout
        for column in layout.columns:
            self.fields[f"column_{column.index}"] = forms.ChoiceField(
                label=column.label,
                help_text=layout.sample(column.index),
                choices=Field.choices,
                required=False,
                initial=initial_mapping.get(column.index, Field.IGNORE),
            )

    def mapping(self) -> dict[int, str]:
        return {column.index: self.cleaned_data.get(f"column_{column.index}", "") for column in self.layout.columns}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for problem in mapping_problems(self.mapping()):
                self.add_error(None, problem)
        return cleaned
