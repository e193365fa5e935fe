"""The scenario catalogue, part two: pre-birth risk, parents' difficulties, housing, siblings, repeat contacts,
fabricated illness, disabled children, FGM, private fostering, injuries with domestic abuse, sexual abuse.
See catalogue.py for the conventions."""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import (
    SRC_ARTHUR,
    SRC_CSA,
    SRC_DISABLED,
    SRC_FGM,
    SRC_FII,
    SRC_HOUSING,
    SRC_PMH,
    SRC_PREBIRTH,
    SRC_PRIVFOST,
    SRC_SCREENED,
    SRC_SIBLING,
    SRC_SUBSTANCE,
    SRC_TOXIC,
    B,
    C,
    _b,
)
from openmash.patterns.scenarios.model import Home, Scenario


# 9 Pre-birth risk, adult mother (the unborn baby's only records are the mother's: the flag is on her records)
def cn09() -> Scenario:
    b = _b("CN09", "pre-birth risk (pregnancy, domestic abuse, substance misuse)", SRC_PREBIRTH, C, "BN09")
    h = Home("6", "Chapel Street", "Ilfracombe", "EX34 9AL")
    mum = b.adult("mother", "Kirsty", "Trebilcock", age=(24, 100), sex="F", home=h)
    mw = b.record("midwifery", mum, given="Kirstie")
    b.event(
        mw,
        80,
        "Antenatal booking",
        "Late booking at 27 weeks, first pregnancy known to services. Disclosed "
        "daily cannabis and occasional cocaine use. Partner attended and answered for her.",
    )
    b.event(mw, 40, "Missed antenatal appointment", "Did not attend growth scan. Phone switched off.")
    pol = b.record("police", mum)
    b.event(
        pol,
        55,
        "DA incident",
        "Pregnant female pushed down the stairs by partner, refused to attend hospital. DASH high, MARAC referral.",
    )
    sms = b.record("sms", mum, nhs=False)
    b.event(
        sms,
        30,
        "Treatment exit - dropped out",
        "Disengaged from drug treatment after two sessions. Pregnant, due in 10 weeks.",
    )
    return b.expect(mum, ["midwifery", "police", "sms"])


def bn09() -> Scenario:
    b = _b("BN09", "pre-birth risk (pregnancy, domestic abuse, substance misuse)", SRC_PREBIRTH, B, "CN09")
    h = Home("15", "Wilder Road", "Ilfracombe", "EX34 9AR")
    mum = b.adult("mother", "Gemma", "Penrose", age=(29, 30), sex="F", home=h)
    mw = b.record("midwifery", mum)
    b.event(
        mw,
        180,
        "Antenatal booking",
        "Booked at 9 weeks. Routine enquiry about domestic abuse: no concerns. Non-smoker, no alcohol or drugs.",
    )
    b.event(
        mw,
        40,
        "Antenatal appointment",
        "Growth scan moved to the following week at the unit's request; attended, normal growth.",
    )
    return b.expect(None)


# 10 Pre-birth risk, a 16-year-old who is herself a child
def cn10() -> Scenario:
    b = _b("CN10", "pre-birth risk (a pregnant child)", SRC_PREBIRTH, C, "BN10")
    h = Home("22", "Queen Street", "Newton Abbot", "TQ12 2EH")
    girl = b.person("child", "Kayla", "Rosewarne", age=(16, 70), sex="F", home=h)
    mw = b.record("midwifery", girl)
    b.event(
        mw,
        60,
        "Antenatal booking",
        "16yo booking at 22 weeks. Partner is 23. Smokes cannabis daily. Says "
        "partner checks her phone and decides who she sees.",
    )
    pol = b.record("police", girl, given="Kaila")
    b.event(
        pol,
        20,
        "Domestic incident",
        "16yo female, pregnant, assaulted by 23yo boyfriend at his flat. Injury to face. She withdrew her statement.",
    )
    sch = b.record("school", girl)
    b.event(sch, 45, "Attendance - unauthorised", "Not attended college placement for 5 weeks.")
    return b.expect(girl, ["midwifery", "police"])


