from typing import Literal

from django.db import models


class ContactStatus(models.TextChoices):
    AWAITING_SCREENING = "awaiting_screening", "Awaiting screening"
    WITH_ALLOCATED_WORKER = "with_allocated_worker", "Passed to allocated worker"
    IN_ENQUIRY = "in_enquiry", "MASH enquiry"
    ADDED_TO_ENQUIRY = "added_to_enquiry", "Added to an open MASH enquiry"
    CLOSED = "closed", "Closed at screening"
    STRATEGY = "strategy", "Strategy discussion"
    DECIDED = "decided", "Decided"


class ReferrerType(models.TextChoices):
    PROFESSIONAL = "professional", "Professional"
    PUBLIC = "public", "Member of the public"


class FamilyAware(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Consent(models.TextChoices):
    """The consent position at intake (DOMAIN.md 3.2; Information sharing advice for safeguarding practitioners,
    2024, rules 2 and 3). Everything but "obtained" is sharing without consent: a recorded decision with its reason
    category and lawful basis (ADR 0016), never free text alone."""

    OBTAINED = "obtained", "Consent obtained"
    REFUSED = "refused", "Consent refused, but sharing is justified"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    NOT_APPLICABLE = "not_applicable", "Not applicable: shared under a statutory duty (for example the police)"


#: Consent positions that are sharing without consent (reason and lawful basis required).
WITHOUT_CONSENT = frozenset({"refused", "not_sought", "not_applicable"})


class ConsentNotSoughtReason(models.TextChoices):
    """Why consent was not sought (golden rules 2 and 3, 2024: not where seeking it would increase the risk)."""

    UNSAFE = "unsafe", "Seeking consent would place the child at risk of significant harm"
    PREJUDICE = "prejudice", "Seeking consent would prejudice an investigation"
    URGENT = "urgent", "Urgent: no time to seek consent"
    NOT_CAPABLE = "not_capable", "No one capable of giving consent could be reached"
    OTHER = "other", "Other reason (say why in the note)"


class ConsentOverrideReason(models.TextChoices):
    """Why the concern is shared although consent was refused (golden rule 4, 2018; rule 3, 2024; ICO)."""

    RISK_OF_HARM = "risk_of_harm", "The child is at risk of significant harm"
    PUBLIC_INTEREST = "public_interest", "Sharing is justified in the public interest"
    CRIME = "crime", "To prevent or detect a serious crime"


class ConsentLawfulBasis(models.TextChoices):
    """The lawful basis for sharing without consent (UK GDPR art. 6(1); DPA 2018 Part 3 for the police). Consent is
    rarely the right basis for safeguarding (ICO 2023; advice 2024 rule 3)."""

    PUBLIC_TASK = "public_task", "Article 6(1)(e) public task (statutory functions)"
    LEGAL_OBLIGATION = "legal_obligation", "Article 6(1)(c) legal obligation"
    VITAL_INTERESTS = "vital_interests", "Article 6(1)(d) vital interests (life or death)"
    PART3 = "part3", "DPA 2018 Part 3: law-enforcement processing (police)"
    # contacts recorded before the basis was asked (migration contacts 0011): never accepted as input
    NOT_RECORDED = "not_recorded", "Not recorded (recorded before the lawful basis was asked)"


class ConsentCondition(models.TextChoices):
    """The further condition for health or police information in the contact (optional): UK GDPR art. 9(2) with
    DPA 2018 Schedule 1, or Schedule 8 for the police."""

    SCH1_PARA18 = "sch1_para18", "DPA 2018 Schedule 1 paragraph 18: safeguarding of children and individuals at risk"
    ART9_2G = "art9_2g", "Article 9(2)(g): substantial public interest"
    ART9_2H = "art9_2h", "Article 9(2)(h): health or social care"
    ART9_2B = "art9_2b", "Article 9(2)(b): social protection law"
    SCH8_PARA4 = "sch8_para4", "DPA 2018 Schedule 8 paragraph 4: safeguarding (police)"
    SCH8_PARA1 = "sch8_para1", "DPA 2018 Schedule 8 paragraph 1: statutory purposes (police)"


class ContactPersonRole(models.TextChoices):
    SUBJECT = "subject", "Subject child"
    PARENT_CARER = "parent_carer", "Parent or carer"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"


# CIN census referral-source codes (DOMAIN.md 2.3).
SOURCE_CODES = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health: GP",
    "3B": "Health: health visitor",
    "3C": "Health: school nurse",
    "3D": "Health: other primary health services",
    "3E": "Health: A&E",
    "3F": "Health: other",
    "4": "Housing",
    "5A": "LA services: social care",
    "5B": "LA services: other internal",
    "5C": "LA services: external",
    "5D": "LA services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

# CIN assessment factor codes (DOMAIN.md 2.3): the national vocabulary of concerns.
CONCERN_CODES = {
    "1A": "Alcohol misuse: child",
    "1B": "Alcohol misuse: parent or carer",
    "1C": "Alcohol misuse: other person",
    "2A": "Drug misuse: child",
    "2B": "Drug misuse: parent or carer",
    "2C": "Drug misuse: other person",
    "3A": "Domestic abuse: child",
    "3B": "Domestic abuse: parent or carer",
    "3C": "Domestic abuse: other person",
    "4A": "Mental health: child",
    "4B": "Mental health: parent or carer",
    "4C": "Mental health: other person",
    "5A": "Learning disability: child",
    "5B": "Learning disability: parent or carer",
    "5C": "Learning disability: other person",
    "6A": "Physical disability or illness: child",
    "6B": "Physical disability or illness: parent or carer",
    "6C": "Physical disability or illness: other person",
    "7A": "Young carer",
    "8B": "Privately fostered: overseas, intends to return",
    "8C": "Privately fostered: overseas, intends to stay",
    "8D": "Privately fostered: UK, parents' study or work",
    "8E": "Privately fostered: UK, parents' choice",
    "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse: child on child",
    "18C": "Physical abuse: adult on child",
    "19B": "Sexual abuse: child on child",
    "19C": "Sexual abuse: adult on child",
    "20": "Other",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}


class DashRisk(models.TextChoices):
    """The DASH risk grade of the adult victim (DOMAIN.md 1.5)."""

    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class SiblingRelationship(models.TextChoices):
    """How two children named in one contact are related to each other (recorded as a relationship)."""

    FULL = "sibling", "Brother or sister (same parents)"
    HALF = "half_sibling", "Half-brother or half-sister"
    STEP = "step_sibling", "Stepbrother or stepsister"
    NOT_RELATED = "not_related", "Not related"
    UNKNOWN = "unknown", "Not known"


class ChangeKind(models.TextChoices):
    AMENDMENT = "amendment", "Amended before screening"
    CORRECTION = "correction", "Corrected by the MASH"


# --- the consent answers an API accepts (review finding 17: the OpenAPI schema lists them as enums) ---------------

#: The codes a client may send for each consent field ("" where the field may be left blank: the service then says
#: which is needed); ``not_recorded`` is the mark of a contact recorded before the lawful basis was asked, never an
#: answer.
CONSENT_API_CODES: dict[str, tuple[str, ...]] = {
    "consent": ("", *Consent.values),
    "consent_not_sought_reason": ("", *ConsentNotSoughtReason.values),
    "consent_override_reason": ("", *ConsentOverrideReason.values),
    "consent_lawful_basis": ("", *(v for v in ConsentLawfulBasis.values if v != ConsentLawfulBasis.NOT_RECORDED)),
    "consent_condition": ("", *ConsentCondition.values),
}

# The consent answers as enums for the API schemas (contacts and flags), so OpenAPI lists them.
ConsentIn = Literal[CONSENT_API_CODES["consent"]]  # type: ignore[valid-type]
ConsentNotSoughtIn = Literal[CONSENT_API_CODES["consent_not_sought_reason"]]  # type: ignore[valid-type]
ConsentOverrideIn = Literal[CONSENT_API_CODES["consent_override_reason"]]  # type: ignore[valid-type]
ConsentLawfulBasisIn = Literal[CONSENT_API_CODES["consent_lawful_basis"]]  # type: ignore[valid-type]
ConsentConditionIn = Literal[CONSENT_API_CODES["consent_condition"]]  # type: ignore[valid-type]


def consent_codes_text(field: str) -> str:
    """The codes an API client may send for a consent field, in words ("obtained, refused, not_sought or
    not_applicable"). In: a key of ``CONSENT_API_CODES``. Out: the text. Raises KeyError for another field."""
    codes = [c for c in CONSENT_API_CODES[field] if c]
    return ", ".join(codes[:-1]) + " or " + codes[-1] if len(codes) > 1 else codes[0]


def consent_errors_with_codes(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """An API's field errors with the allowed codes added to each consent field's messages (the web form shows its
    own labelled choices, so the shared service messages stay in words). In: {field: [messages]}. Out: a new dict."""
    return {
        field: [f"{m} (one of: {consent_codes_text(field)})" for m in messages]
        if field in CONSENT_API_CODES
        else messages
        for field, messages in errors.items()
    }
