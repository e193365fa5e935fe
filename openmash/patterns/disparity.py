"""Disparity monitoring of flags (issue 8: "flag rates and outcomes by sex, ethnicity, age band and area deprivation,
so that a rule that falls unfairly on one group is seen"; ADR 0015).

``disparity_report(period_start=, period_end=) -> Report``: aggregate figures only, for the partnership's oversight
roles (``access.policy``: "flag.disparity"). Nothing in a Report names a child.

Who is counted
- Children: resolved people (``Person.merged_into`` null) of kind child or unborn with at least one agency record
  (``AgencyRecord.person`` is the resolved identity), as held now: the denominator is the children known to the
  partnership today, not on the period's first day.
- Flagged in the period: a child with at least one flag whose ``as_of`` (the date the rules were evaluated as at) is
  in the period, inclusive; the flag's child is resolved (``merged_into`` or itself) when the report is made, so a
  later merge moves it. A withdrawn flag still counts: the child was flagged.
- Outcomes: flags (not children) with ``as_of`` in the period, by status: accepted, dismissed, watched (decided);
  open and withdrawn flags are not decided. Acceptance rate = accepted / decided.
- Per rule: the same figures for the flags naming that rule code (``Flag.rules``, any version).

Groups (one dimension at a time; ``DIMENSIONS``)
- Sex as recorded (male, female, not known).
- Ethnicity: the DfE major groups of the census codes (``ETHNIC_GROUPS``): White, Mixed, Asian, Black, Other (any
  other ethnic group and Chinese, as DfE's children in need and looked-after children statistics group them), and
  Not known or refused (REFU, NOBT).
- Age band at the period's last day: unborn (kind unborn or a date of birth after that day), under 1, 1-4, 5-9,
  10-15, 16-17, 18 or over (a person still recorded as a child), not known (no date of birth). Done as ranges of
  date of birth computed once, so the database compares dates and computes no ages.
- Area deprivation: the IMD decile (``DeprivationLookup``) of the child's current postcode: the address with no end
  date and a postcode, latest start first, of the child (or, when that gives no decile, of a person merged into it). "Not known" when no lookup is
  loaded, the child has no current postcode, or the postcode is not in the lookup.

Disclosure control (``SUPPRESS_BELOW``)
- Any count below 5 (0 included) shows as "fewer than 5", the usual statistical disclosure control of published
  DfE and ONS tables; any figure derived from a suppressed count (rate, interval, ratio, acceptance rate) is not
  shown either. Secondary suppression: where exactly one group of a dimension is suppressed for a count, the
  smallest other group of that count is "withheld", so the suppressed one cannot be found by subtraction from the
  total.

Disparity marker (``RATIO_HIGH``, ``RATIO_LOW``, ``MARKER_MIN_CHILDREN``)
- Ratio = the group's flag rate / the overall flag rate (of the same rule, for the per-rule tables). "Higher" when
  the ratio is at least 1.5, "lower" when at most 0.67 (1 / 1.5: the same distance on the ratio scale either way),
  and only for a group of at least 50 children (below that one child moves the rate too far to mean anything).
- This is a screening tool, not a significance test: it says where to look, and a marked group may be explained by
  real differences in need. A 95% Wilson score interval (Wilson 1927; Newcombe 1998, method 3) is shown with each
  rate so the reader can see how much the rate could move by chance.

Set-based: one grouped query counts the children, one query reads the period's flags (root, status, rule codes)
and one reads the group keys of the flagged children only; nothing loops over every child in Python (20,000 children,
5,000 flags and a loaded lookup: under 1 s on SQLite on the 2-core development machine).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from openmash.people.choices import Ethnicity, PersonKind, Sex

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = "fewer than 5"
WITHHELD_TEXT = "withheld"
RATIO_HIGH = 1.5
RATIO_LOW = 0.67
MARKER_MIN_CHILDREN = 50
WILSON_Z = 1.959964  # 95%
PER = 1000

ETHNIC_GROUPS: dict[str, tuple[str, ...]] = {
    "white": (Ethnicity.WBRI, Ethnicity.WIRI, Ethnicity.WIRT, Ethnicity.WROM, Ethnicity.WOTH),
    "mixed": (Ethnicity.MWBC, Ethnicity.MWBA, Ethnicity.MWAS, Ethnicity.MOTH),
    "asian": (Ethnicity.AIND, Ethnicity.APKN, Ethnicity.ABAN, Ethnicity.AOTH),
    "black": (Ethnicity.BCRB, Ethnicity.BAFR, Ethnicity.BOTH),
    "other": (Ethnicity.CHNE, Ethnicity.OOTH),
    "not_known": (Ethnicity.REFU, Ethnicity.NOBT),
}
ETHNIC_LABELS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "other": "Other ethnic group",
    "not_known": "Not known or refused",
}
SEX_LABELS = {Sex.MALE: "Male", Sex.FEMALE: "Female", Sex.UNKNOWN: "Not known"}
# (key, label, youngest age in years, oldest age in years) of the age bands with a date of birth
AGE_BANDS = [
    ("under_1", "Under 1", 0, 0),
    ("1_4", "1 to 4", 1, 4),
    ("5_9", "5 to 9", 5, 9),
    ("10_15", "10 to 15", 10, 15),
    ("16_17", "16 to 17", 16, 17),
]
AGE_LABELS = {"unborn": "Unborn", **{k: label for k, label, _, _ in AGE_BANDS}, "18_over": "18 or over"}
AGE_LABELS["not_known"] = "Not known"
DEPRIVATION_LABELS = {
    **{
        d: f"Decile {d}" + (" (most deprived)" if d == 1 else " (least deprived)" if d == 10 else "")
        for d in range(1, 11)
    },
    0: "Not known",
}
DIMENSIONS = [
    ("sex", "Sex", SEX_LABELS),
    ("ethnicity", "Ethnicity", ETHNIC_LABELS),
    ("age", "Age band", AGE_LABELS),
    ("deprivation", "Area deprivation (IMD decile)", DEPRIVATION_LABELS),
]
MEASURES = ("children", "flagged", "accepted", "dismissed", "watched", "decided")


@dataclass
class GroupRow:
    """One group's figures, as shown: every ``*_text`` is already suppressed. ``n`` holds the raw counts for tests
    and arithmetic only: never render it."""

    dimension: str
    key: str
    label: str
    n: dict[str, int]
    text: dict[str, str] = field(default_factory=dict)
    rate_text: str = ""
    interval_text: str = ""
    ratio_text: str = ""
    marker: str = ""  # "higher", "lower", "few" (its count is suppressed: too few to compare) or ""
    acceptance_text: str = ""

    @property
    def marker_text(self) -> str:
        return {"higher": "Higher than overall", "lower": "Lower than overall", "few": "Too few to compare"}.get(
            self.marker, ""
        )


@dataclass
class Section:
    """The figures of all flags (``code`` "") or of one rule: the overall row and one table per dimension."""

    code: str
    title: str
    overall: GroupRow
    dimensions: list[tuple[str, str, list[GroupRow]]]  # (key, label, rows)


@dataclass
class Report:
    period_start: dt.date
    period_end: dt.date
    all_flags: Section
    rules: list[Section]
    deprivation_loaded: bool
    deprivation_sources: list[str]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a year that is not a leap year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_case(ref: dt.date) -> Case:
    """The age band key of a person at ``ref`` from kind and date of birth: ranges of date of birth, no age sums."""
    whens = [
        When(kind=PersonKind.UNBORN, then=Value("unborn")),
        When(date_of_birth__isnull=True, then=Value("not_known")),
        When(date_of_birth__gt=ref, then=Value("unborn")),
    ]
    for key, _label, _youngest, oldest in AGE_BANDS:
        # aged at most `oldest` on ref: born after the day `oldest + 1` years before ref
        whens.append(When(date_of_birth__gt=years_before(ref, oldest + 1), then=Value(key)))
    return Case(*whens, default=Value("18_over"), output_field=CharField())


def _ethnic_case() -> Case:
    whens = [When(ethnicity__in=list(codes), then=Value(key)) for key, codes in ETHNIC_GROUPS.items()]
    return Case(*whens, default=Value("not_known"), output_field=CharField())


def _deprivation_expr(loaded: bool):
    from openmash.patterns.models import DeprivationLookup
    from openmash.people.models import Address

    if not loaded:
        return Value(0, output_field=IntegerField())

    def decile(where: Q):
        current = (
            Address.objects.filter(where, end_date__isnull=True)
            .exclude(postcode="")
            .order_by(F("start_date").desc(nulls_last=True), "-created_at")
            .values("postcode")[:1]
        )
        lookup = DeprivationLookup.objects.filter(postcode=Subquery(current)).values("imd_decile")[:1]
        return Subquery(lookup, output_field=IntegerField())

    # the child's own current address first, else one of a person merged into it: two indexed lookups, never an OR
    own = decile(Q(person_id=OuterRef(OuterRef("pk"))))
    merged = decile(Q(person__merged_into_id=OuterRef(OuterRef("pk"))))
    return Coalesce(own, merged, Value(0), output_field=IntegerField())


def children_queryset():
    """The children of the report: resolved people of kind child or unborn with at least one agency record."""
    from openmash.people.models import AgencyRecord, Person

    return Person.objects.filter(merged_into__isnull=True, kind__in=[PersonKind.CHILD, PersonKind.UNBORN]).filter(
        Exists(AgencyRecord.objects.filter(person_id=OuterRef("pk")))
    )


def _keyed(qs, ref: dt.date, loaded: bool):
    return qs.annotate(
        g_sex=F("sex"), g_ethnicity=_ethnic_case(), g_age=_age_case(ref), g_deprivation=_deprivation_expr(loaded)
    )


def _key_tuple(sex, ethnicity, age, deprivation) -> dict[str, str | int]:
    return {
        "sex": sex if sex in SEX_LABELS else Sex.UNKNOWN,
        "ethnicity": ethnicity,
        "age": age,
        "deprivation": int(deprivation or 0),
    }


def wilson(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval of a proportion (Newcombe 1998, method 3). In: successes <= n, n > 0. Out: (low,
    high) as proportions."""
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _count_text(value: int, state: str) -> str:
    if state == "primary":
        return SUPPRESSED_TEXT
    if state == "withheld":
        return WITHHELD_TEXT
    return f"{value:,}"


