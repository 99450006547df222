"""Writes of a community's SMS texts and of where its owners' reported problems go."""

from django.core.exceptions import ValidationError
from django.db import transaction

from arrears.models import Community
from assignments.models import Department

from ..models import OutreachSettings, SmsTemplate
from ..sms_text import validate_sms_text


@transaction.atomic
def sms_template_save(
    *, community: Community, level: str, text: str, vendor_code: str, enabled: bool, user=None
) -> SmsTemplate:
    """Save a community's text of a level (creating the row on first edit); placeholders are checked first."""
    text = (text or "").strip()
    try:
        validate_sms_text(text, level)
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from exc
    template, _created = SmsTemplate.objects.update_or_create(
        community=community,
        level=level,
        defaults={"text": text, "vendor_code": (vendor_code or "").strip(), "enabled": enabled, "updated_by": user},
    )
    return template


@transaction.atomic
def outreach_settings_save(
    *, community: Community, issue_department: Department | None, issue_days: int
) -> OutreachSettings:
    settings, _created = OutreachSettings.objects.update_or_create(
        community=community, defaults={"issue_department": issue_department, "issue_days": issue_days}
    )
    return settings