def bn10() -> Scenario:
    b = _b("BN10", "pre-birth risk (a pregnant child)", SRC_PREBIRTH, B, "CN10")
    h = Home("5", "Wolborough Street", "Newton Abbot", "TQ12 1JQ")
    girl = b.person("child", "Megan", "Kessell", age=(17, 300), sex="F", home=h)
    mw = b.record("midwifery", girl)
    b.event(
        mw,
        150,
        "Antenatal booking",
        "17yo booked at 10 weeks with her mum and partner (18, same year at "
        "college). Supportive family. No substance use. Routine enquiry: no domestic abuse.",
    )
    b.event(mw, 20, "Antenatal appointment", "Attended with partner. All well.")
    sch = b.record("school", girl)
    b.event(sch, 45, "Attendance - authorised", "College: authorised absence for antenatal appointment.")
    return b.expect(None)


# 11 Parental mental ill health, young carer
def cn11() -> Scenario:
    b = _b("CN11", "parental mental ill health", SRC_PMH, C, "BN11")
    h = Home("12", "Raleigh Road", "Exmouth", "EX8 2SB")
    kid = b.person("child", "Muhammad", "Rahman", age=(10, 10), sex="M", home=h)
    mum = b.adult("mother", "Nasreen", "Rahman", age=(38, 60), sex="F", home=h)
    amh = b.record("amh", mum)
    b.event(
        amh,
        100,
        "Crisis team contact",
        "Mother relapsed, stopped medication, paranoid beliefs about "
        "neighbours. Lives with her 10yo son, no other adult.",
    )
    pol = b.record("police", mum)
    b.event(
        pol,
        50,
        "Section 136",
        "Female detained under s136 on Exmouth seafront at 23:00. Her 10yo son was at "
        "home alone and was taken to a neighbour.",
    )
    sch = b.record("school", kid, given="Mohammed")
    b.event(
        sch,
        80,
        "Attendance - late",
        "Late 14 times this half term. Mohammed says he has to get mum up and make breakfast.",
    )
    b.event(sch, 45, "DSL note", "Mohammed very tired, said mum 'hears voices' and he stays awake to look after her.")
    return b.expect(kid, ["school", "police"])


def bn11() -> Scenario:
    b = _b("BN11", "parental mental ill health", SRC_PMH, B, "CN11")
    h = Home("30", "Salterton Road", "Exmouth", "EX8 2EF")
    kid = b.person("child", "Yusuf", "Begum", age=(10, 25), sex="M", home=h)
    mum = b.adult("mother", "Shirin", "Begum", age=(40, 10), sex="F", home=h)
    amh = b.record("amh", mum)
    b.event(
        amh,
        100,
        "Outpatient review",
        "Anxiety well managed on medication. Husband and extended family supportive. Son thriving.",
    )
    sch = b.record("school", kid)
    b.event(sch, 80, "Attendance - late", "Late twice after dental appointments, letters provided.")
    return b.expect(None)


# 12 The "toxic trio": domestic abuse, mental ill health, substance misuse
def cn12() -> Scenario:
    b = _b("CN12", "domestic abuse, parental mental ill health and substance misuse", SRC_TOXIC, C, "BN12")
    h = Home("44", "Station Road", "Barnstaple", "EX31 2AU")
    kid = b.person("child", "Archie", "Prowse", age=(4, 150), sex="M", home=h)
    mum = b.adult("mother", "Stacey", "Prowse", age=(26, 40), sex="F", home=h)
    dad = b.adult("father", "Lee", "Prowse", age=(30, 200), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        140,
        "Domestic incident",
        "Father drunk, smashed TV. Mother with scratch to neck. Archie (4) in the room, crying. DASH medium.",
    )
    sms = b.record("sms", dad)
    b.event(sms, 100, "Treatment entry", "Alcohol dependent, drinking 20 units a day. Lives with partner and son.")
    gp = b.record("gp", mum)
    b.event(
        gp,
        60,
        "Consultation",
        "Low mood, passive suicidal thoughts, started sertraline. Says partner drinks and 'kicks off'. Has a 4yo.",
    )
    nur = b.record("school", kid)
    b.event(
        nur,
        30,
        "DSL note",
        "Nursery: Archie re-enacting shouting and hitting in play, flinches when adults raise voices.",
    )
    return b.expect(kid, ["police", "school"])


