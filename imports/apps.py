from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bringing a workbook in: upload, preview, confirm, every sheet in one transaction."""

    name = "imports"
    verbose_name = _("导入台账")
