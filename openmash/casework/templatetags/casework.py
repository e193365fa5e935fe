"""Casework's parts of other rooms' pages.

`{% casework_panels contact %}`: the hub's case notes and strategy discussions on the contact and enquiry
pages, with links to add a note, record a strategy discussion, allocate the children and open the MASH pack.
Renders nothing for anyone outside the hub (they read these in the MASH pack). Reads go through the selectors
(audited)."""

from __future__ import annotations

from django import template

from openmash.access.policy import can, case_note_correctable, mash_packs_visible
from openmash.casework import selectors
from openmash.casework.services import strategy_discussion_due

register = template.Library()


@register.inclusion_tag("casework/_panels.html", takes_context=True)
def casework_panels(context, contact):
    actor = context.get("actor")
    if contact is None or not can(actor, "casenote.view"):
        return {"show": False}
    notes = selectors.case_notes_for_contact(actor=actor, contact_id=contact.pk)
    return {
        "show": True,
        "contact": contact,
        "notes": notes,
        # "Correct this note" only where the actor may: the author or a MASH manager (access.policy)
        "correctable": {n.pk for n in notes if case_note_correctable(actor, n)},
        "discussions": selectors.strategy_discussions_for_contact(actor=actor, contact_id=contact.pk),
        "can_add": can(actor, "casenote.create"),
        "can_record": can(actor, "strategy.record") and strategy_discussion_due(contact),
        "can_allocate": can(actor, "allocation.assign") and contact.status in ("decided", "strategy"),
        "has_pack": mash_packs_visible(actor).filter(pk=contact.pk).exists(),
    }


@register.inclusion_tag("casework/_pack_table.html")
def mash_pack_table(rows, testid: str = "mash-packs", to_allocate: bool = False):
    """`{% mash_pack_table rows "pack-list" to_allocate %}`: the one MASH packs table, on the packs list and the
    home page. rows: dicts with "contact" and its "subjects" (people), already read through casework.selectors
    (audited); to_allocate: the managers' list of packs waiting for a social worker (an Allocate link on each)."""
    since = not to_allocate and any(getattr(r["contact"], "allocated_since", None) for r in rows)
    return {"rows": rows, "testid": testid, "to_allocate": to_allocate, "show_since": since}
