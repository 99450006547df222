from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("员工与分包")

    def ready(self) -> None:
        from arrears.permissions import add_personal_scope

        from .permissions import households_assigned_today

        add_personal_scope(households_assigned_today)
