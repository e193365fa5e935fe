"""Field-level access as DATA (issue 7, "Who may see what"; ADR 0002 addendum): which fields of which record an
audience sees, as two tables. `openmash.access.fields.field_access(actor, record)` reads them and is the one answer
the API, the pages, the CSV export and the PDFs render from. Adding a field to a record is one entry in
FIELD_GROUPS; changing who sees a group is one entry in VISIBLE.

- FIELD_GROUPS: record type -> field group -> the field names in it (the names are the API's keys, the pages'
  ``data-field`` attributes and the CSV's ``field`` column; FIELD_LABELS gives the words the pages and the PDF use).
- VISIBLE: audience -> record type -> the groups that audience sees. An audience is how the actor stands to that
  record, decided from role and involvement by `openmash.access.fields.audience_for` (deny by default: an audience
  or record type missing from the table sees nothing):

  - ``hub``: the MASH's screeners and managers (an agency marked as the hub);
  - ``case_worker``: the social worker allocated to the child while the allocation is open, and whoever broke glass
    for that one person while it lasts (access.policy.person_full_record_allowed);
  - ``agency``: everyone else who may open the record: an agency's researchers answering a request (the
    "minimum details"), the early help service (and, for a hand-over to it, the early help service it was sent
    to), a practitioner named on a request;
  - ``recorder``: a contact's recorder (the referrer) reading their own contact;
  - ``owner``: an agency answer read by the answering agency's researchers (their own record, golden rule 7).

  A person named in a contact (``contact_person``) is read as ``hub`` by the hub and as ``case_worker`` by a reader
  of the contact's MASH pack (access.policy.mash_packs_visible); anyone else sees nothing of it.

  A contributed item (sharing.ContributedItem) is read by the secure room's audiences instead
  (`openmash.access.sharing.item_view` decides which from the reader, the item's state, its sensitivity and
  whether it was released): ``owner``, ``hub``, ``hub_declined``, ``hub_held``, ``released``, ``not_released``.
- SEALED_SHOWN: the roles that see a sealed item whole when the partnership names none (SharingSettings
  sealed_roles overrides it); the rest of the hub sees only that one is held (``hub_held``).
- SENSITIVITIES: audience -> record type -> the chronology sensitivities shown (access.policy.chronology_sensitivities
  applies them, with the household rule on top).

Source of the rules: docs/security/access-and-audit.md ("Who sees what"); DOMAIN.md 3.3 (minimum necessary,
Caldicott principles 3 and 4); issue 5 faults 2 and 6 (a referrer must never learn a child has an allocated worker).
"""

from __future__ import annotations

