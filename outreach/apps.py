from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Reaching the owners: SMS reminders (短信催缴), promise reminders and the owner's own page (扫码查账)."""

    name = "outreach"
    verbose_name = _("短信与业主查账")

    def ready(self) -> None:
        from notices.owner_links import set_owner_urls

        from . import checks  # noqa: F401  (registers the settings checks)
        from .services.links import owner_urls_for

        set_owner_urls(owner_urls_for)
