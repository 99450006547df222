"""The link to a household's own page (扫码查账) printed as the letter's second QR code.

The owner's page lives above the letters (outreach/), so it registers how to make the links at start-up
(:func:`set_owner_urls`, from its AppConfig.ready) rather than the letters importing it. Without it a letter prints
only the community's QR code.
"""

from collections.abc import Callable

_maker: list[Callable[[list], dict[int, str]]] = []


def set_owner_urls(maker: Callable[[list], dict[int, str]]) -> None:
    """Let ``maker(households)`` give the absolute URL of each household's page by its pk ("" when there is none)."""
    _maker[:] = [maker]


def owner_urls_for(households: list) -> dict[int, str]:
    """The URL of each household's page, by pk (one read and one insert for a whole part of a batch)."""
    return _maker[0](households) if _maker and households else {}


def owner_url_for(household) -> str:
    return owner_urls_for([household]).get(household.pk, "")