FIELD_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    # A person's record (people.Person read over their cluster).
    "person": {
        # the minimum identifying details an agency needs to search its own records
        "minimum": (
            "kind",
            "forename",
            "surname",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "postcode",
            "nhs_number",
        ),
        # the hub-only identity details: every identifier, every address, ethnicity, other names
        "identity": ("ethnicity", "identifiers", "addresses", "aliases"),
        # the people around them, each relationship with its source
        "network": ("relationships",),
        # each agency's record of them and the links that joined the records (ADR 0005); where the joined records
        # disagree on the date of birth, sex or current address, with the agencies holding each (issue 6)
        "records": ("records", "links", "disagreements"),
        # the merged chronology
        "history": ("chronology",),
        # whether they are open to children's social care and to whom (issue 5 fault 6)
        "case_status": ("allocation",),
        # child protection plans, looked-after status, child in need plans (people.ChildStatus; issue 7)
        "statuses": ("child_status",),
    },
    # A contact (contacts.Contact) as its reader may see it: access.fields.ContactView.
    "contact": {
        "details": ("reference", "status", "received_at", "narrative", "concern_codes", "people", "outcome"),
        "screening": ("screening",),
        # the hub's reasoning and the enquiry it opened
        "hub_only": ("rationale", "enquiry"),
        # when screening is due and whether it is overdue
        "due_dates": ("due_dates",),
        # a protected public referrer's name
        "referrer_identity": ("referrer_identity",),
        # that the contact went to the child's allocated worker and what the worker did with it
        "routing": ("routing",),
    },
    # An information request to an agency (enquiries.AgencyRequest).
    "agency_request": {
        "people": ("people",),  # the subjects' and household's minimum details (FIELD_GROUPS person minimum)
        "urgency": ("rag", "immediate_risk"),  # how urgent, never why
    },
    # A hand-over to the early help service (enquiries.EarlyHelpRequest): the early help inbox page, the hand-over
    # page and GET /api/v1/early-help-requests (access.fields.early_help_case_details renders it).
    "early_help_request": {
        # the children handed over and the household adults, each person's fields through "person" (the minimum)
        "people": ("people",),
        # what the concern is about and which agency raised it (never a person, never the narrative)
        "concern": ("concern_codes", "referrer_agency"),
        # whether the family knows and consented, and why consent was not sought
        "consent": ("consent", "consent_not_sought_reason", "family_aware"),
        # why the MASH decided on early help, what it expects next and at which threshold level; `partial` says the
        # hand-over is for only some of the contact's children (the contact-level words are then withheld)
        "reasons": ("rationale", "next_steps", "threshold_level", "partial"),
    },
    # A person as a contact names them (contacts.ContactPerson): the MASH pack's "Children and household" (page and
    # GET /api/v1/mash-packs/{id} people: access.fields.pack_person_details). What of the person's RECORD shows
    # beside it (postcode, addresses) is the "person" answer for that person.
    "contact_person": {
        # who they are in the contact: role, name and date of birth as the contact holds them
        "named": ("role", "forename", "surname", "date_of_birth", "expected_date_of_birth"),
        # what the contact says about a subject child: school and GP (agency names), present at the incident
        "circumstances": ("school", "gp", "present_at_incident"),
    },
    # An Operation Encompass notice to a school (contacts.EncompassNotice, DOMAIN.md 1.5): the notices page, the
    # notice page and GET /api/v1/encompass-notices (access.fields.encompass_notice_shown renders it).
    "encompass_notice": {
        # which pupil: the minimum a school needs to know the child (never an address, an identifier or the household)
        "child": ("child_forename", "child_surname", "child_date_of_birth"),
        # what happened: the police reference, when, whether the child was present, the school told
        "incident": ("police_reference", "incident_at", "present", "school"),
        # when it was sent, read and acknowledged, and by whom at the school
        "delivery": ("sent_at", "read_at", "acknowledged_at", "acknowledged_by"),
    },
    # One agency's record of a person (people.AgencyRecord).
    # The names are the keys of access.fields.agency_record_shown (the person page's rows, the API's records, the CSV
    # and PDF's "What each agency holds").
    "agency_record": {
        "record": (
            "agency",
            "local_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "nhs_number",
            "upn",
            "pnc_id",
            "postcode",
        ),
        "provenance": ("received_at", "source_contact_reference", "source_feed", "origin_person_id"),
    },
    # One chronology entry (people.ChronologyEntry): which of them by sensitivity is SENSITIVITIES. The names are
    # the keys of people.chronology.chronology_item_view (the page, the API and the PDF render that dict).
    "chronology_entry": {
        "entry": (
            "occurred_at",
            "occurred_on",
            "time_known",
            "kind",
            "kind_label",
            "significance",
            "sensitivity",
            "agency",
            "agency_code",
            "summary",
            "description",
            "person_id",
            "person_name",
            "origin",
        ),
        # which agency record or feed event, or which OpenMASH record, it came from
        "provenance": ("record_id", "record", "source", "external_id", "source_type_text", "object_type", "object_id"),
    },
    # A MASH enquiry (enquiries.Enquiry): the enquiry page and GET /api/v1/enquiries/{id} (the hub's), and the parts
    # of it the MASH pack hands over (casework: page, API, PDF).
    "enquiry": {
        # what it is about and how urgent it is
        "summary": ("reference", "status", "rag", "due_at", "subjects", "narrative", "concern_codes"),
        # the hub's working of it: re-ratings and their reasons, contacts added to it, the requests' due times and
        # questions, the assignment
        "working": ("rag_history", "added_contacts", "requests", "assigned_to"),
        # each agency's answer (what of each answer and of each item: "agency_answer" and "contributed_item")
        "answers": ("agency_answers",),
        # the MASH decision: outcomes, threshold, rationale, next steps, per-child outcomes
        "decision": ("decision",),
        # why the decision departed from the usual rules (issue 5 fault 8): the hub's reasoning
        "decision_exceptions": ("exceptions", "exception_reason"),
    },
    # One agency's answer to an information request (enquiries.AgencyResponse), apart from its items.
    "agency_answer": {
        # that it was answered, when, and whether the agency holds anything
        "status": ("responded_at", "no_information", "late", "summary"),
        # the answer's own risk indicators and old sensitivity: not items, never released, so they stay in the hub
        # (and with the agency that wrote them)
        "indicators": ("risk_indicators", "sensitivity"),
        # the amendments: version and when
        "history": ("version", "amended_at"),
        # the agency's FREE TEXT on the answer: its relevant dates, why it amended, what it said before. Never
        # released; and it carries the highest sensitivity of the answer's items (access.sharing
        # answer_text_sensitivity), so a sealed answer's text is held from a hub role not named for sealed items
        # (audience "hub_text_held"; ADR 0013 addendum, attacker review 2026-12 finding C)
        "free_text": ("relevant_dates", "amendment_reason", "previous_versions"),
        # the items (each through "contributed_item")
        "items": ("items",),
    },
    # One item an agency contributed to its answer (sharing.ContributedItem): the secure room's fields.
    "contributed_item": {
        # that the item exists, whose it is, and how it is shown
        "base": ("id", "agency", "position", "shown"),
        # what it says and how sensitive it is (police intelligence with its grading)
        "content": ("text", "sensitivity", "category", "grading"),
        # who recorded it, its sharing state and whether it was released out of the hub
        "provenance": ("recorded_by", "recorded_at", "state", "released_at"),
        # every sharing and release decision with its lawful basis (purpose, consent, necessity, decision-maker)
        "decisions": ("decisions",),
        # why the agency declined to share it (the reason category)
        "refusal": ("refusal_reason",),
        # the owning agency's own bookkeeping: withdrawn items and the release requests it answers
        "owner": ("withdrawn_at", "release_requests"),
    },
    # The two agency records of a link between records, side by side on the record-link review (matching: the
    # review page and GET /api/v1/record-links): access.fields.linked_record_shown and the comparison rows
    # (matching.selectors.compare_fields) render only these, for the hub (link.review). Issue 5 "one field-visibility
    # answer": the review chose its own fields before.
    "record_link": {
        "identity": ("given_name", "family_name", "date_of_birth", "sex"),
        "identifiers": ("nhs_number", "upn", "pnc_id"),
        "location": ("postcode", "address"),
        "provenance": (
            "agency",
            "local_id",
            "person_id",
            "origin_person_id",
            "received_at",
            "source_contact_reference",
            "source_feed",
        ),
    },
    # The child a pattern flag is about (patterns: the flag pages and GET /api/v1/flags): access.fields.flag_child_shown.
    "flag_child": {"child": ("person_id", "name", "date_of_birth", "age")},
    # A secure message on an enquiry's thread (messaging.Message; ADR 0017 addendum): access.messaging.message_shown
    # renders it for the thread page, GET /api/v1/enquiries/{id}/messages and the subject access export.
    "message": {
        # that a message was sent, by which agency, when, at which sensitivity, and what it answers
        "base": ("id", "author_agency", "sent_at", "sensitivity", "reply_to", "shown"),
        # who wrote it (name and role), what it says and its attachments (names, sizes, the download)
        "content": ("author", "author_role", "body", "attachments"),
    },
    # A person a search found (people.lookup: the search pages, intake's "is it them?" and the API): what
    # recognises them, and what locates them (the postcode and NHS number; issue 6: never for someone the searcher has
    # no basis to open). access.fields.person_search_fields reads it.
    "search_result": {
        "recognise": ("kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex"),
        "locate": ("postcode", "nhs_number"),
    },
}

