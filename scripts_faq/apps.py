from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScriptsFaqConfig(AppConfig):
    """Collection scripts (话术) and answers to owners' objections (常见问题)."""

    name = "scripts_faq"
    verbose_name = _("话术与常见问题")
