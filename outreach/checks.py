"""System checks: the owner links need the site's public address outside development."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def public_base_url(app_configs, **kwargs):
    if settings.PUBLIC_BASE_URL or settings.DEBUG:
        return []
    return [
        Warning(
            "PUBLIC_BASE_URL is not set: letters print no 扫码查账 QR code and SMS with {链接} cannot be sent.",
            hint="Set PUBLIC_BASE_URL to the address owners reach the site at, e.g. https://wuye.example.com",
            id="outreach.W001",
        )
    ]