_PERSON_ALL = ("minimum", "identity", "network", "records", "history", "case_status", "statuses")

VISIBLE: dict[str, dict[str, tuple[str, ...]]] = {
    "hub": {
        "person": _PERSON_ALL,
        "contact": ("details", "screening", "hub_only", "due_dates", "referrer_identity", "routing"),
        "agency_request": ("people", "urgency"),
        "agency_record": ("record", "provenance"),
        "chronology_entry": ("entry", "provenance"),
        "enquiry": ("summary", "working", "answers", "decision", "decision_exceptions"),
        "agency_answer": ("status", "indicators", "history", "free_text", "items"),
        "contributed_item": ("base", "content", "provenance", "decisions"),
        "contact_person": ("named", "circumstances"),
        # a hand-over to early help: the people in it (the hub reads the contact itself for the rest)
        "early_help_request": ("people",),
        "encompass_notice": ("child", "incident", "delivery"),
        "record_link": ("identity", "identifiers", "location", "provenance"),
        "flag_child": ("child",),
        "search_result": ("recognise", "locate"),
    },
    "case_worker": {
        "person": _PERSON_ALL,
        "contact": ("details", "screening", "due_dates", "referrer_identity", "routing"),
        "agency_record": ("record", "provenance"),
        "chronology_entry": ("entry", "provenance"),
        # the MASH pack: the enquiry handed over, each answer's status and only the items the agencies released
        "enquiry": ("summary", "answers", "decision"),
        "agency_answer": ("status", "items"),
        "contact_person": ("named", "circumstances"),
        "search_result": ("recognise", "locate"),
    },
    "agency": {
        "person": ("minimum",),
        "search_result": ("recognise", "locate"),
        "agency_request": ("people", "urgency"),
        # the early help service, on a hand-over to it (practitioner review, fault 10: enough to offer help)
        "early_help_request": ("people", "concern", "consent", "reasons"),
        # a school's users, on an Operation Encompass notice to their school
        "encompass_notice": ("child", "incident", "delivery"),
    },
    "recorder": {
        "contact": ("details", "screening", "referrer_identity"),
    },
    # a person a search found whom the searcher has no basis to open (a referrer's intake search, a researcher
    # searching before a request arrives): enough to recognise the child they already hold details of, nothing they
    # do not already know
    "no_basis": {"search_result": ("recognise",)},
    # the answering agency's researchers, on their own answer and its items (any state)
    "owner": {
        "agency_answer": ("status", "indicators", "history", "free_text", "items"),
        "contributed_item": ("base", "content", "provenance", "decisions", "refusal", "owner"),
    },
    # the hub reading an answer whose free text is sealed, their role not named for sealed items (access.fields
    # field_access with access.sharing.answer_text_held): everything of the answer but its free text
    "hub_text_held": {"agency_answer": ("status", "indicators", "history", "items")},
    # the secure room's other audiences of an item (access.sharing.item_view)
    "hub_declined": {"contributed_item": ("base", "refusal")},  # the agency declined to share it: why, not what
    "hub_held": {"contributed_item": ("base",)},  # a sealed item, the reader's role not named for sealed items
    "released": {"contributed_item": ("base", "content", "provenance")},  # released out of the hub
    "not_released": {"contributed_item": ("base",)},  # outside the hub, not released: only that it is held
    # a secure message a member of the thread may read (access.messaging.message_audience), and one held from them
    # by its sensitivity (MESSAGE_SENSITIVITIES): that it exists, the agency, the time and the level, nothing else
    "message_full": {"message": ("base", "content")},
    "message_held": {"message": ("base",)},
}

