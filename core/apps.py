from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: roles, access checks, list pages, exports, dates and the navigation."""

    name = "core"
    verbose_name = _("基础")
