"""What the management commands share: a date option and the community a command works on, as CommandErrors."""

from datetime import date

from django.core.management.base import CommandError

from core.dates import DateInputError, parse_date

from .models import Community


def date_option(text: str | None, option: str, *, latest: date | None = None) -> date | None:
    """``YYYY-MM-DD`` as a date within core.dates' window, ending at ``latest`` when given (None when not given); a
    message in Chinese otherwise."""
    if not text:
        return None
    try:
        return parse_date(text, latest=latest)
    except DateInputError as exc:
        raise CommandError(f"{option}:{exc}") from exc


def community_option(code: str | None) -> Community:
    """The community of ``--community``, or the only one there is."""
    if code:
        try:
            return Community.objects.get(code=code)
        except Community.DoesNotExist as exc:
            raise CommandError(f"小区编码不存在:{code}") from exc
    communities = list(Community.objects.all()[:2])
    if not communities:
        raise CommandError("还没有任何小区,请先导入台账或运行 seed_demo")
    if len(communities) > 1:
        codes = ", ".join(Community.objects.values_list("code", flat=True))
        raise CommandError(f"有多个小区,请用 --community 指定:{codes}")
    return communities[0]
