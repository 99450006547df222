from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计记录")

    def ready(self):
        from django.core import serializers

        from .registry import register_audited_models

        register_audited_models()
        # The audit trail serializes instances; Django loads its serializers on the first use and keeps the
        # ImportError of an optional one (YAML) with its traceback, and so every frame of the stack it was raised
        # in. Loaded here, that stack is the start-up's, not a request's or an import's with all its rows.
        serializers.get_serializer_formats()