def _states(rows: list[GroupRow], measure: str, *, secondary: bool) -> list[str]:
    """'primary' (below 5), 'withheld' (secondary suppression) or '' for each row's count of ``measure``."""
    states = ["primary" if r.n[measure] < SUPPRESS_BELOW else "" for r in rows]
    if secondary and states.count("primary") == 1:
        others = [i for i, s in enumerate(states) if not s]
        if others:
            states[min(others, key=lambda i: rows[i].n[measure])] = "withheld"
    return states


def _per_thousand(num: int, den: int) -> float:
    return PER * num / den


def _fill(rows: list[GroupRow], overall_rate: float | None, *, secondary: bool) -> None:
    """Write the shown text of each row: counts (suppressed), rate, interval, ratio, marker, acceptance rate."""
    states = {m: _states(rows, m, secondary=secondary) for m in MEASURES}
    for i, row in enumerate(rows):
        hidden = {m: bool(states[m][i]) for m in MEASURES}
        row.text = {m: _count_text(row.n[m], states[m][i]) for m in MEASURES}
        children, flagged = row.n["children"], row.n["flagged"]
        rate_shown = not hidden["children"] and not hidden["flagged"] and children > 0
        if rate_shown:
            low, high = wilson(flagged, children)
            row.rate_text = f"{_per_thousand(flagged, children):.1f}"
            row.interval_text = f"{PER * low:.1f} to {PER * high:.1f}"
        if children >= MARKER_MIN_CHILDREN and overall_rate:
            if rate_shown:
                ratio = _per_thousand(flagged, children) / overall_rate
                row.ratio_text = f"{ratio:.2f}"
                row.marker = "higher" if ratio >= RATIO_HIGH else "lower" if ratio <= RATIO_LOW else ""
            else:
                # a suppressed count: "higher" or "lower" would half give it away and says nothing reliable
                # about a handful of children (practitioner review, 2026-12-01)
                row.marker = "few"
        if not hidden["accepted"] and not hidden["decided"] and row.n["decided"] > 0:
            row.acceptance_text = f"{100 * row.n['accepted'] / row.n['decided']:.0f}%"


