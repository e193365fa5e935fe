"""THE answer to "may this actor see this contributed item, and which of its fields?" (issue 7, the secure room).

Every page, API schema, PDF and export that shows an agency's contributed items renders the dict `item_shown`
returns, so redaction is identical everywhere. The rules (docs/security/access-and-audit.md, "The secure room"):

- the **owning agency's researchers** (role with "request.respond", same agency) see their own items whole, in any
  state (draft, shared, refused, withdrawn), with every sharing decision: it is their record (golden rule 7);
- the **hub** (screeners, managers: `Actor.is_hub`) sees items shared into the hub inside the enquiry; a sealed
  item only when their role is one the partnership names (`sealed_roles`, default MASH managers), otherwise only
  that a sealed item is held; a refused item never: only that the agency declined to share one item and its
  reason category; a draft (no decision yet) not at all;
- **outside the hub** (the allocated worker's MASH pack; the referrer; any export or PDF): an item shared into the
  hub and **released** by its agency (a recorded release decision), sealed ones still only to the sealed roles;
  an unreleased item only as "held by the MASH, not released" to a reader of the pack (so they can ask for its
  release), nothing of it else; refused and draft items nothing;
- everyone else (other agencies' researchers, partnership admins, auditors): nothing.

Sources: the London MASH design's secure room, nothing leaves without the owning agency's agreement [MPA11];
Caldicott principle 4 (need to know) and 3 (minimum necessary); the sealed-envelope model (SECURITY-TESTS.md 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from openmash.access import field_table
from openmash.access.policy import can, mash_packs_visible
from openmash.accounts.choices import Role

#: The roles that see sealed items when the partnership names none (SharingSettings.sealed_roles empty): the field
#: table's SEALED_SHOWN.
SEALED_ROLES_DEFAULT: frozenset[str] = frozenset(field_table.SEALED_SHOWN)
#: Roles a partnership may name for sealed items: the hub's roles and the allocated social worker.
SEALED_ROLES_ALLOWED: frozenset[str] = frozenset({Role.SCREENER, Role.MANAGER, Role.SOCIAL_WORKER})


def _item_fields(audience: str) -> frozenset[str]:
    """The fields of a contributed item the secure-room audience sees: access.field_table, read at call time."""
    table = field_table.FIELD_GROUPS["contributed_item"]
    groups = field_table.VISIBLE.get(audience, {}).get("contributed_item", ())
    return frozenset(f for g in groups for f in table.get(g, ()))


#: What each kind of view shows (the field table's "contributed_item" groups per audience, as of import; item_view
#: reads the table at call time). "full": the item; "declined": that the agency declined to share one item and its
#: reason category; "held": a sealed item exists (the hub, without a sealed role); "not_released": the item is in
#: the hub and not released (a reader of the pack may ask for its release).
BASE_FIELDS = _item_fields("not_released")
FULL_FIELDS = _item_fields("released")
OWNER_FIELDS = _item_fields("owner")
HUB_FIELDS = _item_fields("hub")
DECLINED_FIELDS = _item_fields("hub_declined")


@dataclass(frozen=True)
class ItemView:
    """shown: "full", "declined", "held", "not_released" or "" (nothing); fields: the names item_shown fills;
    audience: the field table's secure-room audience it was read for ("owner", "hub", "hub_declined", "hub_held",
    "released", "not_released"; "" for nothing)."""

    shown: str
    fields: frozenset[str]
    audience: str = ""


NOTHING = ItemView("", frozenset())


def _as(audience: str) -> ItemView:
    fields = _item_fields(audience)
    return ItemView(field_table.ITEM_SHOWN[audience], fields, audience) if fields else NOTHING


def sealed_roles() -> frozenset[str]:
    """The role codes that see sealed items (SharingSettings.sealed_roles, filtered to SEALED_ROLES_ALLOWED; the
    default SEALED_ROLES_DEFAULT when none is set)."""
    from openmash.sharing.models import SharingSettings

    row = SharingSettings.objects.order_by("created_at").first()
    roles = frozenset(r for r in (row.sealed_roles if row else []) or [] if r in SEALED_ROLES_ALLOWED)
    return roles or frozenset(field_table.SEALED_SHOWN)


def sealed_role_choices() -> list[tuple[str, str]]:
    """(code, label) of the roles a partnership may name for sealed items, for the settings form."""
    return [(r.value, r.label) for r in Role if r.value in SEALED_ROLES_ALLOWED]


def item_owner(actor, item) -> bool:
    """Whether the actor is one of the item's agency's researchers (who write, decide on and release it)."""
    return actor is not None and can(actor, "request.respond") and actor.agency_id == item.agency_id


def _sees_sealed(actor, roles: frozenset[str] | None) -> bool:
    return actor.role in (roles if roles is not None else sealed_roles())


#: The text shown in place of a sealed chronology entry's words to a reader the partnership does not name for sealed
#: records (chronology_entry_held): the page, the API, the PDF, the flag's explanation and the exports all say it.
SEALED_ENTRY_HELD_TEXT = "Sealed record: only the roles the partnership names may read it"


def chronology_entry_held(actor, sensitivity: str | None, roles: frozenset[str] | None = None) -> bool:
    """THE rule for the words of a chronology entry (an imported agency event, or any other) by its sensitivity,
    for every output that shows them: the chronology page, API, PDF and CSV, the flag page, API and explanation
    (``openmash flags export``), the accept-a-flag form's prefill, the screening page's "what partner agencies
    already hold" and the subject access export.

    In: the actor (None: a command-line export, which has no role), the entry's ``sensitivity`` (``""`` is
    standard) and optionally the sealed roles (sealed_roles(), read once by the caller). Out: True when the entry's
    words (summary, description, the agency's type text, its event kind and any indicator read from them) must be
    held: it is sealed (or of a sensitivity this rule does not know: deny by default) and the actor's role is not
    one the partnership names for sealed items (`SharingSettings.sealed_roles`, default MASH managers), exactly as a
    sealed contributed item is (item_audience "hub_held"). Whether the entry is listed at all is
    access.policy.chronology_sensitivities / chronology_entries_visible. Security review 2026-12 (attacker review,
    finding A): the flag page held a sealed event's words from a screener while the chronology showed them."""
    level = sensitivity or "standard"
    if level in ("standard", "sensitive"):
        return False
    return actor is None or not _sees_sealed(actor, roles)


#: How an agency is named to a reader who may not read any of its records in a list (agencies_named).
AGENCY_HELD_NAME = "An agency"


def agencies_named(actor, rows, roles: frozenset[str] | None = None) -> set:
    """THE rule for naming the agencies behind a list of chronology entries (a flag's contributing events, the
    chronology's agencies): In: the actor (None: the system, e.g. ``openmash flags export`` for the bench, which
    names every agency), `rows` an iterable of (agency key, entry sensitivity) for the entries listed to this
    reader, optionally the sealed roles. Out: the agency keys the reader may see named: those with at least one
    entry whose words the reader reads (not chronology_entry_held). An agency every one of whose entries is held
    (a sexual health clinic's sealed records) is not named: its name says what the sealed records are about
    (issue 7, lawful sharing: the agencies behind sealed-only contributions). The caller says AGENCY_HELD_NAME
    instead and leaves the agency out of any list of agencies."""
    rows = list(rows)
    if actor is None:
        return {key for key, _ in rows}
    roles = roles if roles is not None else (sealed_roles() if rows else frozenset())
    return {key for key, level in rows if not chronology_entry_held(actor, level, roles)}


def agencies_unnamed(actor, holders, listed, roles: frozenset[str] | None = None) -> set:
    """THE rule for naming the agencies that hold records about one person outside their chronology (the person
    page's "What each agency holds", the joined records, the "is not the same person" links, the addresses' and the
    disagreements' "held by", GET /api/v1/people/{id} and the record's CSV and PDF).

    In: the actor; `holders`, the keys of the agencies with at least one chronology entry about the person (their
    cluster), listed to this reader or not; `listed`, (agency key, entry sensitivity) for the entries listed to this
    reader (access.policy.chronology_sensitivities / chronology_entries_visible); optionally the sealed roles. Out:
    the keys of the agencies the reader may NOT see named: every holder none of whose entries they read
    (agencies_named over `listed`; an entry not listed to them is one they do not read). The caller says
    AGENCY_HELD_NAME for them. An agency with no chronology entry about the person is named (no sealed record of it
    to betray). Issue 7, lawful sharing: a sexual health clinic named beside a child's record says what its sealed
    records are about, as on the flag page, the chronology and the screening page."""
    holders = set(holders)
    if not holders:
        return set()
    return holders - agencies_named(actor, listed, roles)


def imported_event_sensitivity(event_kind: str, mapped: str | None) -> str:
    """THE sensitivity an imported agency event's chronology entry is stored with (feeds import, FHIR, demo, the
    benchmarks): the feed mapping's choice for its event kind (``mapped``; blank: feeds.choices
    .default_sensitivity), never lower than the kind's own floor: an event kind feeds.choices holds sealed (a young
    person's sexual-health contacts, Fraser/Gillick) is sealed whatever a mapping says, and a sensitive kind
    (domestic abuse, offending, mental health ...) at least sensitive, so a mapping can raise a kind, never lower
    it below feeds.choices.DEFAULT_SENSITIVITY. In: the OpenMASH event kind, the mapped sensitivity. Out: "standard",
    "sensitive" or "sealed" (an unknown value is sealed: deny by default)."""
    from openmash.feeds.choices import DEFAULT_SENSITIVITY, default_sensitivity

    level = mapped or default_sensitivity(event_kind)
    if level not in SENSITIVITY_ORDER:
        return "sealed"
    floor = DEFAULT_SENSITIVITY.get(event_kind, "standard")
    return max(level, floor, key=SENSITIVITY_ORDER.index)


def pack_readable(actor, contact) -> bool:
    """Whether the actor may open the MASH pack of `contact` (access.policy.mash_packs_visible): the caller asks once
    per pack and passes the answer to item_view."""
    return actor is not None and mash_packs_visible(actor).filter(pk=contact.pk).exists()


def item_audience(actor, item, *, pack_allowed: bool = False, roles: frozenset[str] | None = None) -> str:
    """THE secure-room rule: how the actor stands to a contributed item, as a field-table audience ("" for none).

    - the owning agency's researchers: "owner", in any state;
    - a withdrawn or draft item: nobody else;
    - the hub: a refused item "hub_declined"; a sealed item whose reader's role is not named for sealed items
      (`roles`, default sealed_roles()) "hub_held"; else "hub";
    - outside the hub, only a reader of the item's MASH pack (`pack_allowed`, from pack_readable), for a shared item
      (sealed ones only for a named role): "released" once its agency released it, else "not_released"."""
    if actor is None:
        return ""
    if item_owner(actor, item):
        return "owner"
    if item.withdrawn_at is not None or item.state == "draft":
        return ""
    sealed_hidden = item.sensitivity == "sealed" and not _sees_sealed(actor, roles)
    if actor.is_hub:
        if item.state == "refused":
            return "hub_declined"
        return "hub_held" if sealed_hidden else "hub"
    if not pack_allowed or item.state != "shared" or sealed_hidden:
        return ""
    return "not_released" if item.released_at is None else "released"


#: The sensitivities of a contributed item, least to most restricted (access.sharing.answer_text_sensitivity).
SENSITIVITY_ORDER: tuple[str, ...] = ("standard", "sensitive", "sealed")
#: An answer's own (older) sensitivity -> the item sensitivity it stands for (restricted and sensitive: sensitive).
_ANSWER_SENSITIVITY = {"standard": "standard", "sensitive": "sensitive", "restricted": "sensitive"}


def answer_text_sensitivity(request, items=None) -> str:
    """The sensitivity of an agency answer's FREE TEXT (its relevant dates, the reason for an amendment, the text
    of its earlier versions): the highest sensitivity of the answer's contributed items, in any state (draft,
    shared, refused, withdrawn: what the agency knew when it wrote the text), and of the answer's own sensitivity
    (restricted counts as sensitive). ADR 0013 addendum (attacker review 2026-12, finding C): a refuge address
    entered as a sealed item must not travel in the relevant dates beside it.

    In: the AgencyRequest answered (or its AgencyResponse); `items`, the request's ContributedItems when the caller
    loaded them (queried here when None). Out: "standard", "sensitive" or "sealed"."""
    request = getattr(request, "request", request)  # an AgencyResponse -> the request it answers
    if items is None and "items" in getattr(request, "_prefetched_objects_cache", {}):
        items = list(request.items.all())  # prefetched by the page's queryset: no query per answer
    if items is None:
        from openmash.sharing.models import ContributedItem

        found = set(ContributedItem.objects.filter(request_id=request.pk).values_list("sensitivity", flat=True))
    else:
        found = {i.sensitivity for i in items}
    response = getattr(request, "response", None) if getattr(request, "status", "") == "responded" else None
    if response is not None:
        found.add(_ANSWER_SENSITIVITY.get(response.sensitivity, "sensitive"))
    ranks = [SENSITIVITY_ORDER.index(s) if s in SENSITIVITY_ORDER else len(SENSITIVITY_ORDER) - 1 for s in found]
    return SENSITIVITY_ORDER[max(ranks, default=0)]


def answer_text_held(actor, request, *, items=None, roles: frozenset[str] | None = None) -> bool:
    """Whether an agency answer's free text (answer_text_sensitivity) is held back from this actor although they
    read the answer: it is sealed and the actor's role is not one the partnership names for sealed items (the rule
    of a sealed item, item_audience). The owning agency's researchers never (their own record). In: the actor, the
    AgencyRequest (or AgencyResponse), optionally its items and the sealed roles. Out: a bool."""
    if actor is None:
        return True
    req = getattr(request, "request", request)
    if can(actor, "request.respond") and actor.agency_id == req.agency_id:
        return False
    return answer_text_sensitivity(req, items) == "sealed" and not _sees_sealed(actor, roles)


def practitioner_text_held(
    actor,
    level: str,
    author_id,
    *,
    kind: str = "case_note",
    audience: str | None = None,
    roles: frozenset[str] | None = None,
) -> bool:
    """THE rule for practitioner free text written into a contact for several readers with the writer's chosen
    sensitivity (a case note, a strategy discussion, ...: ADR 0017 addendum): whether its text (and writer) are held
    back from this actor, who may read the record it belongs to. Never for its writer (`author_id`); a sealed text
    for anyone whose role is not one the partnership names for sealed items (`roles`, default sealed_roles()); a
    standard or sensitive one for a reader whose audience (`audience`, default "hub" for the hub and "case_worker"
    for anyone else: the reader of the MASH pack) field_table.PRACTITIONER_TEXT_SENSITIVITIES[kind] does not list it
    for. An unknown level is sealed. Out: a bool (True also for no actor)."""
    if actor is None:
        return True
    if author_id is not None and author_id == actor.user.pk:
        return False
    level = level if level in SENSITIVITY_ORDER else "sealed"
    if level == "sealed":
        return not _sees_sealed(actor, roles)
    if audience is None:
        audience = "hub" if actor.is_hub else "case_worker"
    return level not in field_table.PRACTITIONER_TEXT_SENSITIVITIES.get(kind, {}).get(audience, ())


def case_note_held(actor, note, *, roles: frozenset[str] | None = None, basis: str = "") -> bool:
    """Whether a hub case note's text and author are held back from this actor, who reads the contact's case notes
    (the hub, or a reader of its MASH pack; `basis` "subject_access" for the privacy officer's subject access
    export): practitioner_text_held with the note's level and author (kind "case_note", audience `basis` when
    given). In: the actor, a casework.CaseNote. Out: a bool (True also for no actor)."""
    return practitioner_text_held(
        actor, note.sensitivity, note.author_id, kind="case_note", audience=basis or None, roles=roles
    )


def strategy_discussion_held(actor, discussion, *, roles: frozenset[str] | None = None) -> bool:
    """Whether a strategy discussion's text (rationale, why police or health were absent, attendees, actions) and
    who recorded it are held back from this actor, who reads the contact's discussions (the hub, or a reader of its
    MASH pack): practitioner_text_held with the discussion's level and recorder (kind "strategy_discussion"). When
    it was held and recorded, and the section 47 decision (also in the chronology), stay shown. In: the actor, a
    casework.StrategyDiscussion. Out: a bool (True also for no actor)."""
    return practitioner_text_held(
        actor, discussion.sensitivity, discussion.recorded_by_id, kind="strategy_discussion", roles=roles
    )


def request_question_held(actor, request, *, roles: frozenset[str] | None = None) -> bool:
    """Whether the question of an information request (enquiries.AgencyRequest.question) is held back from this
    actor, who reads the request (the hub on the enquiry; the agency asked in its inbox and on the request page):
    practitioner_text_held with the question's level and the hub user who asked (kind "request_question"; audience
    "hub" for the hub, "agency" for anyone else). A sealed question is read by the sealed roles and the asker only:
    the agency asked sees that a question is held and answers what it knows. In: the actor, an AgencyRequest.
    Out: a bool (True also for no actor)."""
    return practitioner_text_held(
        actor,
        request.question_sensitivity,
        request.requested_by_id,
        kind="request_question",
        audience=None if actor is None else ("hub" if actor.is_hub else "agency"),
        roles=roles,
    )


def rag_change_reason_held(actor, change, *, roles: frozenset[str] | None = None) -> bool:
    """Whether the reason of a RAG rating or re-rating (enquiries.RagChange.reason) and who gave it are held back
    from this actor, who reads the enquiry's rating history (the hub): practitioner_text_held with the change's level
    and writer (kind "rag_change_reason"). The ratings and times stay shown. In: the actor, a RagChange. Out: a
    bool (True also for no actor)."""
    return practitioner_text_held(actor, change.sensitivity, change.changed_by_id, kind="rag_change_reason", roles=roles)


def routed_return_reason_held(actor, returned, *, roles: frozenset[str] | None = None) -> bool:
    """Whether the reason given for a routed contact's return to the screening queue (casework.RoutedContactReturn:
    the closing allocation's reason) is held back from this actor, who reads the contact's returns (the hub):
    practitioner_text_held with the return's level and who closed the allocation (kind "routed_return_reason"). When
    it came back and from whom stay shown. In: the actor, a RoutedContactReturn. Out: a bool (True also for no
    actor)."""
    return practitioner_text_held(
        actor, returned.sensitivity, returned.returned_by_id, kind="routed_return_reason", roles=roles
    )


def screening_text_held(
    actor, screening, *, audience: str | None = None, roles: frozenset[str] | None = None
) -> bool:
    """Whether a screening's texts (enquiries.Screening: the rationale and the exception reason; also the first RAG
    rating's reason, which is the rationale) and who wrote them are held back from this actor, who reads the
    screening (the hub on the contact and enquiry pages, the reader of the MASH pack, the early help service with
    `audience` "early_help"): practitioner_text_held with the screening's level and screener (kind
    "screening_text"). The outcome, RAG and time stay shown. In: the actor, a Screening. Out: a bool (True also for
    no actor)."""
    return practitioner_text_held(
        actor, screening.sensitivity, screening.screened_by_id, kind="screening_text", audience=audience, roles=roles
    )


def decision_text_held(
    actor, decision, *, audience: str | None = None, roles: frozenset[str] | None = None
) -> bool:
    """Whether a MASH decision's texts (enquiries.Decision: the rationale, next steps and exception reason) and who
    wrote them are held back from this actor, who reads the decision (the hub, the reader of the MASH pack, the early
    help service with `audience` "early_help"): practitioner_text_held with the decision's level and the deciding
    manager (kind "decision_text"). Outcomes, threshold and time stay shown. In: the actor, a Decision. Out: a bool
    (True also for no actor)."""
    return practitioner_text_held(
        actor, decision.sensitivity, decision.decided_by_id, kind="decision_text", audience=audience, roles=roles
    )


def flag_dismissal_reason_held(actor, flag, *, roles: frozenset[str] | None = None) -> bool:
    """Whether the reason a flag was dismissed for (patterns.Flag.dismissal_reason) is held back from this actor,
    who may read the flag (the hub: access.policy "flag.view"): practitioner_text_held with the reason's level
    (Flag.dismissal_sensitivity) and the worker who dismissed it (kind "flag_dismissal_reason"). A sealed reason is
    read by the sealed roles and its writer only; the decision, when and by whom stay shown (the flag page and
    GET /api/v1/flags/{id} say the reason is held). A flag with no reason holds nothing. In: the actor, a Flag.
    Out: a bool. Source: issue 7 (lawful sharing: every contributed free text carries a sensitivity)."""
    if not flag.dismissal_reason:
        return False
    return practitioner_text_held(
        actor, flag.dismissal_sensitivity, flag.decided_by_id, kind="flag_dismissal_reason", audience="hub", roles=roles
    )


def privacy_alert_note_held(actor, row, *, roles: frozenset[str] | None = None) -> bool:
    """Whether a privacy officer's note on a break-glass alert (oversight.PrivacyAlertDecision.note) and who wrote
    it are held back from this actor, who reads the alert (the privacy officers: access.policy
    privacy_alerts_visible): practitioner_text_held with the note's level and writer (kind "privacy_alert_note",
    audience "privacy_officer"). A standard or sensitive note is read by the privacy officers; a sealed one by the
    sealed roles and its writer only, and as no sealed role reads the review queue, by its writer. The decision
    and when stay shown. A row with no note holds nothing. In: the actor, a PrivacyAlertDecision. Out: a bool.
    Source: issue 7 (lawful sharing: every contributed free text carries a sensitivity)."""
    if not row.note:
        return False
    return practitioner_text_held(
        actor, row.sensitivity, row.decided_by_id, kind="privacy_alert_note", audience="privacy_officer", roles=roles
    )


def contact_change_reason_held(actor, change, *, roles: frozenset[str] | None = None) -> bool:
    """Whether the reason given for a change to a contact (contacts.ContactChange.reason: a correction's, by the
    hub) and who gave it are held back from this actor, who reads the contact's change history (the hub; anyone
    else only the changes they made: contacts.selectors.contact_changes): practitioner_text_held with the change's
    level and writer (kind "contact_change_reason", audience "hub"). A sealed reason is read by the sealed roles and
    its writer only; what changed, from what to what and when stay shown (the contact page and the contact API's
    `changes`). A change with no reason holds nothing. In: the actor, a ContactChange. Out: a bool. Source: issue 7
    (lawful sharing: every contributed free text carries a sensitivity)."""
    if not change.reason:
        return False
    return practitioner_text_held(
        actor, change.sensitivity, change.changed_by_id, kind="contact_change_reason", audience="hub", roles=roles
    )


def share_note_held(actor, decision, *, roles: frozenset[str] | None = None) -> bool:
    """Whether a sharing or release decision's necessity-and-proportionality note (sharing.ShareDecision
    .necessity_note) and who wrote it are held back from this actor, who reads the decision (the item's "decisions"
    group: the hub and the owning agency's researchers, item_shown). The owning agency's researchers never (their
    own record, golden rule 7); otherwise practitioner_text_held with the note's level (ShareDecision
    .note_sensitivity) and writer (kind "share_necessity_note", audience "hub"): a sealed note is read by the sealed
    roles and its writer only. The decision's codes (outcome, purpose, lawful basis, consent, ...) and when stay
    shown. A decision with no note holds nothing. In: the actor, a ShareDecision; optionally the sealed roles. Out:
    a bool. Source: issue 7 (lawful sharing: every contributed free text carries a sensitivity)."""
    if not decision.necessity_note:
        return False
    if actor is not None and can(actor, "request.respond") and actor.agency_id == decision.agency_id:
        return False
    return practitioner_text_held(
        actor,
        decision.note_sensitivity,
        decision.decided_by_id,
        kind="share_necessity_note",
        audience="hub",
        roles=roles,
    )


def outcome_texts_mark(actor, *, screening=None, decision=None, audience: str | None = None) -> None:
    """Mark a screening and a decision (either may be None) with `held` (screening_text_held, decision_text_held for
    this actor and `audience`) for the pages and the pack API that render them, one settings read for both. Every
    page that shows these texts calls this and shows them only when `held` is False (the pack API treats an unmarked
    one as held). In: the actor, the rows. Out: None (the rows are marked)."""
    roles = sealed_roles() if screening is not None or decision is not None else None
    if screening is not None:
        screening.held = screening_text_held(actor, screening, audience=audience, roles=roles)
    if decision is not None:
        decision.held = decision_text_held(actor, decision, audience=audience, roles=roles)


def case_note_sensitivity_hints(noun: str = "note", standard: str = "") -> dict[str, str]:
    """The plain-English hint under each sensitivity on the case note form (and the other practitioner texts'
    forms, `noun` naming what is written: "note", "discussion", "question", ...; `standard` the standard level's
    hint when its readers are not the hub and the pack's): who reads it at that level (practitioner_text_held, in
    words), naming the partnership's sealed roles."""
    roles = sealed_roles()
    names = [str(r.label) for r in Role if r.value in roles]
    names = [(n[0].lower() + n[1:] if n[1:2].islower() else n) + "s" for n in names]  # "MASH managers"
    who = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return {
        "standard": standard or "The MASH can read it, and so can the allocated social worker in the MASH pack.",
        "sensitive": (
            "For example mental or sexual health, or police intelligence with its grading. The same people can read "
            "it, and it is marked as sensitive wherever it is shown."
        ),
        "sealed": (
            "For example a refuge address, a protected referrer, an adoption or sensitive NHS details. Only "
            f"{who} can read it. Everyone else sees only that a {noun} is held, not what it says or who wrote it."
        ),
    }


def item_view(actor, item, *, pack_allowed: bool = False, roles: frozenset[str] | None = None) -> ItemView:
    """In: an actor, a ContributedItem, whether the actor opened the item's contact's MASH pack (`pack_allowed`,
    from pack_readable) and optionally the sealed roles (to ask the settings once per page). Out: the ItemView: the
    audience item_audience decides, and the fields the field table gives it."""
    audience = item_audience(actor, item, pack_allowed=pack_allowed, roles=roles)
    return _as(audience) if audience else NOTHING


def _decision_out(d, held: bool = False) -> dict:
    """One decision as item_shown gives it; `held` (share_note_held for the reader): the note and who wrote it
    empty, ``note_held`` True."""
    return {
        "id": d.id,
        "kind": d.kind,
        "outcome": d.outcome,
        "purpose": d.purpose,
        "lawful_basis": d.lawful_basis,
        "special_condition": d.special_condition,
        "part3_condition": d.part3_condition,
        "consent": d.consent,
        "consent_not_sought_reason": d.consent_not_sought_reason,
        "consent_override_reason": d.consent_override_reason,
        "necessity_note": "" if held else d.necessity_note,
        "note_sensitivity": d.note_sensitivity,
        "note_held": held,
        "urgent": d.urgent,
        "refusal_reason": d.refusal_reason,
        "decided_by": str(d.decided_by) if d.decided_by_id and not held else "",
        "decided_at": d.decided_at,
        "via": d.via,
        "agreement_check": d.agreement_check,
        "agreement_id": d.agreement_id,
    }


def item_shown(actor, item, *, pack_allowed: bool = False, roles: frozenset[str] | None = None) -> dict | None:
    """THE rendering of one item for this actor: None when they may see nothing of it, else a dict with every key
    (id, agency_code, agency_name, position, shown, text, sensitivity, category, intel_source, intel_assessment,
    intel_handling, recorded_by, recorded_at, state, released, released_at, refusal_reason, withdrawn, decisions,
    release_askable) where a field the view does not give is empty ("", None, False or []). Pages, the API, PDFs
    and exports render this and nothing else of an item (item agency and decided_by loaded; decisions prefetched)."""
    view = item_view(actor, item, pack_allowed=pack_allowed, roles=roles)
    if not view.shown:
        return None
    f = view.fields
    full = "text" in f
    return {
        "id": item.id,
        "agency_code": item.agency.code,
        "agency_name": item.agency.name,
        "position": item.position,
        "shown": view.shown,
        "text": item.text if full else "",
        "sensitivity": item.sensitivity if full else "",
        "category": item.category if full else "",
        "intel_source": item.intel_source if full else "",
        "intel_assessment": item.intel_assessment if full else "",
        "intel_handling": item.intel_handling if full else "",
        "recorded_by": str(item.recorded_by) if "recorded_by" in f else "",
        "recorded_at": item.recorded_at if "recorded_at" in f else None,
        "state": item.state if "state" in f else "",
        "released": item.released_at is not None if "released_at" in f else False,
        "released_at": item.released_at if "released_at" in f else None,
        "refusal_reason": item.refusal_reason if "refusal_reason" in f else "",
        "withdrawn": item.withdrawn_at is not None if "withdrawn_at" in f else False,
        # each note at its writer's level (share_note_held: issue 7, lawful sharing)
        "decisions": [_decision_out(d, share_note_held(actor, d, roles=roles)) for d in item.decisions.all()]
        if "decisions" in f
        else [],
        # whether this reader may ask the agency to release it (release_request_allowed, without another query)
        "release_askable": item.state == "shared"
        and item.released_at is None
        and (view.audience == "hub" or view.shown == "not_released"),
    }


def items_shown(actor, items, *, pack_allowed: bool = False, roles: frozenset[str] | None = None) -> list[dict]:
    """item_shown over `items` (one settings read, or none when the caller passes the sealed `roles`), dropping the
    ones the actor may see nothing of."""
    items = list(items)
    if not items:
        return []
    roles = roles if roles is not None else sealed_roles()
    out = [item_shown(actor, i, pack_allowed=pack_allowed, roles=roles) for i in items]
    return [o for o in out if o is not None]


def items_text(shown: list[dict]) -> str:
    """The text of the fully shown items shared into the hub, joined by blank lines: what the backward-compatible
    `summary` field of the API says (the same redaction as the items; never a draft's or a refused item's text)."""
    return "\n\n".join(
        o["text"] for o in shown if o["shown"] == "full" and o["state"] == "shared" and not o["withdrawn"] and o["text"]
    )


# --- actions on an item -------------------------------------------------------------------------------------------


def item_decide_allowed(actor, item) -> bool:
    """Whether the actor may record the sharing decision on a draft item: its agency's researchers."""
    return item_owner(actor, item) and item.state == "draft" and item.withdrawn_at is None


def item_release_allowed(actor, item) -> bool:
    """Whether the actor may release (or refuse to release) an item out of the hub: its agency's researchers, for an
    item shared into the hub and not yet released."""
    return item_owner(actor, item) and item.state == "shared" and item.released_at is None and item.withdrawn_at is None


def release_request_allowed(actor, item, *, pack_allowed: bool = False) -> bool:
    """Whether the actor may ask the item's agency to release it: the hub when it sees the item in full (audience
    "hub"; not a sealed item held from a role not named for sealed items, "hub_held": asking for what you may not
    read would be asking for it blind, attacker review 2026-12-01) and a reader of its MASH pack (the allocated
    worker: "not_released"), for a shared, unreleased item."""
    if actor is None or item.state != "shared" or item.released_at is not None or item.withdrawn_at is not None:
        return False
    view = item_view(actor, item, pack_allowed=pack_allowed)
    if actor.is_hub:
        return view.audience == "hub"
    return view.shown == "not_released"


# --- querysets ----------------------------------------------------------------------------------------------------


def items_visible(actor) -> QuerySet:
    """Items the actor may see anything of (item_view not empty), as a queryset: the owning agency's researchers
    their agency's items; the hub every shared or refused item; a reader of MASH packs the shared items on the packs
    they may open (released or not: an unreleased one shows only as not released), sealed ones only for a sealed
    role; nobody else any."""
    from openmash.sharing.models import ContributedItem

    qs = ContributedItem.objects.all()
    if actor is None:
        return qs.none()
    if can(actor, "request.respond"):
        return qs.filter(agency_id=actor.agency_id)
    live = Q(withdrawn_at__isnull=True)
    if actor.is_hub:
        return qs.filter(live, state__in=("shared", "refused"))
    if can(actor, "pack.view"):
        packs = mash_packs_visible(actor).values("pk")
        qs = qs.filter(live, state="shared", request__enquiry__contact__in=packs)
        return qs if _sees_sealed(actor, None) else qs.exclude(sensitivity="sealed")
    return qs.none()


def item_get_for(actor, item_id, *, qs: QuerySet | None = None):
    """The item, or NotFound (the same answer for a missing item and one the actor may not see)."""
    from openmash.access.policy import _get

    return _get(qs if qs is not None else items_visible(actor), item_id)


def release_requests_visible(actor) -> QuerySet:
    """Release requests the actor answers: those on their agency's items (the agency's researchers); none else."""
    from openmash.sharing.models import ReleaseRequest

    if actor is None or not can(actor, "request.respond"):
        return ReleaseRequest.objects.none()
    return ReleaseRequest.objects.filter(item__agency_id=actor.agency_id)


def release_request_recipients(item) -> QuerySet:
    """Active memberships told (in app, the contact reference only) that an item's release is asked: the owning
    agency's researchers."""
    from openmash.access.policy import memberships_allowed

    return memberships_allowed("request.respond").filter(agency_id=item.agency_id)


def is_police_agency(agency) -> bool:
    """Whether an agency processes under DPA 2018 Part 3 (a police force, a competent authority: s30, Sch 7)."""
    from openmash.accounts.choices import AgencyType

    return agency.agency_type == AgencyType.POLICE


# --- information-sharing agreements (ADR 0016) -----------------------------------------------------------------------

#: The category of information an agency of each type holds (what an answer to a request to it is about).
AGENCY_TYPE_CATEGORY: dict[str, str] = {
    "police": "police_records",
    "csc": "childrens_social_care",
    "health": "health",
    "education": "education",
    "probation": "probation",
    "youth_justice": "youth_justice",
    "housing": "housing",
    "asc": "adult_social_care",
    "domestic_abuse": "domestic_abuse",
    "early_help": "early_help",
}
#: Sensitive item categories with a category of information of their own; other_health is health.
_ITEM_CATEGORY = {
    "mental_health": "mental_health",
    "sexual_health": "sexual_health",
    "substance_misuse": "substance_misuse",
    "police_intelligence": "police_intelligence",
    "other_health": "health",
}


@dataclass(frozen=True)
class AgreementAnswer:
    """THE answer to "may this request or release go, under which agreement?". outcome: "covered" (an active
    agreement covers it: `agreement`), "outside" (none does; allowed and flagged), "refused" (none does and the
    partnership refuses such shares: `message` says why). `category`: the InfoCategory code checked."""

    outcome: str
    agreement: object | None
    category: str
    message: str = ""

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"

    @property
    def recorded(self) -> str:
        """The AgreementCheck code stored on the request or decision ("covered" or "outside")."""
        return "covered" if self.outcome == "covered" else "outside"


def agency_info_category(agency) -> str:
    """The InfoCategory code of what an agency holds (by its type)."""
    return AGENCY_TYPE_CATEGORY.get(agency.agency_type, "")


def item_info_category(item) -> str:
    """The InfoCategory code of a contributed item: its sensitive category where that is a category of information
    (mental health, sexual health, substance misuse, police intelligence; other health is health), else what its
    agency holds (standard items, sealed items, 'not stated')."""
    if item.sensitivity == "sensitive" and item.category in _ITEM_CATEGORY:
        return _ITEM_CATEGORY[item.category]
    return agency_info_category(item.agency)


def outside_agreement_mode() -> str:
    """The partnership's setting (SharingSettings.outside_agreement): "flag" (default) or "refuse"."""
    from openmash.sharing.models import SharingSettings

    row = SharingSettings.objects.order_by("created_at").only("outside_agreement").first()
    return row.outside_agreement if row and row.outside_agreement in ("flag", "refuse") else "flag"


def agreements_covering(*, from_agency, to_agencies, category: str, on=None) -> list:
    """Active agreements in their dates on `on` (default today, Europe/London) whose parties include `from_agency`
    and at least one of `to_agencies` and whose categories include `category`."""
    from django.utils import timezone

    from openmash.sharing.models import SharingAgreement

    day = on or timezone.localdate()
    to_ids = [a.pk for a in to_agencies]
    qs = (
        SharingAgreement.objects.filter(status="active", starts_on__lte=day, parties=from_agency)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .filter(pk__in=SharingAgreement.objects.filter(parties__in=to_ids).values("pk"))
        .order_by("starts_on", "title")
    )
    # JSON list membership is checked in Python (SQLite and PostgreSQL alike): agreements are few.
    return [a for a in qs if category in (a.categories or [])]


def agreement_check(*, from_agency, to_agencies, category: str, urgent_child_protection: bool, on=None):
    """THE one decision on whether a request to an agency or a release out of the secure room may go, as far as
    information-sharing agreements are concerned (issue 7). In: the agency the information comes from, the agencies
    it goes to (the hub's), the InfoCategory code, whether this is urgent child protection (a child at risk of
    significant harm now). Out: AgreementAnswer: "covered" with the first matching active agreement; otherwise
    "refused" when the partnership refuses shares outside an agreement and this is not urgent child protection;
    otherwise "outside" (allowed, flagged). Urgent child protection is never refused, only recorded and flagged
    (golden rule 1, 2024; ICO: share in an emergency as necessary and proportionate)."""
    matching = agreements_covering(from_agency=from_agency, to_agencies=to_agencies, category=category, on=on)
    if matching:
        return AgreementAnswer("covered", matching[0], category)
    if outside_agreement_mode() == "refuse" and not urgent_child_protection:
        from openmash.sharing.choices import InfoCategory

        label = InfoCategory(category).label if category in InfoCategory.values else "this information"
        message = (
            f"No active information-sharing agreement covers {from_agency.name} sharing {label.lower()} with the "
            "MASH. Ask the partnership admin to record one, or share under urgent child protection if a child is at "
            "risk of significant harm now."
        )
        return AgreementAnswer("refused", None, category, message)
    return AgreementAnswer("outside", None, category)


def hub_agencies() -> list:
    """The hub's agencies (Agency.is_hub, active): the other party of a request from the hub or a release out of
    the secure room (to the local authority's children's social care: the allocated worker, the pack)."""
    from openmash.accounts.models import Agency

    return list(Agency.objects.filter(is_hub=True, active=True))


def agreements_view_allowed(actor) -> bool:
    """Whether the actor may list and read agreements: the hub's screeners and managers, the partnership admin and
    the privacy officer (no personal data in an agreement; the hub needs to know what it may ask for)."""
    if not can(actor, "agreement.view"):
        return False
    return actor.is_hub if actor.role in ("screener", "manager") else True


def agreements_manage_allowed(actor) -> bool:
    """Whether the actor may add, change and end agreements and set what happens outside them: the partnership
    admin."""
    return can(actor, "agreement.manage")


def agreements_visible(actor) -> QuerySet:
    """Agreements the actor may read: all of them for agreements_view_allowed, none else."""
    from openmash.sharing.models import SharingAgreement

    if not agreements_view_allowed(actor):
        return SharingAgreement.objects.none()
    return SharingAgreement.objects.all()


def agreement_flags_visible(actor) -> tuple[QuerySet, QuerySet]:
    """The requests and release decisions recorded outside any agreement (agreement_check "outside"), for the
    privacy officer's oversight queue: (agency requests, share decisions); both empty for anyone else."""
    from openmash.enquiries.models import AgencyRequest
    from openmash.sharing.models import ShareDecision

    if not can(actor, "privacy.review"):
        return AgencyRequest.objects.none(), ShareDecision.objects.none()
    return (
        AgencyRequest.objects.filter(agreement_check="outside"),
        ShareDecision.objects.filter(agreement_check="outside"),
    )


__all__ = [
    "SEALED_ROLES_DEFAULT",
    "ItemView",
    "sealed_roles",
    "sealed_role_choices",
    "SEALED_ENTRY_HELD_TEXT",
    "chronology_entry_held",
    "AGENCY_HELD_NAME",
    "agencies_named",
    "agencies_unnamed",
    "imported_event_sensitivity",
    "answer_text_sensitivity",
    "answer_text_held",
    "practitioner_text_held",
    "case_note_held",
    "contact_change_reason_held",
    "flag_dismissal_reason_held",
    "privacy_alert_note_held",
    "share_note_held",
    "strategy_discussion_held",
    "request_question_held",
    "rag_change_reason_held",
    "routed_return_reason_held",
    "screening_text_held",
    "decision_text_held",
    "outcome_texts_mark",
    "case_note_sensitivity_hints",
    "item_owner",
    "pack_readable",
    "item_audience",
    "item_view",
    "item_shown",
    "items_shown",
    "items_text",
    "item_decide_allowed",
    "item_release_allowed",
    "release_request_allowed",
    "items_visible",
    "item_get_for",
    "release_requests_visible",
    "release_request_recipients",
    "is_police_agency",
    "AgreementAnswer",
    "agency_info_category",
    "item_info_category",
    "outside_agreement_mode",
    "agreements_covering",
    "agreement_check",
    "hub_agencies",
    "agreements_view_allowed",
    "agreements_manage_allowed",
    "agreements_visible",
    "agreement_flags_visible",
]
