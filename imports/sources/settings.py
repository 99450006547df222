"""Writing a community's settings for files from other systems."""

from django.db import transaction

from ..models import SourceSettings


def source_settings_update(
    *,
    community,
    user,
    due_date_rule: str | None = None,
    due_days_after: int | None = None,
    column_mapping: dict[str, str] | None = None,
) -> SourceSettings:
    """Change what is given; a column mapping is merged into the saved one (headers of other files are kept)."""
    with transaction.atomic():
        settings, _created = SourceSettings.objects.select_for_update().get_or_create(community=community)
        if due_date_rule is not None:
            settings.due_date_rule = due_date_rule
        if due_days_after is not None:
            settings.due_days_after = due_days_after
        if column_mapping is not None:
            settings.column_mapping = {**settings.column_mapping, **column_mapping}
        settings.updated_by = user
        settings.save()
    return settings