def _section(code: str, title: str, counts: dict[str, dict], totals: dict[str, int]) -> Section:
    """counts: dimension -> group key -> measure -> value; totals: measure -> value (all children)."""
    overall = GroupRow(dimension="", key="all", label="All children", n=dict(totals))
    overall_rate = _per_thousand(totals["flagged"], totals["children"]) if totals["children"] else None
    _fill([overall], None, secondary=False)
    dims = []
    for dim, label, labels in DIMENSIONS:
        rows = [
            GroupRow(dimension=dim, key=str(k), label=lab, n={m: counts[dim][k][m] for m in MEASURES})
            for k, lab in labels.items()
        ]
        _fill(rows, overall_rate, secondary=True)
        dims.append((dim, label, rows))
    return Section(code=code, title=title, overall=overall, dimensions=dims)


def _empty_counts() -> dict[str, dict]:
    return {dim: defaultdict(lambda: dict.fromkeys(MEASURES, 0)) for dim, _, _ in DIMENSIONS}


def _children_counts(children) -> tuple[dict, int]:
    """Children per group of each dimension from one grouped query (at most 3 x 6 x 8 x 11 rows): (counts, total)."""
    base = _empty_counts()
    total = 0
    grouped = children.values("g_sex", "g_ethnicity", "g_age", "g_deprivation").annotate(n=Count("pk")).order_by()
    for sex, eth, age, dep, n in grouped.values_list("g_sex", "g_ethnicity", "g_age", "g_deprivation", "n"):
        total += n
        for dim, key in _key_tuple(sex, eth, age, dep).items():
            base[dim][key]["children"] += n
    return base, total


