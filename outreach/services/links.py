"""Writes of the owner links: issuing one (or reusing a recent one), revoking, noting the owner looked."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from arrears.models import Household

from ..links import new_key, owner_url
from ..models import OwnerLink

# A link with less than half its life left is not handed out again: a letter printed today should stay readable.
REUSE_FRACTION = 2
SEEN_EVERY = timedelta(hours=1)  # how often a view is written down (not on every page load)


def _lifetime() -> timedelta:
    return timedelta(days=settings.OWNER_LINK_DAYS)


def _reusable(now):
    return OwnerLink.objects.filter(revoked_at__isnull=True, expires_at__gt=now + _lifetime() / REUSE_FRACTION)


@transaction.atomic
def owner_link_for(*, household: Household) -> OwnerLink:
    """The household's link for a letter or an SMS: a valid one for its current owner with at least half its
    life left, or a new one (older links stay valid until they expire)."""
    now = timezone.now()
    existing = _reusable(now).filter(household=household, owner_id=household.owner_id).order_by("-expires_at").first()
    if existing is not None:
        return existing
    return OwnerLink.objects.create(
        key=new_key(), household=household, owner_id=household.owner_id, expires_at=now + _lifetime()
    )


@transaction.atomic
def owner_links_for(*, households: list[Household]) -> dict[int, OwnerLink]:
    """``owner_link_for`` for many households at once (a batch): one read, one bulk insert."""
    now = timezone.now()
    owners = {household.pk: household.owner_id for household in households}
    links: dict[int, OwnerLink] = {}
    for link in _reusable(now).filter(household_id__in=owners).order_by("expires_at"):
        if link.owner_id == owners[link.household_id]:
            links[link.household_id] = link  # the latest-expiring wins
    missing = [
        OwnerLink(key=new_key(), household_id=pk, owner_id=owner_id, expires_at=now + _lifetime())
        for pk, owner_id in owners.items()
        if pk not in links
    ]
    for link in OwnerLink.objects.bulk_create(missing):
        links[link.household_id] = link
    return links


def owner_urls_for(households: list[Household]) -> dict[int, str]:
    """The absolute URL of each household's page by pk (none without ``PUBLIC_BASE_URL``): the letters' QR codes."""
    if not settings.PUBLIC_BASE_URL:
        return {}
    return {pk: owner_url(link.key) for pk, link in owner_links_for(households=households).items()}


@transaction.atomic
def owner_links_revoke(*, household: Household, user=None) -> int:
    """Revoke every valid link of a household (a letter lost, the owner changed): they answer 404 from now on."""
    return OwnerLink.objects.filter(household=household, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )


def owner_link_seen(*, link: OwnerLink) -> None:
    """Note that the owner opened the page (at most once an hour, so a page view rarely writes)."""
    now = timezone.now()
    if link.last_seen_at is None or now - link.last_seen_at > SEEN_EVERY:
        OwnerLink.objects.filter(pk=link.pk).update(last_seen_at=now)
        link.last_seen_at = now
