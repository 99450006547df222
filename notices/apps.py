from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Demand letters (催费通知书): numbering, PDF rendering and delivery evidence."""

    name = "notices"
    verbose_name = _("催费通知")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the rendering checks)
