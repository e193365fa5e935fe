"""The vocabulary of the secure room: how sensitive a contributed item is, and what a sharing decision records.

Sources (DOMAIN.md section 3; "not legal advice"):
- UK GDPR article 6(1): the lawful bases; for safeguarding sharing by public bodies normally (e) public task or (c)
  legal obligation, not consent (ICO, *A 10 step guide to sharing information to safeguard children*, 2023; HM
  Government, *Information sharing advice for safeguarding practitioners*, 2024, rule 3).
- UK GDPR article 9(2) with the Data Protection Act 2018 Schedule 1: special category data (health, sex life) need a
  further condition; Schedule 1 Part 2 paragraph 18 "Safeguarding of children and of individuals at risk" is the
  one for a MASH (DPA 2018 s10(3)).
- DPA 2018 Part 3 (law-enforcement processing by competent authorities, the police): sensitive processing needs a
  Schedule 8 condition; paragraph 4 is "Safeguarding of children and of individuals at risk", paragraph 1
  "Statutory etc. purposes" (s35(5)).
- The seven golden rules (2018 and 2024 editions) and the eight Caldicott principles (December 2020): purpose,
  necessity, minimum necessary, consent or a reason not to seek it, record every decision including refusals.
- Police intelligence grading: the College of Policing's 3x5x2 (APP Intelligence management, 2021): source
  evaluation 1-3, intelligence assessment A-E, handling code P or C. **[unverified here: DOMAIN.md marks police
  handling codes as unverified; check the force's current APP before relying on the labels]**.
"""

from django.db import models


class ItemSensitivity(models.TextChoices):
    """How far an item may travel inside the hub. Standard and sensitive items shared into the hub are seen by the
    hub's screeners and managers; sealed items only by the roles the partnership names (SharingSettings); none
    leaves the hub without the owning agency's release (the secure room, [MPA11])."""

    STANDARD = "standard", "Standard"
    SENSITIVE = "sensitive", "Sensitive"
    SEALED = "sealed", "Sealed"


class SensitiveCategory(models.TextChoices):
    """What makes an item sensitive. Health categories are special category data (UK GDPR art. 9); police
    intelligence is Part 3 data with its grading."""

    MENTAL_HEALTH = "mental_health", "Mental health"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    OTHER_HEALTH = "other_health", "Other health information"
    # Answers recorded before items had categories (the migration of 'sensitive' and 'restricted' summaries).
    NOT_STATED = "not_stated", "Not stated (recorded before sensitivity categories)"


class SealedCategory(models.TextChoices):
    """Why an item is sealed (DOMAIN.md 3.6 'Sealed / restricted records'): a refuge address or S-flagged
    demographics [PDS-NBO], a protected referrer or third party [IS24 rule 5], a pre-adoption identity [ADOPT-LMC]."""

    REFUGE_ADDRESS = "refuge_address", "Refuge address"
    PROTECTED_REFERRER = "protected_referrer", "Protected referrer or third party"
    ADOPTION = "adoption", "Adoption (pre-adoption identity)"
    SENSITIVE_NHS_DEMOGRAPHICS = "sensitive_nhs_demographics", "Sensitive NHS demographics (S-flag)"


#: Sensitive categories that are special category data (UK GDPR art. 9(1): data concerning health or sex life).
SPECIAL_CATEGORIES = frozenset(
    {
        SensitiveCategory.MENTAL_HEALTH,
        SensitiveCategory.SEXUAL_HEALTH,
        SensitiveCategory.SUBSTANCE_MISUSE,
        SensitiveCategory.OTHER_HEALTH,
    }
)


class IntelSource(models.TextChoices):
    """3x5x2 source evaluation."""

    RELIABLE = "1", "1: Reliable"
    UNTESTED = "2", "2: Untested"
    NOT_RELIABLE = "3", "3: Not reliable"


class IntelAssessment(models.TextChoices):
    """3x5x2 intelligence assessment."""

    A = "A", "A: Known directly to the source"
    B = "B", "B: Known indirectly to the source but corroborated"
    C = "C", "C: Known indirectly to the source"
    D = "D", "D: Not known"
    E = "E", "E: Suspected to be false or malicious"


