from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("收费看板")

    def ready(self):
        from core.changes import on_figures_changed

        from .services import snapshot_refresh_soon

        # Changes below the dashboard (finance, assignments) are announced in core; refresh their snapshots soon.
        on_figures_changed(snapshot_refresh_soon)
