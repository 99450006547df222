from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: roles, access checks, list pages, exports, dates and the navigation."""

    name = "core"
    verbose_name = _("基础")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import on_login

        user_logged_in.connect(on_login, dispatch_uid="core.sessions.on_login")