class IntelHandling(models.TextChoices):
    """3x5x2 handling code."""

    P = "P", "P: Lawful sharing permitted"
    C = "C", "C: Lawful sharing permitted with conditions"


class ItemState(models.TextChoices):
    """Where an item stands. Draft: written, no decision yet (only its agency sees it). Shared: shared into the
    hub. Refused: the agency decided not to share it (the hub sees only that one item was declined, and why)."""

    DRAFT = "draft", "Waiting for a sharing decision"
    SHARED = "shared", "Shared with the MASH"
    REFUSED = "refused", "Not shared"


class DecisionKind(models.TextChoices):
    """What a ShareDecision records. Golden rule 7 (2018 and 2024): record every decision, refusals included."""

    SHARE = "share", "Shared into the hub"
    REFUSE = "refuse", "Refused to share"
    RELEASE = "release", "Released out of the hub"
    REFUSE_RELEASE = "refuse_release", "Refused to release"


class DecisionOutcome(models.TextChoices):
    """The helper's answer (Caldicott 3: the minimum necessary may be part of what is held)."""

    SHARE = "share", "Share"
    SHARE_PART = "share_part", "Share part of it"
    DO_NOT_SHARE = "do_not_share", "Do not share"


class Purpose(models.TextChoices):
    """Why the information is shared (Caldicott 1: justify the purpose)."""

    PROTECT_CHILD = "protect_child", "To protect a child from harm (section 47 enquiry or a MASH decision)"
    ASSESS_NEED = "assess_need", "To assess a child's needs (section 17) or offer early help"
    PREVENT_CRIME = "prevent_crime", "To prevent or detect crime that puts a child at risk"


class LawfulBasis(models.TextChoices):
    """UK GDPR article 6(1) condition. Consent is listed but is rarely right for safeguarding (ICO 2023)."""

    PUBLIC_TASK = "public_task", "Article 6(1)(e) public task (statutory functions)"
    LEGAL_OBLIGATION = "legal_obligation", "Article 6(1)(c) legal obligation (e.g. Children Act 1989 s47(9))"
    VITAL_INTERESTS = "vital_interests", "Article 6(1)(d) vital interests (life or death)"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Article 6(1)(f) legitimate interests (not public bodies)"
    CONSENT = "consent", "Article 6(1)(a) consent"
    # plain summaries through the old API field, and the migration of earlier answers: no decision was recorded
    NOT_RECORDED = "not_recorded", "Not recorded (answered before sharing decisions were recorded)"


class SpecialCondition(models.TextChoices):
    """The further condition for special category data (UK GDPR art. 9(2), DPA 2018 s10 and Schedule 1)."""

    SCH1_PARA18 = "sch1_para18", "DPA 2018 Schedule 1 paragraph 18: safeguarding of children and individuals at risk"
    ART9_2H = "art9_2h", "Article 9(2)(h) with Schedule 1 paragraph 2: health or social care purposes"
    ART9_2C = "art9_2c", "Article 9(2)(c): vital interests, consent cannot be given"


class Part3Condition(models.TextChoices):
    """Law-enforcement sensitive processing (DPA 2018 s35(5), Schedule 8)."""

    SCH8_PARA4 = "sch8_para4", "DPA 2018 Schedule 8 paragraph 4: safeguarding of children and individuals at risk"
    SCH8_PARA1 = "sch8_para1", "DPA 2018 Schedule 8 paragraph 1: statutory purposes"


class ConsentState(models.TextChoices):
    """DOMAIN.md 3.2: consent obtained, refused, or not sought (with why)."""

    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"


class ConsentNotSoughtReason(models.TextChoices):
    """Why consent was not sought (golden rules 2 and 3, 2024: not where it would increase the risk)."""

    RISK_TO_CHILD = "risk_to_child", "Seeking consent would put the child at risk"
    PREJUDICE = "prejudice", "Seeking consent would prejudice the enquiry or a criminal investigation"
    URGENT = "urgent", "There was no time: the child is at risk of significant harm now"
    CANNOT_BE_GIVEN = "cannot_be_given", "Consent cannot be given (capacity, or no one to give it)"
    NOT_PRACTICABLE = "not_practicable", "Consent cannot reasonably be obtained"


