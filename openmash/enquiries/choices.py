from django.db import models


class ScreeningOutcome(models.TextChoices):
    NFA_ADVICE = "nfa_advice", "No further action / advice"
    EARLY_HELP = "early_help", "Early help"
    MASH_ENQUIRY = "mash_enquiry", "Progress to MASH enquiry"
    STRATEGY = "strategy", "Straight to strategy discussion"
    ALLOCATED_WORKER = "allocated_worker", "Pass to allocated worker"
    # Issue 6, duplicate work: the child is already in an open MASH enquiry; this contact joins it.
    ADD_TO_ENQUIRY = "add_to_enquiry", "Add to the open MASH enquiry about this child"


#: Screening outcomes that close a contact without a MASH enquiry, a strategy discussion or a referral (the contact's
#: status becomes "closed at screening"). For a contact with immediate risk such an outcome is an exception: a MASH
#: manager only, with a recorded reason (enquiries.services.screening_record; access action
#: "screening.close_immediate_risk"). Passing it to the child's allocated worker or adding it to an open MASH enquiry
#: does not close it: someone still acts on it.
SCREENING_CLOSING_OUTCOMES = frozenset({ScreeningOutcome.NFA_ADVICE, ScreeningOutcome.EARLY_HELP})


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Awaiting response"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed: decided"  # still unanswered when the enquiry was decided


class EarlyHelpRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the early help service"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class EarlyHelpSource(models.TextChoices):
    SCREENING = "screening", "Screening"
    DECISION = "decision", "MASH decision"


# What an agency is asked when the hub gives no question of its own (stored on the request, so the agency reads
# the words the hub sent).
DEFAULT_REQUEST_QUESTION = (
    "What does your agency know about these children and the adults in their household that is relevant to their "
    "safety and well-being? Include recent incidents, attendances and missed appointments, and your view of what it "
    "means for the children."
)

# The agency type of the early help service (accounts.choices.AgencyType.EARLY_HELP; that module is imported only
# by openmash.access, which keeps role comparisons in one place).
EARLY_HELP_AGENCY_TYPE = "early_help"

# The outcome code (partnership OutcomeCode) that hands a decided case to the early help service.
EARLY_HELP_OUTCOME = "early_help"


class Sensitivity(models.TextChoices):
    STANDARD = "standard", "Standard"
    SENSITIVE = "sensitive", "Sensitive: hub use only"
    RESTRICTED = "restricted", "Restricted: do not share outside the hub without the agency's agreement"


RISK_INDICATORS = {
    "domestic_abuse": "Domestic abuse",
    "substance_misuse": "Substance misuse",
    "mental_health": "Mental health",
    "violence": "Violence or weapons",
    "missing": "Missing episodes",
    "exploitation": "Exploitation",
    "non_attendance": "Missed appointments / non-attendance",
    "injury": "Injury",
    "offending": "Offending history",
    "neglect": "Neglect",
}
