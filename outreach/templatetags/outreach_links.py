"""``{% owner_link_panel household %}``: the household's owner link on its page, for those who manage links."""

from django import template

from ..links import owner_url
from ..selectors import can_manage_owner_links, valid_links

register = template.Library()


@register.inclusion_tag("outreach/_owner_link_panel.html", takes_context=True)
def owner_link_panel(context, household):
    request = context.get("request")
    if request is None or not can_manage_owner_links(request.user):
        return {"show": False}
    link = valid_links(household).order_by("-expires_at").first()
    return {
        "show": True,
        "household": household,
        "link": link,
        "url": owner_url(link.key) if link else "",
        "csrf_token": context.get("csrf_token"),
    }
