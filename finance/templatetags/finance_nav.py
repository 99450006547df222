"""The finance pages' tabs, by role (no query: roles are cached on the user)."""

from django import template

from finance.permissions import can_act, can_read_queue, can_record_at_desk

register = template.Library()


@register.inclusion_tag("finance/_tabs_links.html", takes_context=True)
def finance_tabs(context, current: str = ""):
    user = context["request"].user
    return {
        "current": current,
        "queue": can_read_queue(user),
        "desk": can_record_at_desk(user),
        "finance": can_act(user),
    }
