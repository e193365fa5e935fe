"""The MASH pack's agency answers as a PDF (issue 7: every export renders the secure room's one answer).

The PDF carries exactly the items `access.sharing.item_shown` gives the reader on the pack page (for the allocated
worker only the items their agencies released; an unreleased one as "held by the MASH, not released"), marked
OFFICIAL-SENSITIVE with who printed it and when (Europe/London), as the chronology PDF (openmash.web.pdf)."""

from __future__ import annotations

from django.utils import timezone
from fpdf.fonts import FontFace

from openmash.sharing.templatetags.sharing_tags import sharing_label_of
from openmash.web.pdf import MARKING, _ChronologyPDF
from openmash.web.pdf_fonts import printable
from openmash.web.templatetags.openmash_web import when_long

_SHOWN = {
    "declined": "The agency declined to share one item: {reason}.",
    "held": "A sealed item: only the roles the partnership names may read it.",
    "not_released": "Held by the MASH: the agency has not released this item.",
}


def _item_text(item: dict) -> str:
    if item["shown"] != "full":
        return _SHOWN[item["shown"]].format(reason=sharing_label_of(item["refusal_reason"], "refusal_reason"))
    text = item["text"]
    if item["sensitivity"] != "standard":
        text += f"\n({sharing_label_of(item['sensitivity'], 'sensitivity')}: "
        text += f"{sharing_label_of(item['category'], 'category')})"
    return text


def pack_answers_pdf(*, actor, pack) -> bytes:
    """In: the actor who prints and a casework.selectors.MashPack read for them. Out: the PDF's bytes."""
    who = str(actor.user)
    printed = (
        f"Printed by {who} ({actor.membership.get_role_display()}, {actor.agency.name}) on "
        f"{when_long(timezone.now())} (UK time)"
    )
    pdf = _ChronologyPDF(printed=printed)
    pdf.alias_nb_pages()
    pdf.set_title(f"MASH pack answers - {MARKING}")
    pdf.set_author(who)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(
        0, 8, printable(f"MASH pack {pack.contact.reference}: what each agency said"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "", 8)
    pdf.ln(2)
    with pdf.table(
        col_widths=(60, 213),
        headings_style=FontFace(emphasis="BOLD", fill_color=(243, 242, 241)),
        line_height=4.2,
        text_align="LEFT",
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        row = table.row()
        row.cell("Agency")
        row.cell("Answer")
        for entry in pack.requests:
            r, response = entry["r"], entry["response"]
            if response is not None and response["no_information"]:
                answer = "No information held"
            elif entry["items"]:
                answer = "\n\n".join(_item_text(i) for i in entry["items"])
            elif response is not None:
                answer = "Nothing from this answer is shown here."
            else:
                answer = "Closed, not answered" if r.status == "closed" else "Waiting for an answer"
            row = table.row()
            row.cell(printable(r.agency.name))
            row.cell(printable(answer))
    return bytes(pdf.output())