def bn12() -> Scenario:
    b = _b("BN12", "domestic abuse, parental mental ill health and substance misuse", SRC_TOXIC, B, "CN12")
    h = Home("9", "Victoria Road", "Barnstaple", "EX32 9HP")
    kid = b.person("child", "Alfie", "Moyle", age=(4, 160), sex="M", home=h)
    mum = b.adult("mother", "Laura", "Moyle", age=(31, 40), sex="F", home=h)
    gp = b.record("gp", mum)
    b.event(
        gp,
        60,
        "Consultation",
        "Postnatal depression in remission; stopping medication with GP support. "
        "Partner supportive. Alcohol: occasional glass of wine.",
    )
    nur = b.record("school", kid)
    b.event(
        nur,
        30,
        "DSL note",
        "Nursery: Alfie upset at drop-off this week as dad away with work. Settled quickly. No concerns.",
    )
    return b.expect(None)


# 13 Parental substance misuse and school absence
def cn13() -> Scenario:
    b = _b("CN13", "parental substance misuse with school absence", SRC_SUBSTANCE, C, "BN13")
    h = Home("2", "Union Road", "Crediton", "EX17 3AL")
    kid = b.person("child", "Kayden", "Brokenshire", age=(9, 110), sex="M", home=h)
    mum = b.adult("mother", "Leanne", "Brokenshire", age=(33, 10), sex="F", home=h)
    sch = b.record("school", kid, given="Kaiden")
    b.event(sch, 120, "Persistent absence", "Attendance 71%. Frequently late, often no lunch, uniform unwashed.")
    b.event(
        sch,
        65,
        "DSL note",
        "Mum arrived to collect appearing intoxicated, slurring, could not stand steadily. "
        "Grandmother called to collect instead.",
    )
    pol = b.record("police", mum)
    b.event(
        pol,
        30,
        "Concern for welfare",
        "Female found unresponsive in car outside school, suspected heroin. "
        "Naloxone given. Her 9yo son was waiting at the school gate.",
    )
    sms = b.record("sms", mum)
    b.event(sms, 90, "Treatment exit - dropped out", "Opiate user, left treatment. Children at home: one son.")
    return b.expect(kid, ["school", "police"])


