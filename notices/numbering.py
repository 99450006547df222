"""Notice numbers: gapless per community and year, taken from a locked counter row."""

from .models import NoticeCounter

NUMBER_FORMAT = "{code}-TZ-{year}-{sequence:05d}"


def next_notice_number(*, community_id: int, community_code: str, year: int) -> tuple[int, str]:
    """Take the next (sequence, number) of a community and year. Call inside the transaction that saves the notice,
    so a rollback gives the number back and the series stays gapless."""
    NoticeCounter.objects.get_or_create(community_id=community_id, year=year)
    counter = NoticeCounter.objects.select_for_update().get(community_id=community_id, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, NUMBER_FORMAT.format(code=community_code, year=year, sequence=counter.last_number)


def reserve_notice_numbers(*, community_id: int, community_code: str, year: int, count: int) -> list[tuple[int, str]]:
    """Take the next ``count`` (sequence, number) pairs of a community and year at once, under the same lock and
    with the same rule as ``next_notice_number``: call inside the transaction that saves the notices."""
    if count <= 0:
        return []
    NoticeCounter.objects.get_or_create(community_id=community_id, year=year)
    counter = NoticeCounter.objects.select_for_update().get(community_id=community_id, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [
        (sequence, NUMBER_FORMAT.format(code=community_code, year=year, sequence=sequence))
        for sequence in range(first, first + count)
    ]
