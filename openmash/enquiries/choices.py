from django.db import models


class ScreeningOutcome(models.TextChoices):
    NFA_ADVICE = "nfa_advice", "No further action / advice"
    EARLY_HELP = "early_help", "Early help"
    MASH_ENQUIRY = "mash_enquiry", "Progress to MASH enquiry"
    STRATEGY = "strategy", "Straight to strategy discussion"
    ALLOCATED_WORKER = "allocated_worker", "Pass to allocated worker"


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Awaiting response"
    RESPONDED = "responded", "Responded"


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
