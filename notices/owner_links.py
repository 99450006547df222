"""The link to a household's own page (扫码查账) printed as the letter's second QR code.

The owner's page lives above the letters (outreach/), so it registers how to make the link at start-up
(:func:`set_owner_url`, from its AppConfig.ready) rather than the letters importing it. Without it a letter prints
only the community's QR code.
"""

from collections.abc import Callable

_maker: list[Callable[[object], str]] = []


def set_owner_url(maker: Callable[[object], str]) -> None:
    """Let ``maker(household)`` give the absolute URL of the household's page ("" when there is none)."""
    _maker[:] = [maker]


def owner_url_for(household) -> str:
    return _maker[0](household) if _maker else ""