#: The secure-room audiences of a contributed item -> how item_shown's `shown` names them (pages, API, PDF).
ITEM_SHOWN: dict[str, str] = {
    "owner": "full",
    "hub": "full",
    "released": "full",
    "hub_declined": "declined",
    "hub_held": "held",
    "not_released": "not_released",
}

#: The roles that see a sealed item whole when the partnership names none (SharingSettings.sealed_roles).
SEALED_SHOWN: tuple[str, ...] = ("manager",)

SENSITIVITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "hub": {
        "person": ("", "standard", "sensitive", "sealed"),
        "chronology_entry": ("", "standard", "sensitive", "sealed"),
    },
    "case_worker": {"person": ("", "standard", "sensitive"), "chronology_entry": ("", "standard", "sensitive")},
}

#: The sensitivities of a secure message (messaging.Message.sensitivity) each reader reads whole, by why they read
#: the thread (access.messaging.thread_basis; "subject_access" for the privacy officer's subject access export).
#: Sealed is never listed: a sealed message is read by the partnership's sealed roles (access.sharing.sealed_roles)
#: and its author only. The author (and, for a researcher's message, their agency's researchers) reads every level.
#: The rule is the secure room's for items (ADR 0013): the hub reads sensitive items, an agency never reads another
#: agency's; and the chronology's (SENSITIVITIES): the allocated worker reads standard and sensitive, never sealed.
MESSAGE_SENSITIVITIES: dict[str, tuple[str, ...]] = {
    "hub": ("standard", "sensitive"),
    "allocation": ("standard", "sensitive"),
    "agency_request": ("standard",),
    "subject_access": ("standard", "sensitive"),
}

