"""The printable chronology as a PDF (issue 6, "The picture": printable and exportable as PDF).

Drawn with fpdf2 (pure Python, from PyPI) in DejaVu Sans (shipped in openmash/web/fonts with its licence), with the
server's fallback fonts for other scripts and HarfBuzz shaping (openmash.web.pdf_fonts), each only when the text
needs it, so names in any script print as written; text with a character no available font can draw is followed by its transliteration, never dropped. The PDF carries exactly the entries and fields of the chronology page for the same
actor and filters (people.chronology.chronology_item_view: when, kind, whose, agency, summary, description, where it
came from), never more, and:

- "OFFICIAL-SENSITIVE" at the top and foot of every page (Government Security Classifications: personal data about
  children's safeguarding is OFFICIAL with the SENSITIVE handling caveat);
- who printed it (their name, role and agency) and when, in Europe/London time, on every page;
- the filters in words and the true number of matching entries (and, past PDF_MAX_ENTRIES, how many were left out).
"""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF
from fpdf.fonts import FontFace

from openmash.people.chronology import PDF_MAX_ENTRIES
from openmash.web.pdf_fonts import need, printable, register
from openmash.web.templatetags.openmash_web import occurred, when_long

MARKING = "OFFICIAL-SENSITIVE"


class _ChronologyPDF(FPDF):
    """An A4 landscape document marked OFFICIAL-SENSITIVE on every page, in DejaVu Sans with only the fallback fonts
    (and the HarfBuzz shaping) its text needs: every text fpdf2 lays out (cell, multi_cell, table cells, widths)
    passes through ``normalize_text``, which asks pdf_fonts.need for it first, so no caller can forget."""

    def __init__(self, *, printed: str):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.printed = printable(printed)
        register(self, self.printed)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(12, 12, 12)

    def normalize_text(self, text: str) -> str:
        need(self, text)
        return super().normalize_text(text)

    def header(self):
        self.set_font("DejaVu", "B", 10)
        self.cell(0, 6, MARKING, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, self.printed, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self):
        self.set_y(-14)
        self.set_font("DejaVu", "B", 10)
        self.cell(0, 5, MARKING, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 8)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")


def chronology_pdf(*, actor, result, household: bool) -> bytes:
    """In: the actor who prints, a people.chronology.ChronologyResult from chronology_export, and whether it is the
    household chronology. Out: the PDF's bytes (A4 landscape)."""
    user = actor.user
    who = str(user)  # the display name, else the username (accounts.User.__str__)
    printed = (
        f"Printed by {who} ({actor.membership.get_role_display()}, {actor.agency.name}) on "
        f"{when_long(timezone.now())} (UK time)"
    )
    pdf = _ChronologyPDF(printed=printed)
    pdf.alias_nb_pages()
    pdf.set_title(f"{'Household chronology' if household else 'Chronology'} - {MARKING}")
    pdf.set_author(who)
    pdf.add_page()
    person, page = result.person, result.page
    pdf.set_font("DejaVu", "B", 16)
    title = f"{'Household chronology' if household else 'Chronology'}: {person.full_name}"
    pdf.multi_cell(0, 8, printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    born = person.date_of_birth or person.expected_date_of_birth
    if born:
        label = "Born" if person.date_of_birth else "Expected"
        pdf.multi_cell(0, 5, f"{label} {born.day} {born:%B %Y}", new_x="LMARGIN", new_y="NEXT")
    if household:
        people = "; ".join(f"{m.person.full_name} ({', '.join(m.basis)})" for m in result.members) or "none recorded"
        pdf.multi_cell(0, 5, printable(f"Lives with: {people}"), new_x="LMARGIN", new_y="NEXT")
    agencies = dict(result.agencies)
    pdf.multi_cell(0, 5, printable(f"Filters: {result.filters.describe(agencies)}"), new_x="LMARGIN", new_y="NEXT")
    shown = len(page.items)
    count = f"{page.count} entr{'y' if page.count == 1 else 'ies'}, newest first"
    if shown < page.count:
        count += f". Only the newest {PDF_MAX_ENTRIES} are printed: narrow the filters to print the rest"
    pdf.multi_cell(0, 5, count, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if not page.items:
        pdf.multi_cell(0, 6, "No entries match the filters.", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
    widths = (30, 30, 34, 40, 92, 47) if household else (32, 34, 0, 42, 114, 51)
    headings = ("When", "Kind", "Whose", "Agency", "What happened", "Came from")
    cols = [i for i, w in enumerate(widths) if w]
    pdf.set_font("DejaVu", "", 8)
    heading_style = FontFace(emphasis="BOLD", fill_color=(243, 242, 241))
    with pdf.table(
        col_widths=[widths[i] for i in cols],
        headings_style=heading_style,
        line_height=4.2,
        text_align="LEFT",
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        row = table.row()
        for i in cols:
            row.cell(headings[i])
        for entry in page.items:
            item = result.item(entry)
            what = item["summary"]
            if item["description"]:
                what += "\n" + item["description"]
            kind = item["kind_label"] + (" (significant)" if item["significance"] == "significant" else "")
            if item["sensitivity"] != "standard":
                kind += f"\n{item['sensitivity'].capitalize()}"
            values = (
                occurred(item),
                kind,
                item["person_name"],
                item["agency"] or "",
                what,
                item["origin"],
            )
            row = table.row()
            for i in cols:
                row.cell(printable(values[i]))
    return bytes(pdf.output())


def person_record_pdf(*, actor, person, rows: list[tuple[str, str, str]]) -> bytes:
    """A person's details as a PDF (A4 landscape, marked and signed as the chronology's): one line "Label: value"
    per row of people.record.person_record_rows, i.e. exactly the fields access.fields.field_access allows (the
    API, the page and the CSV render from the same answer). In: the actor who prints, the person, the rows."""
    user = actor.user
    who = str(user)
    printed = (
        f"Printed by {who} ({actor.membership.get_role_display()}, {actor.agency.name}) on "
        f"{when_long(timezone.now())} (UK time)"
    )
    pdf = _ChronologyPDF(printed=printed)
    pdf.alias_nb_pages()
    pdf.set_title(f"Record - {MARKING}")
    pdf.set_author(who)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, printable(f"Record: {person.full_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for _field, label, value in rows:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, printable(f"{label}: {value or 'Not known'}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