class ConsentOverrideReason(models.TextChoices):
    """Why information is shared although consent was refused (golden rule 4, 2018; rule 3, 2024)."""

    RISK_OF_HARM = "risk_of_harm", "The child is at risk of harm: protecting them comes first"
    CRIME = "crime", "To prevent or detect a serious crime"


class RefusalReason(models.TextChoices):
    """Why an agency declined to share an item (or to release it): the category the hub is told, never free text."""

    NOT_RELEVANT = "not_relevant", "Not relevant to the safeguarding concern"
    NOT_NECESSARY = "not_necessary", "Not necessary or not proportionate"
    THIRD_PARTY_RISK = "third_party_risk", "Sharing would put someone else at risk"
    CONSENT_REFUSED = "consent_refused", "Consent refused and no risk of harm to override it"
    LEGAL_RESTRICTION = "legal_restriction", "A legal restriction (e.g. a court order or investigation)"
    NO_SAFEGUARDING_PURPOSE = "no_safeguarding_purpose", "No safeguarding purpose"
    OTHER = "other", "Another reason (recorded by the agency)"


class ReleaseRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the agency"
    RELEASED = "released", "Released"
    REFUSED = "refused", "Release refused"


# --- information-sharing agreements (issue 7; ADR 0016) ------------------------------------------------------------
# The ICO's data sharing code recommends a data sharing agreement for routine sharing; DOMAIN.md 3.6 "Agreements and
# DPIA": encode the agreed datasets per agency as configuration.


class InfoCategory(models.TextChoices):
    """The categories of information an agreement covers. An agency's answer is of its agency type's category
    (access.sharing.AGENCY_TYPE_CATEGORY); a sensitive item of its own category where it has one
    (access.sharing.item_info_category)."""

    HEALTH = "health", "Health (physical health, health visiting, GP, acute)"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    POLICE_RECORDS = "police_records", "Police records (incidents, crimes, domestic abuse reports)"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence"
    EDUCATION = "education", "Education (attendance, exclusions, school safeguarding)"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING = "housing", "Housing"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse services"
    EARLY_HELP = "early_help", "Early help"


class AgreementBasis(models.TextChoices):
    """The lawful bases an agreement names (UK GDPR art. 6 and 9; DPA 2018 Schedule 1 and Part 3 / Schedule 8)."""

    ART6_1C = "art6_1c", "UK GDPR article 6(1)(c): legal obligation"
    ART6_1E = "art6_1e", "UK GDPR article 6(1)(e): public task"
    ART9_2B = "art9_2b", "UK GDPR article 9(2)(b): employment, social security and social protection law"
    ART9_2G = "art9_2g", "UK GDPR article 9(2)(g): substantial public interest"
    ART9_2H = "art9_2h", "UK GDPR article 9(2)(h): health or social care"
    SCH1_PARA18 = "sch1_para18", "DPA 2018 Schedule 1 paragraph 18: safeguarding of children and individuals at risk"
    PART3_SCH8 = "part3_sch8", "DPA 2018 Part 3 and Schedule 8 (police: law-enforcement processing)"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class OutsideAgreement(models.TextChoices):
    """What happens to a request or release no active agreement covers (SharingSettings.outside_agreement). An
    urgent child-protection share is never refused: it is recorded and flagged (golden rule 1, 2024; ICO)."""

    FLAG = "flag", "Allow it, flag it for the privacy officer"
    REFUSE = "refuse", "Refuse it (urgent child protection is still allowed and flagged)"


class AgreementCheck(models.TextChoices):
    """What the agreement check found, recorded on the request or the decision ("" = not checked: refusals, plain
    summaries, rows from before agreements)."""

    COVERED = "covered", "Covered by an agreement"
    OUTSIDE = "outside", "Outside any agreement (flagged)"