#: The sensitivities of practitioner free text written into a contact with the writer's chosen level (ADR 0017
#: addendum), per kind, that each of its readers reads whole: the hub and the reader of the contact's MASH pack (the
#: allocated worker; audience "case_worker"), as for chronology entries (SENSITIVITIES). Sealed is never listed: a
#: sealed text is read by the partnership's sealed roles and its writer only (access.sharing.practitioner_text_held).
#: "case_note": casework.CaseNote.text; "strategy_discussion": casework.StrategyDiscussion (rationale, absent
#: agencies' reason, attendees, actions); "request_question": enquiries.AgencyRequest.question, read by the hub and
#: the agency asked (audience "agency"); "rag_change_reason": enquiries.RagChange.reason, read by the hub (the
#: enquiry's "working" group); "routed_return_reason": casework.RoutedContactReturn.reason (the closing allocation's
#: reason), read by the hub on the contact page; "screening_text": enquiries.Screening (rationale, exception reason)
#: and "decision_text": enquiries.Decision (rationale, next steps, exception reason), read by the hub, the reader of
#: the MASH pack and the early help service a family is handed to (audience "early_help": standard only, as an
#: agency reads a secure message, MESSAGE_SENSITIVITIES "agency_request"); "flag_dismissal_reason":
#: patterns.Flag.dismissal_reason, read by the hub (flags are hub-only: access.policy "flag.view");
#: "privacy_alert_note": oversight.PrivacyAlertDecision.note, read by the privacy officers (the review queue);
#: "contact_change_reason": contacts.ContactChange.reason (a correction's), read by the hub (contacts.selectors
#: .contact_changes: anyone else reads only the changes they made); "share_necessity_note": sharing.ShareDecision
#: .necessity_note (why a share or release is necessary and proportionate), read by the hub (the item's
#: "decisions" group; the owning agency's researchers read their own agency's notes whole).
PRACTITIONER_TEXT_SENSITIVITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "case_note": {
        "hub": ("standard", "sensitive"),
        "case_worker": ("standard", "sensitive"),
        "subject_access": ("standard", "sensitive"),  # the privacy officer's subject access export, as for messages
    },
    "strategy_discussion": {"hub": ("standard", "sensitive"), "case_worker": ("standard", "sensitive")},
    "request_question": {"hub": ("standard", "sensitive"), "agency": ("standard", "sensitive")},
    "rag_change_reason": {"hub": ("standard", "sensitive")},
    "routed_return_reason": {"hub": ("standard", "sensitive")},
    "screening_text": {
        "hub": ("standard", "sensitive"),
        "case_worker": ("standard", "sensitive"),
        "early_help": ("standard",),
    },
    "decision_text": {
        "hub": ("standard", "sensitive"),
        "case_worker": ("standard", "sensitive"),
        "early_help": ("standard",),
    },
    "flag_dismissal_reason": {"hub": ("standard", "sensitive")},
    "privacy_alert_note": {"privacy_officer": ("standard", "sensitive")},
    "contact_change_reason": {"hub": ("standard", "sensitive")},
    "share_necessity_note": {"hub": ("standard", "sensitive")},
}

#: The case notes' entry of PRACTITIONER_TEXT_SENSITIVITIES (the name the case note commit introduced).
CASE_NOTE_SENSITIVITIES: dict[str, tuple[str, ...]] = PRACTITIONER_TEXT_SENSITIVITIES["case_note"]

#: The words the pages, the CSV and the PDF use for a field (the API uses the field name itself).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "person": {
        "kind": "Kind",
        "forename": "First name",
        "surname": "Last name",
        "date_of_birth": "Date of birth",
        "expected_date_of_birth": "Expected date of birth",
        "sex": "Sex",
        "postcode": "Postcode",
        "nhs_number": "NHS number",
        "ethnicity": "Ethnicity",
        "identifiers": "Identifiers",
        "addresses": "Addresses",
        "aliases": "Also known as",
        "relationships": "Relationships",
        "records": "What each agency holds",
        "links": "Joined as one person",
        "disagreements": "Where agencies disagree",
        "chronology": "Chronology",
        "allocation": "Children's social care",
        "child_status": "Plans and looked-after status",
    },
    "enquiry": {
        "reference": "Reference",
        "status": "Status",
        "rag": "RAG rating",
        "due_at": "Due",
        "subjects": "Children",
        "narrative": "What the referrer said",
        "concern_codes": "Concerns",
        "rag_history": "RAG changes",
        "added_contacts": "Contacts added to this enquiry",
        "requests": "Information requests",
        "assigned_to": "Assigned to",
        "agency_answers": "Agency answers",
        "decision": "Decision",
        "exceptions": "Exceptions to the decision rules",
        "exception_reason": "Reason for the exception",
    },
    "agency_answer": {
        "responded_at": "Answered",
        "no_information": "No information held",
        "late": "Answered after the decision",
        "summary": "Summary",
        "risk_indicators": "Risk indicators",
        "relevant_dates": "Relevant dates",
        "sensitivity": "Sensitivity",
        "version": "Version",
        "amended_at": "Amended",
        "amendment_reason": "Reason for the amendment",
        "previous_versions": "Earlier versions",
        "items": "Items",
    },
}

#: The order a person's fields are listed in (the page, the CSV and the PDF).
PERSON_FIELD_ORDER: tuple[str, ...] = tuple(f for group in FIELD_GROUPS["person"].values() for f in group)