def bn13() -> Scenario:
    b = _b("BN13", "parental substance misuse with school absence", SRC_SUBSTANCE, B, "CN13")
    h = Home("17", "Mill Street", "Crediton", "EX17 1EZ")
    kid = b.person("child", "Riley", "Couch", age=(9, 130), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(sch, 120, "Attendance - authorised", "Absent 5 days: authorised for grandparent's funeral in Ireland.")
    b.event(
        sch,
        65,
        "DSL note",
        "Riley sad about his grandad, talked to the school counsellor. Mum in contact with school, family supportive.",
    )
    return b.expect(None)


# 14 Housing instability and lost contact
def cn14() -> Scenario:
    b = _b("CN14", "housing instability and lost contact", SRC_HOUSING, C, "BN14")
    old = Home("1/8", "Clarence Place", "Plymouth", "PL2 1SA")
    ta = Home("3/120", "Union Street", "Plymouth", "PL1 3NB")
    kid = b.person("child", "Darcy", "Vosper", age=(1, 60), sex="F", home=ta)
    mum = b.adult("mother", "Chloe", "Vosper", age=(21, 30), sex="F", home=ta)
    hs = b.record("housing", mum, home=old)
    b.event(hs, 170, "Eviction notice", "Section 21 served. Arrears. Mother with 1 child.")
    hs2 = b.record("housing", kid, home=ta)
    b.event(
        hs2,
        120,
        "Temporary accommodation placement",
        "Placed in B&B, one room, shared kitchen. Third move in four months.",
    )
    hv = b.record("hv", kid, home=old)
    b.event(hv, 110, "No access visit", "12 month review: family no longer at address. New address unknown.")
    b.event(hv, 40, "Was Not Brought (WNB)", "Not brought to clinic. Transfer-in record not received from other area.")
    gp = b.record("gp", kid, home=old, nhs=False)
    b.event(gp, 60, "Was not brought", "Immunisations overdue - 12 month vaccinations not given.")
    pol = b.record("police", mum, home=ta)
    b.event(
        pol,
        15,
        "Concern for welfare",
        "B&B manager reports baby crying all night, mother not answering. "
        "Mother found asleep, baby in soiled clothing. Words of advice.",
    )
    return b.expect(kid, ["housing", "hv", "gp"])


def bn14() -> Scenario:
    b = _b("BN14", "housing instability and lost contact", SRC_HOUSING, B, "CN14")
    new = Home("4", "Brandon Road", "Plymouth", "PL3 5RL")
    kid = b.person("child", "Poppy", "Skewes", age=(1, 75), sex="F", home=new)
    hs = b.record("housing", kid, home=new)
    b.event(hs, 120, "Housing transfer", "Planned transfer to larger social housing property. Tenancy sustained.")
    hv = b.record("hv", kid, home=new)
    b.event(
        hv,
        110,
        "Health visit",
        "Transfer-in received promptly. 12 month review at new home, settled, immunisations up to date.",
    )
    return b.expect(None)


# 15 Sibling of a child on a child protection plan: the new baby
def cn15() -> Scenario:
    b = _b("CN15", "sibling of a child on a child protection plan", SRC_SIBLING, C, "BN15")
    h = Home("25", "Penpethy Road", "Brixham", "TQ5 8NR")
    baby = b.person("child", "Liliana", "Carlyon", age=40, sex="F", home=h)
    bro = b.person("sibling", "Jayce", "Carlyon", age=(5, 200), sex="M", home=h)
    csc = b.record("csc", bro)
    b.event(
        csc,
        200,
        "Child protection plan",
        "Jayce subject to CP plan under neglect and physical abuse. Mother's partner is alleged perpetrator.",
    )
    mw = b.record("midwifery", baby)
    b.event(
        mw,
        39,
        "New birth notification",
        "Baby girl born at home, unplanned, no midwife present. Mother had not told services she was pregnant.",
    )
    hv = b.record("hv", baby, given="Lilly")
    b.event(hv, 20, "No access visit", "New birth visit: mother's partner refused entry at door, said baby asleep.")
    ed = b.record("ed-tor", baby)
    b.event(
        ed, 8, "A&E attendance", "5 week old, 'floppy episode' at home, now well. Delay of 6 hours before attending."
    )
    return b.expect(baby, ["csc", "midwifery", "hv", "ed-tor"])


def bn15() -> Scenario:
    b = _b("BN15", "sibling of a child on a child protection plan", SRC_SIBLING, B, "CN15")
    h = Home("6", "Bolton Street", "Brixham", "TQ5 9DE")
    baby = b.person("child", "Matilda", "Couch-Hosking", age=42, sex="F", home=h)
    mw = b.record("midwifery", baby)
    b.event(
        mw,
        41,
        "New birth notification",
        "Born at 39 weeks at Torbay, planned. Well baby. No safeguarding concerns in pregnancy.",
    )
    hv = b.record("hv", baby)
    b.event(hv, 20, "New birth visit", "Seen at home with both parents and older brother. Feeding well, no concerns.")
    ed = b.record("ed-tor", baby)
    b.event(ed, 8, "A&E attendance", "5 week old, mild bronchiolitis, brought promptly, discharged with advice.")
    return b.expect(None)


# 16 Repeated contacts screened out
def cn16() -> Scenario:
    b = _b("CN16", "repeated contacts screened out", SRC_SCREENED, C, "BN16")
    h = Home("10", "Northernhay Street", "Exeter", "EX4 3ER")
    kid = b.person("child", "Arthur", "Penhaligon", born=dt.date(2020, 8, 4), sex="M", home=h)
    csc = b.record("csc", kid)
    b.event(
        csc,
        300,
        "Contact - NFA",
        "Paternal grandmother reports bruising on Arthur's back. Father says he fell "
        "off his bike. Screened out - no further action.",
    )
    b.event(
        csc,
        190,
        "Contact - information and advice",
        "School reports Arthur losing weight and saying he is not allowed food. Advice given to school.",
    )
    b.event(
        csc,
        40,
        "Contact - screened out",
        "Uncle reports Arthur made to stand in the hallway for hours. Treated as family dispute. NFA.",
    )
    sch = b.record("school", kid, swap_dob=True)
    b.event(sch, 20, "DSL note", "Arthur has a bruise on his cheek and a cut lip. Said 'I was naughty'.")
    return b.expect(kid, ["csc", "school"])


def bn16() -> Scenario:
    b = _b("BN16", "repeated contacts screened out", SRC_SCREENED, B, "CN16")
    h = Home("2", "Pennsylvania Road", "Exeter", "EX4 6BQ")
    kid = b.person("child", "Jasper", "Trewin", age=(6, 50), sex="M", home=h)
    csc = b.record("csc", kid)
    b.event(
        csc,
        190,
        "Contact - information and advice",
        "School asked about a holiday club for Jasper; "
        "signposted to the family information service. No safeguarding concerns.",
    )
    sch = b.record("school", kid)
    b.event(sch, 20, "DSL note", "Bruise to shin, fell in the playground, witnessed, first aid given, parent informed.")
    return b.expect(None)


# 17 Fabricated or induced illness: repeat attendances at different hospitals
def cn17() -> Scenario:
    b = _b("CN17", "fabricated or induced illness", SRC_FII, C, "BN17")
    h = Home("8", "Fore Street", "Totnes", "TQ9 5RP")
    kid = b.person("child", "Amelia", "Pollard", born=dt.date(2020, 5, 11), sex="F", home=h)
    e1 = b.record("ed-rde", kid)
    b.event(
        e1, 150, "ED attendance", "Mother reports seizures at home, none witnessed by staff. Normal EEG. Discharged."
    )
    e2 = b.record("ed-tor", kid, given="Millie", nhs=False)
    b.event(
        e2,
        110,
        "A&E attendance",
        "Mother reports 'vomiting blood'. No blood seen, bloods normal. Mother asking for a feeding tube.",
    )
    e3 = b.record("ed-plh", kid, swap_dob=True)
    b.event(
        e3,
        70,
        "ED attendance",
        "Reported collapse and seizures. Child well and playful on the ward. Mother "
        "did not mention previous attendances at other hospitals.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        50,
        "Attendance - authorised",
        "Absent 40% of the term, mother reports illness; no medical "
        "evidence. Mother says Amelia must use a wheelchair, but she runs in PE.",
    )
    return b.expect(kid, ["ed-rde", "ed-tor", "ed-plh"])


def bn17() -> Scenario:
    b = _b("BN17", "fabricated or induced illness", SRC_FII, B, "CN17")
    h = Home("3", "Bridgetown", "Totnes", "TQ9 5AD")
    kid = b.person("child", "Imogen", "Roskilly", age=(6, 120), sex="F", home=h)
    e1 = b.record("ed-rde", kid)
    b.event(
        e1,
        150,
        "ED attendance",
        "Known type 1 diabetes, hypoglycaemia at school, treated per care plan. Diabetes team aware.",
    )
    e2 = b.record("ed-tor", kid)
    b.event(
        e2,
        110,
        "A&E attendance",
        "On holiday in Torbay: diabetic ketoacidosis with viral illness, diagnosis "
        "documented; letter sent to home diabetes team.",
    )
    sch = b.record("school", kid)
    b.event(sch, 50, "Attendance - authorised", "Absent for diabetes clinic appointments, letters provided.")
    return b.expect(None)


# 18 Fabricated illness in a baby: "choking episodes" at three hospitals
def cn18() -> Scenario:
    b = _b("CN18", "fabricated or induced illness (infant)", SRC_FII, C, "BN18")
    h = Home("51", "Exeter Road", "Dawlish", "EX7 0AJ")
    baby = b.person("child", "Hunter", "Jewell", age=(1, 30), sex="M", home=h)
    e1 = b.record("ed-tor", baby)
    b.event(
        e1,
        140,
        "A&E attendance",
        "Mother reports baby stopped breathing and went blue at home. Well on "
        "arrival. Observed overnight, no episodes.",
    )
    e2 = b.record("ed-rde", baby, given="Hunter-James")
    b.event(
        e2,
        90,
        "ED attendance",
        "Third reported apnoea; only ever witnessed by mother. Mother requesting a "
        "home apnoea monitor. Previous attendances at Torbay not disclosed.",
    )
    e3 = b.record("ed-plh", baby)
    b.event(
        e3,
        35,
        "Admission",
        "Blood-stained nose and mouth after 'choking episode' at home, mother alone with him. Admitted.",
    )
    return b.expect(baby, ["ed-tor", "ed-rde", "ed-plh"])


def bn18() -> Scenario:
    b = _b("BN18", "fabricated or induced illness (infant)", SRC_FII, B, "CN18")
    h = Home("20", "Brook Street", "Dawlish", "EX7 9AR")
    baby = b.person("child", "Ezra", "Sampson", age=(1, 40), sex="M", home=h)
    e1 = b.record("ed-tor", baby)
    b.event(
        e1,
        140,
        "A&E attendance",
        "Febrile convulsion with viral illness, witnessed by both parents and GP. Recovered fully.",
    )
    e2 = b.record("ed-rde", baby)
    b.event(e2, 35, "ED attendance", "Croup, referred by GP out of hours. Steroid given. Discharged home with parents.")
    return b.expect(None)


# 19 Disabled child not brought to appointments
def cn19() -> Scenario:
    b = _b("CN19", "disabled child not brought to appointments", SRC_DISABLED, C, "BN19")
    h = Home("7", "Lower Street", "Dartmouth", "TQ6 9AN")
    kid = b.person("child", "Joshua", "Eddy", age=(9, 60), sex="M", home=h)
    gp = b.record("gp", kid, given="Josh")
    b.event(
        gp,
        200,
        "Was not brought",
        "Cerebral palsy, PEG fed. Not brought to dietitian review for the third "
        "time. Weight dropping below 0.4th centile.",
    )
    b.event(
        gp,
        100,
        "DNA",
        "Community paediatrics: wheelchair and seating clinic - not brought. Pressure sore reported by school nurse.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        130,
        "Attendance - unauthorised",
        "Special school: attended 52%. Transport turned away at the door on several mornings.",
    )
    b.event(
        sch,
        60,
        "DSL note",
        "Joshua arrived with a pressure sore and had not had his feed overnight; pump not sent in for a week.",
    )
    return b.expect(kid, ["gp", "school"])


def bn19() -> Scenario:
    b = _b("BN19", "disabled child not brought to appointments", SRC_DISABLED, B, "CN19")
    h = Home("1", "Victoria Road", "Dartmouth", "TQ6 9SB")
    kid = b.person("child", "Noah", "Penberthy", age=(9, 70), sex="M", home=h)
    gp = b.record("gp", kid)
    b.event(
        gp,
        200,
        "Was not brought",
        "Dietitian review cancelled by clinic (clinician unwell) and rebooked; attended, weight on 25th centile.",
    )
    sch = b.record("school", kid)
    b.event(sch, 130, "Attendance - authorised", "Absent 2 weeks after planned hip surgery, hospital letter received.")
    return b.expect(None)


# 20 FGM risk
def cn20() -> Scenario:
    b = _b("CN20", "female genital mutilation risk", SRC_FGM, C, "BN20")
    h = Home("45", "Mutley Plain", "Plymouth", "PL4 6LE")
    kid = b.person("child", "Hodan", "Warsame", age=(8, 150), sex="F", home=h)
    mum = b.adult("mother", "Sahra", "Warsame", age=(31, 10), sex="F", home=h)
    mw = b.record("midwifery", mum)
    b.event(
        mw,
        300,
        "Antenatal booking",
        "Mother has type 3 FGM, recorded. Says it is expected in her family and her mother will 'prepare' the girls.",
    )
    sch = b.record("school", kid, family="Warsama")
    b.event(
        sch,
        40,
        "DSL note",
        "Hodan excited about a long trip to see grandma in the summer for 'a special "
        "party to become a woman'. Mother requested 6 weeks extended leave.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        30,
        "Consultation",
        "Travel vaccinations requested for 8yo for extended trip to family abroad. "
        "Mother FGM-affected (FGM-IS not checked).",
    )
    return b.expect(kid, ["school", "gp"])


def bn20() -> Scenario:
    b = _b("BN20", "female genital mutilation risk", SRC_FGM, B, "CN20")
    h = Home("3", "Greenbank Road", "Plymouth", "PL4 8NS")
    kid = b.person("child", "Amina", "Yusuf", age=(8, 170), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(sch, 40, "Attendance - authorised", "Two days' authorised absence for Eid celebrations.")
    gp = b.record("gp", kid)
    b.event(gp, 30, "Consultation", "Travel vaccinations for a two-week family holiday in Spain. Well child.")
    return b.expect(None)


# 21 Private fostering not notified
def cn21() -> Scenario:
    b = _b("CN21", "private fostering", SRC_PRIVFOST, C, "BN21")
    h = Home("9", "Tavistock Road", "Plymouth", "PL4 8AU")
    kid = b.person("child", "Kwame", "Asante", age=(12, 200), sex="M", home=h)
    sch = b.record("school", kid, upn=False)
    b.event(
        sch,
        120,
        "In-year admission",
        "Admitted from abroad, brought by a 'family friend' who is not a "
        "relative. No parent contact details. Arrangement expected to last a year.",
    )
    b.event(
        sch,
        50,
        "DSL note",
        "Kwame hungry, says he does the cleaning and minds the friend's children before school. Sleeps on the sofa.",
    )
    gp = b.record("gp", kid, nhs=False)
    b.event(gp, 90, "New registration", "Registered by adult who is not his parent; no parental consent or documents.")
    hs = b.record("housing", kid)
    b.event(
        hs,
        40,
        "Property inspection",
        "Overcrowding: two-bedroom flat, three adults and four children, one of them a 12yo boy not on the tenancy.",
    )
    return b.expect(kid, ["school", "gp", "housing"])


def bn21() -> Scenario:
    b = _b("BN21", "private fostering", SRC_PRIVFOST, B, "CN21")
    h = Home("14", "Hyde Park Road", "Plymouth", "PL3 4RJ")
    kid = b.person("child", "Kofi", "Mensah", age=(12, 220), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        120,
        "In-year admission",
        "Moved to live with his aunt (maternal, close relative) while parents "
        "work abroad; parents in regular contact; not private fostering.",
    )
    gp = b.record("gp", kid)
    b.event(gp, 90, "New registration", "Registered by aunt with parents' written consent.")
    return b.expect(None)


# 22 Injuries to a toddler at two hospitals with domestic abuse (the Arthur / Star review)
def cn22() -> Scenario:
    b = _b("CN22", "unexplained injuries to a toddler with domestic abuse", SRC_ARTHUR, C, "BN22")
    h = Home("36", "Fore Street", "Kingsbridge", "TQ7 1NY")
    kid = b.person("child", "Star", "Lanyon", age=(1, 250), sex="F", home=h)
    e1 = b.record("ed-tor", kid)
    b.event(
        e1,
        100,
        "A&E attendance",
        "Bruising to both ears and a swollen lip. Mother's partner says she fell off the sofa.",
    )
    e2 = b.record("ed-plh", kid, given="Starr", nhs=False)
    b.event(
        e2, 45, "ED attendance", "Fractured arm. Partner says she fell in the park. Delay of a day before attending."
    )
    pol = b.record("police", kid)
    b.event(
        pol,
        70,
        "Domestic incident",
        "Argument between mother and her partner; partner has history of violence. Toddler present. DASH standard.",
    )
    csc = b.record("csc", kid)
    b.event(
        csc,
        60,
        "Contact - NFA",
        "Relative reports bruises to Star's face and that the partner shouts at her. "
        "Parents' explanations accepted. No further action.",
    )
    return b.expect(kid, ["ed-tor", "ed-plh", "police", "csc"])


def bn22() -> Scenario:
    b = _b("BN22", "unexplained injuries to a toddler with domestic abuse", SRC_ARTHUR, B, "CN22")
    h = Home("2", "Church Street", "Kingsbridge", "TQ7 1BP")
    kid = b.person("child", "Maisie", "Tremayne", age=(1, 270), sex="F", home=h)
    e1 = b.record("ed-tor", kid)
    b.event(
        e1,
        100,
        "A&E attendance",
        "Fell at nursery against a table, witnessed by nursery staff; small bruise "
        "to forehead, accident form seen. Consistent history, no concerns.",
    )
    e2 = b.record("ed-plh", kid)
    b.event(
        e2,
        45,
        "ED attendance",
        "Pulled elbow lifting her from the swing, reduced in department. Brought "
        "promptly by grandmother. Consistent history.",
    )
    return b.expect(None)


# 23 Intrafamilial child sexual abuse: a visiting adult with sexual offending
def cn23() -> Scenario:
    b = _b("CN23", "child sexual abuse in the family environment", SRC_CSA, C, "BN23")
    h = Home("11", "Southernhay", "Newton Abbot", "TQ12 2QL")
    kid = b.person("child", "Lily", "Annear", age=(7, 300), sex="F", home=h)
    man = b.adult(
        "visitor", "Graham", "Annear", age=(52, 10), sex="M", home=Home("4", "Bank Street", "Newton Abbot", "TQ12 2JL")
    )
    pr = b.record("probation", man, pnc=True, home=h)
    b.event(
        pr,
        90,
        "MAPPA",
        "Registered sex offender (offences against a child). Notified he now stays at his "
        "niece's address most weekends and babysits her 7yo daughter; home visit not done.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        60,
        "DSL note",
        "Lily's drawings and play sexualised, knowledge beyond her age. Said 'uncle Gray has secret games'.",
    )
    gp = b.record("gp", kid, given="Lilly")
    b.event(
        gp,
        40,
        "Consultation",
        "Third urinary tract infection in 6 months; soreness. Mother says she does not wipe properly.",
    )
    return b.expect(kid, ["probation", "school", "gp"])


def bn23() -> Scenario:
    b = _b("BN23", "child sexual abuse in the family environment", SRC_CSA, B, "CN23")
    h = Home("28", "Highweek Street", "Newton Abbot", "TQ12 1TG")
    kid = b.person("child", "Sophia", "Rundle", age=(7, 310), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        60,
        "DSL note",
        "Sophia asked about where babies come from after her mum's pregnancy; "
        "age-appropriate questions, mum aware. No concerns.",
    )
    gp = b.record("gp", kid)
    b.event(gp, 40, "Consultation", "Urinary tract infection, first episode. Antibiotics. Urine culture sent.")
    return b.expect(None)


SCENARIOS = [cn09, bn09, cn10, bn10, cn11, bn11, cn12, bn12, cn13, bn13, cn14, bn14, cn15, bn15, cn16, bn16,
             cn17, bn17, cn18, bn18, cn19, bn19, cn20, bn20, cn21, bn21, cn22, bn22, cn23, bn23]  # fmt: skip
