"""Telling the apps above that a community's figures changed, without importing them.

The apps are layered (pyproject's import-linter contract): finance and assignments may not import the dashboard,
which reads them. So a change that the dashboard shows (a payment verified or reversed, a contact recorded, edited
or withdrawn) is announced here, and the dashboard, at start-up, registers what to do about it (refresh the
communities' snapshots soon: dashboard.services.snapshot_refresh_soon).
"""

from collections.abc import Callable, Iterable

_listeners: list[Callable[..., object]] = []


def on_figures_changed(listener: Callable[..., object]) -> None:
    """Call ``listener(community_ids=[…])`` after every announced change (registered once, in an AppConfig.ready)."""
    if listener not in _listeners:
        _listeners.append(listener)


def figures_changed(*, community_ids: Iterable[int]) -> None:
    """Announce that these communities' figures changed (inside the change's transaction: listeners act on commit)."""
    ids = sorted({int(pk) for pk in community_ids if pk is not None})
    if not ids:
        return
    for listener in _listeners:
        listener(community_ids=ids)