def _flag_tallies(flag_rows, flagged_keys) -> tuple[dict, dict, dict]:
    """From (root, status, rules) of the period's flags: the flagged roots and the decided flags per section ("" for
    all flags, else the rule code), and the rule titles."""
    from openmash.patterns.models import FlagStatus

    outcome = {FlagStatus.ACCEPTED: "accepted", FlagStatus.DISMISSED: "dismissed", FlagStatus.WATCHING: "watched"}
    titles: dict[str, str] = {}
    flagged_by: dict[str, set] = defaultdict(set)  # "" (all flags) or rule code -> roots
    decided_by: dict[str, Counter] = defaultdict(Counter)  # code -> Counter((root, measure))
    for root, status, rules in flag_rows:
        if root not in flagged_keys:
            continue  # not a child of the report (an adult, or no agency record)
        codes = [""]
        for rule in rules or []:
            code = str(rule.get("code", ""))
            if code and code not in codes:
                codes.append(code)
                titles.setdefault(code, str(rule.get("title") or code))
        measure = outcome.get(status)
        for code in codes:
            flagged_by[code].add(root)
            if measure:
                decided_by[code][(root, measure)] += 1
    return flagged_by, decided_by, titles


def _section_counts(base, total_children, flagged_roots, decided: Counter, flagged_keys) -> tuple[dict, dict]:
    """One section's counts per group (children from ``base``; flagged and outcomes of its flags) and totals."""
    counts = _empty_counts()
    totals = dict.fromkeys(MEASURES, 0)
    totals["children"] = total_children
    for dim, _, labels in DIMENSIONS:
        for key in labels:
            counts[dim][key]["children"] = base[dim][key]["children"]
    for root in flagged_roots:
        totals["flagged"] += 1
        for dim, key in flagged_keys[root].items():
            counts[dim][key]["flagged"] += 1
    for (root, measure), n in decided.items():
        totals[measure] += n
        totals["decided"] += n
        for dim, key in flagged_keys[root].items():
            counts[dim][key][measure] += n
            counts[dim][key]["decided"] += n
    return counts, totals


def disparity_report(*, period_start: dt.date, period_end: dt.date) -> Report:
    """Flag rates and outcomes by group for flags with ``as_of`` in [period_start, period_end] (see the module
    docstring for every definition). In: two dates, start <= end (ValueError otherwise). Out: a Report of shown
    (suppressed) figures. Reads only; audit is the caller's (the page audits a report view)."""
    from openmash.patterns.models import DeprivationLookup, Flag

    if period_start > period_end:
        raise ValueError("The end of the period must be the same as or after its start")
    loaded = DeprivationLookup.objects.exists()
    sources = sorted(DeprivationLookup.objects.values_list("source", flat=True).distinct()) if loaded else []
    children = _keyed(children_queryset(), period_end, loaded)
    base, total_children = _children_counts(children)
    # the period's flags, by resolved child, and the group keys of the flagged children only
    flags = Flag.objects.filter(as_of__gte=period_start, as_of__lte=period_end).annotate(
        root=Coalesce("child__merged_into_id", "child_id")
    )
    flag_rows = list(flags.values_list("root", "status", "rules"))
    flagged_keys = {
        pk: _key_tuple(sex, eth, age, dep)
        for pk, sex, eth, age, dep in children.filter(pk__in=flags.values("root")).values_list(
            "pk", "g_sex", "g_ethnicity", "g_age", "g_deprivation"
        )
    }
    flagged_by, decided_by, titles = _flag_tallies(flag_rows, flagged_keys)

    def section(code: str, title: str) -> Section:
        c, t = _section_counts(
            base, total_children, flagged_by.get(code, ()), decided_by.get(code, Counter()), flagged_keys
        )
        return _section(code, title, c, t)

    return Report(
        period_start=period_start,
        period_end=period_end,
        all_flags=section("", "All flags"),
        rules=[section(code, titles.get(code, code)) for code in sorted(c for c in flagged_by if c)],
        deprivation_loaded=loaded,
        deprivation_sources=sources,
    )


