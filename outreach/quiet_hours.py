"""No SMS between 21:00 and 08:00 China time: what is due then waits for the morning. Pure."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# The owners' clock, whatever the server's: every community is in mainland China.
CHINA = ZoneInfo("Asia/Shanghai")
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


def in_quiet_hours(moment: datetime) -> bool:
    """Whether ``moment`` (timezone-aware) is between 21:00 and 08:00 in China."""
    local = moment.astimezone(CHINA).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_send_time(moment: datetime) -> datetime:
    """``moment`` itself when sending is allowed then, else the next 08:00 China time."""
    if not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(CHINA)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=CHINA)
