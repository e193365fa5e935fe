"""The synthetic partnership's cast and the words it uses: agencies, demo users, and text for contacts, screening
decisions, agency responses and decisions. Everything here is invented; no real person or case is described."""

from __future__ import annotations

# code, name, agency type, CIN source code, is_hub, health service, parent code
AGENCIES: list[tuple[str, str, str, str, bool, str, str]] = [
    ("mash", "Children's Services MASH", "csc", "5A", True, "", ""),
    ("csc", "Children's Social Care Assessment Service", "csc", "5A", False, "", ""),
    ("police", "County Police", "police", "6", False, "", ""),
    ("health", "Riverside Health NHS Trust", "health", "3F", False, "", ""),
    ("health-gp", "Riverside GP Practices", "health", "3A", False, "gp", "health"),
    ("health-acute", "Riverside General Hospital Emergency Department", "health", "3E", False, "acute", "health"),
    ("health-hv", "Community Health Visiting", "health", "3B", False, "health_visiting", "health"),
    ("health-sn", "School Nursing Service", "health", "3C", False, "school_nursing", "health"),
    ("health-midwifery", "Maternity and Midwifery Service", "health", "3F", False, "midwifery", "health"),
    ("health-camhs", "Child and Adolescent Mental Health Service", "health", "3F", False, "camhs", "health"),
    ("school-oak", "Oakfield Primary School", "education", "2A", False, "", ""),
    ("school-ash", "Ashgrove Academy", "education", "2A", False, "", ""),
    ("probation", "Probation Service", "probation", "7", False, "", ""),
    ("yjs", "Youth Justice Service", "youth_justice", "5B", False, "", ""),
    ("housing", "Housing Options Service", "housing", "4", False, "", ""),
    ("early-help", "Early Help Service", "early_help", "5D", False, "", ""),
    ("asc", "Adult Social Care", "asc", "5A", False, "", ""),
    ("da-service", "Safer Homes Domestic Abuse Service", "domestic_abuse", "8", False, "", ""),
]

# Agencies that refer and are asked for information (each has a referrer and a researcher).
PARTNER_CODES = [a[0] for a in AGENCIES if a[0] not in ("mash", "csc", "health")]

TEAMS = {
    "mash": "MASH",
    "csc": "Assessment team",
    "police": "Public Protection Unit",
    "school-oak": "Safeguarding",
    "school-ash": "Safeguarding",
}

JOB_TITLES = {
    "police": "Police constable",
    "health-gp": "GP",
    "health-acute": "Emergency department nurse",
    "health-hv": "Health visitor",
    "health-sn": "School nurse",
    "health-midwifery": "Community midwife",
    "health-camhs": "CAMHS practitioner",
    "school-oak": "Designated safeguarding lead",
    "school-ash": "Designated safeguarding lead",
    "probation": "Probation officer",
    "yjs": "Youth justice worker",
    "housing": "Housing officer",
    "early-help": "Family support worker",
    "asc": "Adult social worker",
    "da-service": "Independent domestic violence adviser",
}


#: Demo users added after the first demo partnership (the fourth and fifth screeners): their display names come from
#: a Faker of their own (DemoSeeder.users), so every other name in the synthetic partnership stays as it was.
LATER_DEMO_USERS = frozenset({"mash.screener4", "mash.screener5"})


def demo_users() -> list[tuple[str, str, str, str, str]]:
    """(username, agency code, role, team, job title) for every demo user."""
    users = [
        ("mash.screener1", "mash", "screener", "MASH screening", "Senior practitioner"),
        ("mash.screener2", "mash", "screener", "MASH screening", "Social worker"),
        ("mash.screener3", "mash", "screener", "MASH screening", "Social worker"),
        # five screeners and two managers: the hub of "a Monday of 60 contacts" (practitioner review)
        ("mash.screener4", "mash", "screener", "MASH screening", "Social worker"),
        ("mash.screener5", "mash", "screener", "MASH screening", "Senior social worker"),
        ("mash.manager", "mash", "manager", "MASH management", "MASH team manager"),
        ("mash.manager2", "mash", "manager", "MASH management", "Practice manager"),
        ("admin", "mash", "partnership_admin", "", "Partnership business manager"),
        # a second admin, so dual control of role grants (one admin asks, another approves) works in the demo
        ("admin2", "mash", "partnership_admin", "", "Partnership systems officer"),
        ("auditor", "mash", "auditor", "", "Information governance officer"),
        # reviews break-glass alerts and views without an involvement; subject access exports (issue 7)
        ("privacy", "mash", "privacy_officer", "", "Privacy officer (Caldicott guardian's office)"),
    ]
    users += [(f"csc.socialworker{i}", "csc", "social_worker", "Assessment team", "Social worker") for i in range(1, 5)]
    for code in PARTNER_CODES:
        team = TEAMS.get(code, "Safeguarding")
        users.append((f"{code}.referrer", code, "referrer", team, JOB_TITLES[code]))
        if code == "police":
            users.append(("police.referrer2", "police", "referrer", "Response", "Police constable"))
        users.append((f"{code}.researcher", code, "researcher", team, "Safeguarding researcher"))
    return users


