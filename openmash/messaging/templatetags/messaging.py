"""`{% messages_panel enquiry %}`: the "Secure messages" section on the enquiry, information request and MASH pack
pages: how many messages the enquiry's thread holds and a link to it, for a member of the thread only (nothing for
anyone else). A count, no content: not audited (the thread page is)."""

from __future__ import annotations

from django import template

from openmash.messaging.selectors import thread_count

register = template.Library()


@register.inclusion_tag("messaging/_panel.html", takes_context=True)
def messages_panel(context, enquiry):
    actor = context.get("actor")
    count = thread_count(actor=actor, enquiry=enquiry) if enquiry is not None else None
    return {"show": count is not None, "enquiry": enquiry, "count": count}