class DeprivationFileError(ValueError):
    """A deprivation lookup file that cannot be loaded; ``errors`` lists each problem ("row 7: ...")."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


MAX_FILE_ERRORS = 20


def deprivation_rows(text: str) -> list[tuple[str, int]]:
    """Parse and check a postcode -> IMD decile CSV. In: the file's text, a header row with the columns ``postcode``
    and ``imd_decile`` (any order, other columns ignored). Row numbers count the header as row 1, as a spreadsheet
    shows them. Each postcode is normalised (``people.postcodes.postcode_normalise``) and must appear once; each
    decile is a whole number from 1 to 10. Out: [(postcode, decile)]. Raises DeprivationFileError naming the rows
    (the first 20 problems)."""
    import csv
    import io

    from openmash.people.postcodes import postcode_normalise

    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("postcode", "imd_decile") if c not in header]
    if missing:
        raise DeprivationFileError([f"row 1: the header has no {' or '.join(missing)} column"])
    pc_i, dec_i = header.index("postcode"), header.index("imd_decile")
    errors: list[str] = []
    seen: dict[str, int] = {}
    out: list[tuple[str, int]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        raw_pc = cells[pc_i] if pc_i < len(cells) else ""
        raw_dec = (cells[dec_i] if dec_i < len(cells) else "").strip()
        problems = []
        try:
            postcode = postcode_normalise(raw_pc)
        except ValueError as exc:
            postcode = ""
            problems.append(f"postcode: {exc}")
        if not raw_dec.isdigit() or not 1 <= int(raw_dec) <= 10:
            problems.append("imd_decile must be a whole number from 1 to 10")
        if postcode and postcode in seen:
            problems.append(f"postcode {postcode} is also on row {seen[postcode]}")
        if problems:
            errors.append(f"row {number}: " + "; ".join(problems))
            if len(errors) >= MAX_FILE_ERRORS:
                errors.append("stopped after 20 problems")
                break
            continue
        seen[postcode] = number
        out.append((postcode, int(raw_dec)))
    if errors:
        raise DeprivationFileError(errors)
    if not out:
        raise DeprivationFileError(["the file has no postcode rows"])
    return out


def deprivation_load(text: str, *, source: str) -> int:
    """Replace the deprivation lookup with a file's rows, in one transaction: a bad file changes nothing
    (DeprivationFileError, ``deprivation_rows``). In: the CSV text and the ``source`` (edition and how the file was
    made; required). Out: the number of postcodes loaded."""
    from django.db import transaction
    from django.utils import timezone

    from openmash.patterns.models import DeprivationLookup

    source = (source or "").strip()
    if not source:
        raise DeprivationFileError(['say where the deciles come from (--source), for example "IoD 2019 via ONSPD"'])
    if len(source) > 200:
        raise DeprivationFileError(["the source must be 200 characters or fewer"])
    rows = deprivation_rows(text)
    now = timezone.now()
    with transaction.atomic():
        DeprivationLookup.objects.all().delete()
        DeprivationLookup.objects.bulk_create(
            (DeprivationLookup(postcode=pc, imd_decile=d, source=source, loaded_at=now) for pc, d in rows),
            batch_size=5000,
        )
    return len(rows)


CSV_HEADER = [
    "rule",
    "rule title",
    "dimension",
    "group",
    "children",
    "flagged children",
    "flag rate per 1,000",
    "95% interval per 1,000",
    "ratio to overall",
    "marker",
    "accepted",
    "dismissed",
    "watched",
    "decided",
    "acceptance rate",
]


def report_csv_rows(report: Report) -> list[list[str]]:
    """The report as CSV rows (header first), shown figures only (suppressed as on the page), every cell neutralised
    against formula injection (``audit.export.neutralise``)."""
    from openmash.audit.export import neutralise

    out = [list(CSV_HEADER)]
    for section in [report.all_flags, *report.rules]:
        items = [("All children", section.overall)] + [
            (dim_label, row) for _dim, dim_label, rows in section.dimensions for row in rows
        ]
        for dim_label, row in items:
            values = [
                section.code or "all",
                section.title,
                dim_label if row.dimension else "All children",
                row.label,
                row.text["children"],
                row.text["flagged"],
                row.rate_text,
                row.interval_text,
                row.ratio_text,
                row.marker_text,
                row.text["accepted"],
                row.text["dismissed"],
                row.text["watched"],
                row.text["decided"],
                row.acceptance_text,
            ]
            out.append([neutralise(v) for v in values])
    return out


def report_csv(report: Report) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(report_csv_rows(report))
    return buffer.getvalue()


__all__ = [
    "deprivation_load",
    "deprivation_rows",
    "DeprivationFileError",
    "disparity_report",
    "Report",
    "Section",
    "GroupRow",
    "report_csv",
    "report_csv_rows",
    "children_queryset",
]
