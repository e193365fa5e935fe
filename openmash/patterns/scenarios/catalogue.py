"""The scenario catalogue, part one: cumulative neglect, domestic abuse, babies, hidden men, exploitation.

Each concerning scenario (code CNnn) has a matched benign twin (BNnn) whose events look alike but are explained
in the records; TRnn are do-not-merge traps. Every person is synthetic (names chosen for this catalogue, no real
person), dates are days before the scenario's as_of date, identifiers are derived deterministically (model.py).

Written from what practitioners record and what the published reviews describe, never from any rule engine's
wording. The review each theme comes from is in the scenario's ``source`` (and README.md).
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.model import BENIGN, CONCERNING, Home, Scenario, ScenarioBuilder

AS_OF = dt.date(2026, 9, 30)

SRC_NEGLECT = (
    "Ofsted, 'In the child's time: professional responses to neglect' (2014) and NSPCC learning from case "
    "reviews on neglect: missed appointments, poor home conditions and low-level concerns never added up"
)
SRC_DA = (
    "Child Safeguarding Practice Review Panel annual reports (2020-2023) and NSPCC learning from case reviews on "
    "domestic abuse: repeated police call-outs, each graded standard risk, escalating to serious harm"
)
SRC_NONMOBILE = (
    "Local bruising-in-non-mobile-infants protocols adopted after serious case reviews, NICE CG89 'Child "
    "maltreatment: when to suspect', and the Panel's review of non-accidental injury in babies under one (2022)"
)
SRC_MEN = "Child Safeguarding Practice Review Panel, 'The myth of invisible men' (2021)"
SRC_CCE = "Child Safeguarding Practice Review Panel, 'It was hard to escape: safeguarding children at risk from criminal exploitation' (2020)"  # noqa: E501
SRC_CSE = (
    "Jay, 'Independent inquiry into child sexual exploitation in Rotherham' (2014) and the Oxfordshire serious "
    "case review 'Bullfinch' (2015)"
)
SRC_CME = (
    "Serious case reviews of Khyra Ishaq (Birmingham, 2010) and Dylan Seabridge (Wales, 2016): children missing "
    "education and health, unseen by any professional"
)
SRC_FII = (
    "RCPCH, 'Perplexing presentations (PP) / fabricated or induced illness (FII) in children' (2021): repeated "
    "presentations at different hospitals, reported symptoms never observed"
)
SRC_PREBIRTH = (
    "Child Safeguarding Practice Review Panel, reviews of non-accidental injury in babies under one (2022) and "
    "pre-birth assessment learning: late booking, missed antenatal care, domestic abuse and substance misuse"
)
SRC_PMH = (
    "Brandon et al., biennial analyses of serious case reviews (2009-2020): parental mental ill health and young carers"  # noqa: E501
)
SRC_SELFHARM = (
    "NSPCC learning from case reviews on suicide and self-harm, and the Panel's annual reports on adolescents: "
    "self-harm with missing episodes and CAMHS referrals not accepted"
)
SRC_FGM = "HM Government, 'Multi-agency statutory guidance on female genital mutilation' (2016, updated 2020)"
SRC_SCREENED = (
    "Child Safeguarding Practice Review Panel, national review into the murders of Arthur Labinjo-Hughes and "
    "Star Hobson (2022): repeated contacts, including relatives' concerns, screened out one at a time"
)
SRC_RADICAL = "Prevent duty guidance (2023) and the Independent Review of Prevent (Shawcross, 2023)"
SRC_PRIVFOST = (
    "Lord Laming, 'The Victoria Climbié Inquiry' (2003): a child living with a non-parent, private fostering "
    "never notified"
)
SRC_ONLINE = "NSPCC learning from case reviews on online abuse; the Panel's annual report 2022-23 on online harm"
SRC_TRA = "NSPCC learning from case reviews: teenage relationship abuse, and the Domestic Abuse Act 2021"
SRC_DISABLED = (
    "Child Safeguarding Practice Review Panel, 'Safeguarding children with disabilities and complex health needs "
    "in residential settings' (2022) and 'was not brought' learning from local reviews"
)
SRC_TOXIC = "Brandon et al., 'Understanding serious case reviews and their impact' (2009): the 'toxic trio'"
SRC_SUBSTANCE = (
    "Advisory Council on the Misuse of Drugs, 'Hidden Harm' (2003), and local reviews on parental substance misuse"  # noqa: E501
)
SRC_HOUSING = (
    "National Child Mortality Database and local reviews of children in temporary accommodation (2022-2024): "
    "frequent moves, lost health visiting and school transfers"
)
SRC_SIBLING = (
    "Brandon et al. biennial reviews and the Arthur/Star national review (2022): a sibling of a child on a child "
    "protection plan, the new baby not considered"
)
SRC_OLDERNEG = "Ofsted, 'Growing up neglected: a multi-agency response to older children' (2018)"
SRC_CSA = (
    "Children's Commissioner, 'Protecting children from harm' (2015) and the Panel's 'I wanted them all to "
    "notice' (2024): child sexual abuse in the family environment"
)
SRC_TRAFFICK = "Modern Slavery Act 2015 statutory guidance and the Panel's 'It was hard to escape' (2020)"
SRC_VIOLENCE = "Child Safeguarding Practice Review Panel, 'It was hard to escape' (2020): serious youth violence"
SRC_ARTHUR = "National review into the murders of Arthur Labinjo-Hughes and Star Hobson (2022)"
SRC_MERGE = "Issue 8 contract: never merge two children to make a pattern; a flag on a wrong merge is worse than none"

C, B = CONCERNING, BENIGN


def _b(code, theme, source, kind, twin="", as_of=AS_OF) -> ScenarioBuilder:
    return ScenarioBuilder(code, theme, source, kind, as_of, twin)


# ---------------------------------------------------------------------------------------------------------------
# 1 Cumulative neglect (toddler)
def cn01() -> Scenario:
    b = _b("CN01", "cumulative neglect", SRC_NEGLECT, C, "BN01")
    h = Home("27", "Cowick Lane", "Exeter", "EX2 9HF")
    kid = b.person("child", "Kayleigh", "Marsh", age=(3, 40), sex="F", home=h)
    mum = b.adult("mother", "Donna", "Marsh", age=(27, 11), sex="F", home=h)
    hv = b.record("hv", kid, given="Kayley")
    b.event(hv, 170, "Was Not Brought (WNB)", "2.5 year review. Not brought, no contact from mum. Letter sent.")
    b.event(hv, 120, "No access visit", "Home visit, no answer although TV on inside. Card left.")
    b.event(
        hv,
        60,
        "Health visit",
        "Seen at home. Strong smell of cat urine, little food in the fridge, Kayley in "
        "a wet nappy and grubby clothes. Speech delay noted. Mum says she is coping.",
    )
    nur = b.record("school", kid)
    b.event(
        nur,
        95,
        "DSL note",
        "Nursery: Kayleigh arrived hungry again, ate three breakfasts. Same clothes all "
        "week, severe nappy rash. Mum did not collect on time twice.",
    )
    b.event(nur, 30, "Attendance - unauthorised", "Attended 61% of sessions this half term, no reasons given.")
    gp = b.record("gp", kid, nhs=False)
    b.event(gp, 80, "DNA", "MMR second dose - not brought to appointment for third time.")
    pol = b.record("police", mum)
    b.event(
        pol,
        45,
        "Concern for welfare",
        "Neighbour reports toddler heard crying for hours, mother not answering. "
        "Officers attended, home conditions poor, dog faeces on floor. Child asleep in cot. Referred on.",
    )
    return b.expect(kid, ["hv", "school", "gp"])


def bn01() -> Scenario:
    b = _b("BN01", "cumulative neglect", SRC_NEGLECT, B, "CN01")
    h = Home("9", "Buddle Lane", "Exeter", "EX4 1JH")
    kid = b.person("child", "Ellie-Mae", "Tregear", age=(3, 52), sex="F", home=h)
    hv = b.record("hv", kid)
    b.event(
        hv,
        170,
        "Was Not Brought (WNB)",
        "2.5 year review - appointment cancelled by clinic (staff sickness) and rebooked. Mum aware.",
    )
    b.event(
        hv,
        120,
        "Health visit",
        "Rebooked review completed at home. Warm, clean home, good interaction. Development on track. No concerns.",
    )
    nur = b.record("school", kid)
    b.event(
        nur,
        95,
        "DSL note",
        "Nursery: Ellie-Mae had a small graze, fell in the garden at home, mum told us at drop off. No concerns.",
    )
    b.event(nur, 30, "Attendance - authorised", "Absent 3 days with chickenpox, mum phoned each morning.")
    gp = b.record("gp", kid)
    b.event(gp, 80, "GP appointment", "MMR second dose given. Well child.")
    return b.expect(None)


# 2 Domestic abuse escalation
def cn02() -> Scenario:
    b = _b("CN02", "domestic abuse escalation", SRC_DA, C, "BN02")
    h = Home("4", "Barton Road", "Torquay", "TQ1 4DW")
    kid = b.person("child", "Alexander", "Pengelly", born=dt.date(2019, 3, 8), sex="M", home=h)
    sis = b.person("sibling", "Ruby", "Pengelly", age=(2, 15), sex="F", home=h)
    pol = b.record("police", kid, given="Alex")
    b.event(
        pol,
        160,
        "Domestic incident",
        "Verbal argument between mother and partner Shane. Children present. DASH standard. No offences disclosed.",
    )
    b.event(
        pol,
        90,
        "DA incident",
        "Partner damaged front door and phone. Mother has bruise to arm, declined to "
        "support prosecution. Alex hiding upstairs. DASH medium.",
    )
    b.event(
        pol,
        12,
        "Domestic incident",
        "Mother reports partner grabbed her by the throat in front of the children. "
        "Partner arrested. DASH HIGH - MARAC referral.",
    )
    sch = b.record("school", kid, given="Sasha", swap_dob=True)
    b.event(
        sch,
        89,
        "Operation Encompass notification",
        "Police notification received. Sasha quiet and withdrawn today, said he did not sleep.",
    )
    b.event(sch, 11, "DSL note", "Sasha told TA 'Shane hurt mummy and I called 999'. Tearful, soiled himself.")
    hv = b.record("hv", sis)
    b.event(
        hv,
        70,
        "Health visit",
        "Mum disclosed arguments with partner, bruise on forearm seen, said it was "
        "from work. Routine enquiry - declined support.",
    )
    return b.expect(kid, ["police", "school"])


def bn02() -> Scenario:
    b = _b("BN02", "domestic abuse escalation", SRC_DA, B, "CN02")
    h = Home("18", "Ellacombe Road", "Torquay", "TQ1 3AR")
    kid = b.person("child", "Oscar", "Trethewey", age=(7, 210), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        160,
        "Concern for welfare",
        "Caller heard shouting. Officers attended: family watching football, "
        "loud celebration. All well, no concerns, no domestic.",
    )
    b.event(
        pol,
        12,
        "Concern for welfare - ASB",
        "Report of noise from address. Birthday party ended by 10pm on "
        "advice. Parents polite, children asleep. No further action.",
    )
    sch = b.record("school", kid)
    b.event(sch, 11, "DSL note", "Oscar tired on Monday, said he stayed up late at his sister's party. No concerns.")
    return b.expect(None)


# 3 Bruising to a non-mobile baby (single agency rule)
def cn03() -> Scenario:
    b = _b("CN03", "injury to a non-mobile baby", SRC_NONMOBILE, C, "BN03")
    h = Home("2/11", "Prince Street", "Plymouth", "PL1 2HE")
    baby = b.person("child", "Mason", "Kitto", age=92, sex="M", home=h)
    ed = b.record("ed-plh", baby, given="Maison")
    b.event(
        ed,
        6,
        "ED attendance",
        "3 month old brought by father. Two small bruises to left cheek and one to "
        "upper arm. Father says older sibling hit him with a toy. Not yet rolling.",
    )
    return b.expect(baby, ["ed-plh"], single_agency_rule=True)


def bn03() -> Scenario:
    b = _b("BN03", "injury to a non-mobile baby", SRC_NONMOBILE, B, "CN03")
    h = Home("33", "Mannamead Road", "Plymouth", "PL3 4SR")
    baby = b.person("child", "Theo", "Bolitho", age=95, sex="M", home=h)
    ed = b.record("ed-plh", baby)
    b.event(
        ed,
        6,
        "ED attendance",
        "3 month old, known haemophilia A under the haemophilia centre. Attended for "
        "routine factor VIII treatment as per care plan. No injuries seen.",
    )
    return b.expect(None)


# 4 Non-mobile baby: torn frenulum at GP, a mark seen by the health visitor
def cn04() -> Scenario:
    b = _b("CN04", "injury to a non-mobile baby", SRC_NONMOBILE, C, "BN04")
    h = Home("5", "Alma Road", "Plymouth", "PL3 4HE")
    baby = b.person("child", "Isla", "Nancarrow", age=64, sex="F", home=h)
    gp = b.record("gp", baby)
    b.event(
        gp,
        20,
        "Consultation",
        "9 week old, torn upper lip frenulum and blood in mouth. Mum says bottle was "
        "pushed in too hard by her partner. Advised.",
    )
    hv = b.record("hv", baby, given="Isla-Rose")
    b.event(
        hv,
        9,
        "Health visit",
        "Small fingertip-shaped bruise to Isla-Rose's chest. Mum unsure how it happened. Baby not rolling.",
    )
    return b.expect(baby, ["gp", "hv"], single_agency_rule=True)


def bn04() -> Scenario:
    b = _b("BN04", "injury to a non-mobile baby", SRC_NONMOBILE, B, "CN04")
    h = Home("71", "Lipson Road", "Plymouth", "PL4 8RF")
    baby = b.person("child", "Aurora", "Rowse", age=66, sex="F", home=h)
    gp = b.record("gp", baby)
    b.event(gp, 20, "Consultation", "9 week old, tongue tie assessment. Feeding well, weight on 50th centile.")
    hv = b.record("hv", baby)
    b.event(
        hv,
        9,
        "Health visit",
        "Blue-grey patch over sacrum, congenital dermal melanocytosis (Mongolian blue "
        "spot), documented in red book at birth. No bruising. Thriving.",
    )
    return b.expect(None)


# 5 Hidden male carer with violent offending
def cn05() -> Scenario:
    b = _b("CN05", "hidden male carer joining the household", SRC_MEN, C, "BN05")
    h = Home("14", "Hele Road", "Torquay", "TQ2 7PU")
    kid = b.person("child", "Lacey", "Chenoweth", age=(1, 120), sex="F", home=h)
    b.adult("mother", "Jade", "Chenoweth", age=(23, 20), sex="F", home=h)
    man = b.adult(
        "partner", "Dean", "Carveth", age=(34, 140), sex="M", home=Home("7", "Warbro Road", "Torquay", "TQ1 3PP")
    )
    pr = b.record("probation", man, pnc=True, home=h)
    b.event(
        pr,
        75,
        "Change of address notified",
        "Dean reports he now lives at 14 Hele Road with his girlfriend and "
        "her baby. Licence for wounding with intent (previous partner). Home visit not yet done.",
    )
    pol = b.record("police", man, pnc=True, home=h)
    b.event(
        pol,
        40,
        "Intelligence report",
        "Carveth seen leaving 14 Hele Rd early morning on several occasions. "
        "History of DA against two previous partners, one with a child.",
    )
    hv = b.record("hv", kid, dob="")
    b.event(
        hv,
        30,
        "Health visit",
        "Mum says she is single. Men's work boots and a large jacket in the hall. Mum "
        "anxious, kept looking at the stairs. Lacey has a small bruise to her ear, mum says she fell.",
    )
    return b.expect(kid, ["probation", "hv"])


def bn05() -> Scenario:
    b = _b("BN05", "hidden male carer joining the household", SRC_MEN, B, "CN05")
    h = Home("3", "Babbacombe Road", "Torquay", "TQ1 1HJ")
    kid = b.person("child", "Evie", "Pascoe", age=(1, 140), sex="F", home=h)
    hv = b.record("hv", kid)
    b.event(
        hv,
        75,
        "Health visit",
        "Mum's new partner Tom present, supportive, works as a carpenter. Lovely "
        "interaction with Evie. Routine enquiry: no domestic abuse. No concerns.",
    )
    b.event(
        hv,
        30,
        "Developmental review",
        "15 month review. Walking, babbling, up to date with immunisations. "
        "Small bruise to shin from a fall at toddler group, witnessed by staff.",
    )
    return b.expect(None)


# 6 Child criminal exploitation / county lines
def cn06() -> Scenario:
    b = _b("CN06", "child criminal exploitation (county lines)", SRC_CCE, C, "BN06")
    h = Home("62", "Wolseley Road", "Plymouth", "PL2 3BJ")
    kid = b.person("child", "Tyler", "Jago", age=(15, 80), sex="M", home=h)
    pol = b.record("police", kid, pnc=True)
    b.event(
        pol,
        130,
        "Missing person",
        "Reported missing by mum. Found 3 days later in a flat in Bristol with two "
        "adult males. Would not say how he got there.",
    )
    b.event(
        pol,
        70,
        "Stop and search",
        "Stopped near station with GBP 640 cash, two phones and cling film. Refused to answer. NFA.",
    )
    b.event(pol, 25, "MISPER - high risk", "Missing again overnight. Returned with a new jacket and cut to hand.")
    sch = b.record("school", kid, given="Ty")
    b.event(sch, 100, "Suspension", "5 day suspension: brought a knife into school. Said he needed it for protection.")
    b.event(sch, 40, "Attendance - unauthorised", "Attendance 38% this term. Seen in town during school hours.")
    ed = b.record("ed-plh", kid, nhs=False)
    b.event(
        ed,
        24,
        "ED attendance",
        "15yo with laceration to right palm. Says he fell on glass. Vague, phone ringing constantly.",
    )
    return b.expect(kid, ["police", "school", "ed-plh"])


def bn06() -> Scenario:
    b = _b("BN06", "child criminal exploitation (county lines)", SRC_CCE, B, "CN06")
    h = Home("8", "Beaumont Road", "Plymouth", "PL4 9BE")
    kid = b.person("child", "Harvey", "Tonkin", age=(15, 95), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        130,
        "Missing person",
        "Reported late home by dad. Returned within the hour - phone battery died at "
        "a friend's house. Return interview: no concerns, no exploitation indicators.",
    )
    sch = b.record("school", kid)
    b.event(sch, 40, "Attendance - authorised", "Absent for regional rugby trials, authorised by head teacher.")
    ed = b.record("ed-plh", kid)
    b.event(ed, 24, "ED attendance", "Sprained ankle at rugby training, coach present. X-ray normal.")
    return b.expect(None)


# 7 Child sexual exploitation
def cn07() -> Scenario:
    b = _b("CN07", "child sexual exploitation", SRC_CSE, C, "BN07")
    h = Home("19", "Sidwell Street", "Exeter", "EX4 6NN")
    kid = b.person("child", "Chantelle", "Polglase", age=(14, 45), sex="F", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        110,
        "Missing person",
        "Missing overnight. Found at 03:00 in a car with two men in their twenties, "
        "smelled of alcohol. Men gave false names.",
    )
    b.event(
        pol,
        35,
        "Child sexual exploitation concern",
        "Taxi driver reports dropping the girl at a hotel with an "
        "older male. She has a new phone and expensive nails mum cannot explain.",
    )
    sh = b.record("gp", kid, given="Shantelle")
    b.event(
        sh,
        60,
        "Consultation",
        "14yo requesting emergency contraception. Says boyfriend is 'older'. Would not "
        "give his age. Chlamydia test positive.",
    )
    sch = b.record("school", kid)
    b.event(sch, 50, "DSL note", "Picked up from school gate by different men in cars. Absent most afternoons.")
    return b.expect(kid, ["police", "gp", "school"])


def bn07() -> Scenario:
    b = _b("BN07", "child sexual exploitation", SRC_CSE, B, "CN07")
    h = Home("40", "Pinhoe Road", "Exeter", "EX4 7HS")
    kid = b.person("child", "Hollie", "Trevaskis", age=(14, 60), sex="F", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        110,
        "Missing person",
        "Did not come home after cinema. Located at her aunt's house 40 minutes "
        "later; aunt had texted mum but message not received. All well.",
    )
    gp = b.record("gp", kid)
    b.event(gp, 60, "Consultation", "14yo with mum, period pain. Advised simple analgesia. No concerns.")
    sch = b.record("school", kid)
    b.event(sch, 50, "DSL note", "Hollie collected early by her grandfather for orthodontist, parent letter on file.")
    return b.expect(None)


# 8 Children missing education and health
def cn08() -> Scenario:
    b = _b("CN08", "children missing education and health", SRC_CME, C, "BN08")
    h = Home("3", "Fore Street", "Bideford", "EX39 2AB")
    kid = b.person("child", "Reuben", "Hocking", age=(8, 30), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(sch, 200, "Attendance - unauthorised", "Absent 3 weeks, no contact. Home visit no answer.")
    b.event(
        sch,
        150,
        "Off-rolled / elective home education",
        "Mother emailed to say she will home educate. Reuben not seen before removal from roll.",
    )
    b.event(
        sch,
        60,
        "Child missing education",
        "EHE officer: two visits refused, no evidence of education provided. Family may have moved.",
    )
    gp = b.record("gp", kid, nhs=False)
    b.event(gp, 180, "Was not brought", "Asthma review - not brought. Third missed review. Inhaler not collected.")
    b.event(gp, 90, "DNA", "Dental and asthma recall letters returned 'not known at this address'.")
    return b.expect(kid, ["school", "gp"])


def bn08() -> Scenario:
    b = _b("BN08", "children missing education and health", SRC_CME, B, "CN08")
    h = Home("21", "Mill Street", "Bideford", "EX39 2JT")
    kid = b.person("child", "Finley", "Angove", age=(8, 45), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        150,
        "Off-rolled / elective home education",
        "Parents elected to home educate; met EHE officer "
        "with a clear plan and curriculum. Finley seen and spoken to, happy.",
    )
    b.event(sch, 60, "DSL note", "EHE annual visit: good provision, Finley attends forest school and swimming club.")
    gp = b.record("gp", kid)
    b.event(
        gp,
        90,
        "Was not brought",
        "Asthma review cancelled by practice (nurse on leave) and rebooked; attended "
        "the following week, well controlled.",
    )
    return b.expect(None)


SCENARIOS = [cn01, bn01, cn02, bn02, cn03, bn03, cn04, bn04, cn05, bn05, cn06, bn06, cn07, bn07, cn08, bn08]