# Concern codes (CIN assessment factors) each kind of referrer tends to raise.
CONCERNS_BY_AGENCY = {
    "police": ["3A", "3B", "18C", "10A", "24A", "13A", "2B", "1B", "11A"],
    "health-gp": ["4B", "1B", "2B", "16A", "6B", "4A"],
    "health-acute": ["18C", "15A", "1A", "2A", "16A"],
    "health-hv": ["16A", "4B", "3B", "17A"],
    "health-sn": ["16A", "4A", "15A", "17A"],
    "health-midwifery": ["2B", "3B", "4B", "16A"],
    "health-camhs": ["15A", "4A", "17A", "11A"],
    "school-oak": ["16A", "17A", "18C", "3A", "10A"],
    "school-ash": ["16A", "15A", "11A", "24A", "10A", "14A"],
    "probation": ["3C", "2C", "3B", "1C"],
    "yjs": ["24A", "13A", "10A", "14A", "2A"],
    "housing": ["16A", "20", "3B", "1B"],
    "early-help": ["16A", "5B", "4B", "7A"],
    "asc": ["4B", "5B", "6B", "7A"],
    "da-service": ["3A", "3B", "17A"],
    "mash": ["16A", "17A", "18C", "1B", "3B"],
}

CONCERN_SENTENCES = {
    "1A": "The young person was brought in intoxicated and could not say where they had been.",
    "1B": "A parent was described as drunk while caring for the children on several recent occasions.",
    "1C": "An adult in the household is known to drink heavily and becomes aggressive.",
    "2A": "The young person disclosed regular cannabis use and has been found with pills.",
    "2B": "Drug paraphernalia was seen in the home within reach of the children.",
    "2C": "A lodger in the household is understood to be dealing from the address.",
    "3A": "The child described hiding upstairs while the adults shouted and something was broken.",
    "3B": "Officers attended a domestic incident at the family home overnight; the children were present.",
    "3C": "A recently released partner with a history of domestic abuse has moved back into the household.",
    "4A": "The young person has been low in mood and has spoken about not wanting to be here.",
    "4B": "A parent's mental health has deteriorated and they have stopped taking prescribed medication.",
    "5B": "A parent with a learning disability is struggling to manage the baby's feeds and routines.",
    "6B": "A parent's illness means the children are often left to care for themselves.",
    "7A": "The child is caring for a parent and is regularly missing school as a result.",
    "10A": "The young person has been reported missing three times in the last month.",
    "11A": "The young person has been seen getting into cars with older males after school.",
    "13A": "The young person has been linked to a local group involved in violence and knife carrying.",
    "14A": "There have been several incidents of aggressive behaviour towards staff and other pupils.",
    "15A": "Fresh cuts were seen on the young person's forearms.",
    "16A": "The children often arrive hungry, in unwashed clothes, and missed health appointments are mounting up.",
    "17A": "Staff have heard a parent repeatedly belittle and threaten the child at collection time.",
    "18C": "The child has bruising to the upper arm and said an adult grabbed them.",
    "20": "The family are living in one room of a temporary address with damp and no cooking facilities.",
    "24A": "The young person has unexplained money, new phones and has been found far from home.",
}

