"""Sign-out after inactivity: a session lasts SESSION_COOKIE_AGE from the latest request (sliding).

Django's SESSION_SAVE_EVERY_REQUEST would write the session on every page; here it is written again only when its
last refresh is older than REFRESH_SECONDS, so the expiry slides with a precision of a few minutes at the cost of
one write per user every few minutes.
"""

import time

REFRESH_KEY = "_refreshed_at"
REFRESH_SECONDS = 300


def mark_refreshed(session) -> None:
    session[REFRESH_KEY] = int(time.time())


def on_login(sender, request, user, **kwargs) -> None:
    """A new login starts its period (the login has just saved the session)."""
    if request is not None and hasattr(request, "session"):
        mark_refreshed(request.session)


class SlidingSessionMiddleware:
    """After a signed-in request, push the session's expiry forward when its last refresh is old enough.

    Goes after SessionMiddleware, which then saves the session the way it saves any modified one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and session.session_key:
            refreshed = session.get(REFRESH_KEY)
            if not isinstance(refreshed, int) or time.time() - refreshed >= REFRESH_SECONDS:
                mark_refreshed(session)
        return response
