from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company that ``make run`` seeds: one community's ledger, 58 people, a campaign."""

    name = "demo"
    verbose_name = _("演示数据")