CONTEXT_BY_AGENCY = {
    "police": "A DASH risk assessment was completed at the scene.",
    "health-gp": "The concern came to light at a routine appointment.",
    "health-acute": "The explanation given for the injury did not match its pattern.",
    "health-hv": "Seen at a home visit by the health visiting team.",
    "health-sn": "Raised at a school nurse drop-in session.",
    "health-midwifery": "Noted at an antenatal booking appointment.",
    "health-camhs": "Disclosed during a CAMHS assessment session.",
    "school-oak": "Recorded by the class teacher and passed to the DSL the same day.",
    "school-ash": "Recorded by the head of year and passed to the DSL.",
    "probation": "Identified during supervision of an adult in the household.",
    "yjs": "Raised by the young person's youth justice worker.",
    "housing": "Seen during a housing inspection visit.",
    "early-help": "The family are open to early help and the situation has worsened.",
    "asc": "Identified while assessing the adult's care needs.",
    "da-service": "Disclosed to an IDVA during safety planning.",
    "mash": "Telephone call to the front door.",
}

SCREENING_RATIONALE = {
    "nfa_advice": "Single low-level concern with protective factors; advice given to the referrer.",
    "early_help": "Needs are additional rather than complex; family agree to early help support.",
    "mash_enquiry": "Multi-agency information needed to understand risk before deciding the response.",
    "strategy": "Reasonable cause to suspect significant harm; strategy discussion convened today.",
    "allocated_worker": "Child is open to an allocated social worker; passed to them for action.",
    "add_to_enquiry": "Same incident as the MASH enquiry already open for this child: added to it, not started again.",
}

RESPONSE_SUMMARIES = {
    "police": "Two domestic incidents recorded at the address in the last year; no current bail conditions.",
    "health-gp": "Registered with the practice; missed immunisations and two missed appointments this year.",
    "health-acute": "One attendance at the emergency department last year with a minor head injury.",
    "health-hv": "Universal plus caseload; mother's low mood noted at the last contact.",
    "health-sn": "Seen at a drop-in for headaches and worries about home.",
    "health-midwifery": "Booked late in pregnancy; one missed antenatal appointment.",
    "health-camhs": "Referral received last year and closed after no engagement.",
    "school-oak": "Attendance 86% this term; often late and hungry; no previous safeguarding log entries.",
    "school-ash": "Attendance 79%; two fixed-term suspensions; DSL has logged three concerns this term.",
    "probation": "An adult in the household is subject to licence for a violent offence.",
    "yjs": "Young person completed an out-of-court disposal last year.",
    "housing": "Family in temporary accommodation; rent arrears; one complaint from neighbours.",
    "early-help": "Previous early help episode closed eight months ago with goals partly met.",
    "asc": "Parent known to adult services for mental health support; care plan in place.",
    "da-service": "Mother supported by an IDVA after a high-risk MARAC last year.",
}

RISK_BY_AGENCY = {
    "police": ["domestic_abuse", "violence", "offending"],
    "health-gp": ["non_attendance", "mental_health"],
    "health-acute": ["injury", "substance_misuse"],
    "health-hv": ["neglect", "mental_health"],
    "health-sn": ["mental_health"],
    "health-midwifery": ["non_attendance", "substance_misuse"],
    "health-camhs": ["mental_health"],
    "school-oak": ["non_attendance", "neglect"],
    "school-ash": ["non_attendance", "missing", "exploitation"],
    "probation": ["offending", "violence"],
    "yjs": ["offending", "exploitation"],
    "housing": ["neglect"],
    "early-help": ["neglect"],
    "asc": ["mental_health"],
    "da-service": ["domestic_abuse"],
}

# Decision outcome sets with their threshold level and relative frequency.
DECISIONS = [
    (["nfa"], 1, 12),
    (["information_advice"], 1, 14),
    (["early_help"], 2, 26),
    (["referral_other_service", "information_advice"], 2, 8),
    (["assessment_s17"], 3, 26),
    (["strategy_s47"], 4, 9),
    (["strategy_s47", "police_action"], 4, 5),
]

DECISION_RATIONALE = {
    1: "Information from partners does not indicate unmet need beyond universal services.",
    2: "Additional needs identified; consent obtained for coordinated early help.",
    3: "Complex needs and cumulative concerns; a child and family assessment is needed.",
    4: "Partner information indicates risk of significant harm; strategy discussion and s47 enquiry.",
}

__all__ = [
    "AGENCIES",
    "PARTNER_CODES",
    "demo_users",
    "CONCERNS_BY_AGENCY",
    "CONCERN_SENTENCES",
    "CONTEXT_BY_AGENCY",
    "SCREENING_RATIONALE",
    "RESPONSE_SUMMARIES",
    "RISK_BY_AGENCY",
    "DECISIONS",
    "DECISION_RATIONALE",
]
