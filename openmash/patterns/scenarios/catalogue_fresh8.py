"""The scenario catalogue, part ten: an eighth held-out set (CN99-CN108, BN99-BN108, TR17-TR18), `FRESH8_CODES`.

Written on 2026-12-01 by an author (helper `fresh8`) who did not read the rules, the phrase lists, the indicator
reader, the engine, the evaluation, the linkage code or any results: only model.py, score.py, catalogue.py (the
conventions), the seventh set's file format, the package's registration and the domain primer, so that
`openmash bench flags --only` on these codes gives an honest figure for scenarios the rules were never fitted to.

Themes (each scenario's ``source``): neglect in a hoarded home and a toddler bitten by the family dog; a baby
shaken by a father alone with him after redundancy and debts; county lines with a boy found in a vulnerable
adult's cuckooed flat; an eating disorder in a girl whose mother controls her food, phone and appointments;
domestic abuse of a pregnant 16-year-old by a 25-year-old partner; a private fostering arrangement the council was
never told of (a girl "paying back" her keep); abuse linked to faith or belief (a boy accused of having a bad
spirit, fasting and "deliverance"); a boy withdrawn to elective home education days after his school's referral;
a gang-involved 16-year-old with knife wounds at three different emergency departments; a mother with a learning
disability befriended by a man on licence who "helps" with her daughter. Each concerning scenario spreads over
months across four or five agencies; several flags must name an agency whose record is an adult's (the mother's
housing association tenancy, the father's GP and food bank records, the partner's and stepfather's police records,
the carer's housing record, the mother's adult social care record, the befriender's probation record). Each agency
writes in its own shorthand; the usual noise (nicknames, misspelt surnames, given and family names swapped, a
default 01/01 date of birth, day and month swapped, blank dates of birth and NHS numbers). Each benign twin has
look-alike events whose records explain them. TR17 is two unrelated boys with one name and one date of birth in
Barnstaple and Penzance (Riley and Rylee, both written "Riley"), only one neglected (flag him only); TR18 is a
17-year-old father and his baby son of one name (Tyler, senior and junior) at one address, the father's assault and
injury records must never land on the baby (no flag). See catalogue.py for
the conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_HOARDING = (
    "NSPCC learning from case reviews on neglect and on dog bites (Child Safeguarding Practice Review Panel annual "
    "report 2021-22, dog-related deaths and injuries): a hoarded home no professional got into, dogs loose, a "
    "toddler sleeping on the sofa, missed reviews, then a bite"
)
SRC_SHAKEN = (
    "Child Safeguarding Practice Review Panel, 'The myth of invisible men' (2021) and review of non-accidental "
    "injury in babies under one (2022); ICON (babies cry, you can cope) programme: a father alone with a crying baby "
    "after redundancy and debt, a sentinel bruise to the ear discharged from ED"
)
SRC_CUCKOO = (
    "Child Safeguarding Practice Review Panel, 'It was hard to escape: safeguarding children at risk from criminal "
    "exploitation' (2020) and Home Office county lines guidance (2023): a boy found in a vulnerable adult's "
    "cuckooed flat, a debt bond, cash and phones, a stab wound explained as a fence"
)
SRC_ED_CONTROL = (
    "NSPCC learning from case reviews on eating disorders and on coercive control by a parent; NHS England access "
    "and waiting time standard for children and young people with an eating disorder (2015): a medically unstable "
    "girl never seen alone, a parent refusing admission and withdrawing from CAMHS"
)
SRC_TEEN_PREG_DA = (
    "NSPCC learning from case reviews on teenage relationship abuse; Domestic Abuse Act 2021; the Panel's annual "
    "report 2022-23 (adolescents): a 16-year-old pregnant by a 25-year-old with a history of domestic abuse, "
    "missed antenatal care, injuries explained as falls, a partner who answers for her"
)
SRC_PRIVFOST8 = (
    "Lord Laming, 'The Victoria Climbie Inquiry' (2003) and the Children (Private Arrangements for Fostering) "
    "Regulations 2005: a girl from abroad living with a family friend, no notification to the council, domestic "
    "work before school, a burn, 'when I've paid back'"
)
SRC_BELIEF = (
    "National action plan to tackle child abuse linked to faith or belief (2012) and NSPCC learning from case "
    "reviews (the Victoria Climbie and Kristy Bamu cases): a boy called possessed, fasting, marks from 'prayer', "
    "weight falling, off school for a 'church retreat'"
)
SRC_EHE8 = (
    "Child Safeguarding Practice Review Panel annual report 2022-23 and the 'Child Q' and Southend reviews on "
    "elective home education after a safeguarding referral; DfE 'Elective home education' guidance (2019): a boy "
    "withdrawn days after the school's referral, a stepfather with a conviction for harming a child"
)
SRC_KNIFE = (
    "Child Safeguarding Practice Review Panel, 'It was hard to escape' (2020): serious youth violence, injuries "
    "seen at different hospitals, each attendance treated alone; the Serious Violence Duty (2022)"
)
SRC_LD_PARENT = (
    "NSPCC learning from case reviews on parents with a learning disability; the Panel's 'Myth of invisible men' "
    "(2021): a mother with a learning disability befriended by a man on licence who takes over her money and her "
    "daughter's care, support withdrawn"
)


# 99 Neglect in a hoarded home, a dog bite (housing association on the mother; ED, HV, GP on the child)
def cn99() -> Scenario:
    b = _b("CN99", "neglect in a hoarded home", SRC_HOARDING, C, "BN99")
    h = Home("28", "Sticklepath Hill", "Barnstaple", "EX31 2BU")
    child = b.person("child", "Kenzie", "Dunstan", born=dt.date(2023, 5, 9), sex="M", home=h)
    mum = b.adult("mother", "Leanne", "Dunstan", age=(31, 77), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        221,
        "Gas safety - no access",
        "3rd no access for LGSR. Strong odour from letterbox, dogs barking. Tenant on phone: 'not convenient'. "
        "Legal for access injunction.",
    )
    b.event(
        ha,
        131,
        "Tenancy visit - access under injunction",
        "Entry w/ locksmith for gas check. Hoarding CIR 7-8 all rooms, bags to ceiling in hall, 1 path through. "
        "Kitchen unusable, no working cooker. 2 large dogs loose, faeces upstairs. Toddler's cot full of bags - "
        "tenant says he sleeps on sofa with her. Referred env health.",
    )
    ed = b.record("ed-tor", child, given="Kenzi", dob="")
    b.event(
        ed,
        62,
        "ED attendance",
        "3M dog bite R cheek + scalp, family dog (XL type), mum says he 'wound it up'. 4 lacs, plastics for "
        "closure. Tetanus/imms status - mum unsure. Grubby, nappy heavily soiled on arrival. D/c w/ abx.",
    )
    hv = b.record("hv", child)
    b.event(
        hv,
        190,
        "Contact - no access",
        "2-2.5 yr review, 3rd NA. Dogs barking, mum spoke through window: 'house is a tip, come another time'.",
    )
    b.event(
        hv,
        96,
        "Developmental review - clinic",
        "Seen in clinic (mum declines home visits). Head lice, very grubby. Wt 9th centile (was 50th). ASQ-3 "
        "communication below cut-off. Mum: 'he's just fussy'. No bed at home, says 'he likes the sofa'.",
    )
    gp = b.record("gp", child, swap_dob=True)
    b.event(gp, 150, "Was Not Brought (WNB)", "Pre-school booster / MMR2 - WNB x2. Letter sent.")
    b.event(
        gp,
        55,
        "Nurse appointment - wound check",
        "Dog bite R cheek infected, dressing not changed since ED, offensive smell. Mum says dog still in the house, "
        "'it's not dangerous'. Flucloxacillin. Mum didn't bring red book.",
    )
    return b.expect(child, ["ha", "ed-tor", "hv", "gp"])


def bn99() -> Scenario:
    b = _b("BN99", "neglect in a hoarded home", SRC_HOARDING, B, "CN99")
    h = Home("7", "Forches Avenue", "Barnstaple", "EX32 8EF")
    child = b.person("child", "Bobby", "Heddon", born=dt.date(2023, 4, 11), sex="M", home=h)
    mum = b.adult("mother", "Tanya", "Heddon", age=(30, 190), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        218,
        "Gas safety - rearranged",
        "LGSR visit moved at tenant's request (hospital appt). Done following wk, all in order.",
    )
    b.event(
        ha,
        129,
        "Tenancy visit",
        "Boxes in hall + lounge - packing for mutual exchange to a 3-bed next month. Home otherwise clean, 1 dog "
        "(spaniel), well cared for. Toddler's room ready to pack last.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        60,
        "ED attendance",
        "3M dog bite L hand at park - unknown dog off lead, mum witnessed, reported to dog warden. 1 superficial "
        "puncture, cleaned, co-amoxiclav. Imms up to date per red book.",
    )
    hv = b.record("hv", child)
    b.event(hv, 188, "Contact - rearranged", "2.5 yr review moved at mum's request (moving prep). Rebooked.")
    b.event(
        hv,
        94,
        "Developmental review",
        "Seen at home among packing boxes. Chatty, 50th centile, ASQ-3 all above cut-off. Own bed, settled.",
    )
    gp = b.record("gp", child)
    b.event(gp, 148, "Immunisation", "Pre-school booster + MMR2 given, mum present.")
    b.event(gp, 53, "Nurse appointment - wound check", "Dog bite L hand healing well, no infection. D/c.")
    return b.expect(None)


# 100 A baby shaken by a father alone with him after redundancy and debt (GP, food bank on the father; HV, ED, amb)
def cn100() -> Scenario:
    b = _b("CN100", "baby shaken after parental stress", SRC_SHAKEN, C, "BN100")
    h = Home("9", "Raleigh Road", "Exmouth", "EX8 2SB")
    baby = b.person("child", "Jenson", "Rowe", age=84, sex="M", home=h)
    dad = b.adult("father", "Aaron", "Rowe", age=(27, 160), sex="M", home=h)
    b.adult("mother", "Kerys", "Rowe", age=(24, 40), sex="F", home=h)
    gd = b.record("gp", dad)
    b.event(
        gd,
        118,
        "Consultation",
        "27M low mood since redundancy (warehouse closed), partner 35/40. Not sleeping. PHQ-9 17. Bailiffs re "
        "council tax. 'Snapping at everyone'. No SI. Sertraline 50mg, Talking Therapies self-ref.",
    )
    b.event(
        gd,
        38,
        "Telephone consultation",
        "Not started TT. Partner back at work nights (only income), he has baby alone overnight. Says 'he screams "
        "all night, I can't take it'. Irritable, angry. Sertraline up to 100mg. Review 2/52.",
    )
    vc = b.record("vcs", dad, family="Roe")
    b.event(
        vc,
        74,
        "Food bank voucher",
        "3rd voucher in 6 wks. A. - lost job, new baby, rent arrears + council tax summons. Very stressed, said "
        "'the baby never stops crying'. Signposted debt advice (CAB).",
    )
    hv = b.record("hv", baby, given="Jensen")
    b.event(
        hv,
        72,
        "New birth visit",
        "Day 12. Dad present, tearful re money. Mum planning return to nights at care home. ICON discussed with mum; "
        "dad left the room.",
    )
    b.event(
        hv,
        29,
        "Contact - telephone",
        "Dad rang: J. 'crying constantly', 'tried everything'. Mum at work. Advised GP re ?colic. Offered visit - "
        "declined 'we'll manage'.",
    )
    ed = b.record("ed-rde", baby, nhs=False)
    b.event(
        ed,
        21,
        "ED attendance",
        "9/52 M brought by father: vomiting x2, irritable, 'not himself'. Small bruise L ear pinna - dad says "
        "caught on car seat strap. Obs stable. ?Gastro/reflux. D/c, safety-netted.",
    )
    am = b.record("amb", baby, dob="", nhs=False)
    b.event(
        am,
        3,
        "ePCR",
        "999 05:10 by father: 11/52 baby 'went floppy' after feed, stopped breathing briefly. On arrival drowsy, "
        "high-pitched cry, bulging fontanelle. Father alone with baby, mother at work. Conveyed RDE resus, pre-alert.",
    )
    return b.expect(baby, ["gp", "vcs", "hv", "ed-rde", "amb"])


def bn100() -> Scenario:
    b = _b("BN100", "baby shaken after parental stress", SRC_SHAKEN, B, "CN100")
    h = Home("41", "Salterton Road", "Exmouth", "EX8 2EG")
    baby = b.person("child", "Reggie", "Tamblyn", age=86, sex="M", home=h)
    dad = b.adult("father", "Liam", "Tamblyn", age=(29, 80), sex="M", home=h)
    b.adult("mother", "Sophie", "Tamblyn", age=(28, 200), sex="F", home=h)
    gd = b.record("gp", dad)
    b.event(
        gd,
        116,
        "Consultation",
        "29M stress after redundancy. Sleeping OK, good support from partner + parents. New job starts next month. "
        "PHQ-9 6. Self-help, no meds.",
    )
    b.event(gd, 36, "Telephone consultation", "Started new job, mood good. Enjoying being a dad. D/c from review.")
    vc = b.record("vcs", dad)
    b.event(
        vc,
        73,
        "Debt advice session",
        "Benefits check after redundancy: UC claim made, Breathing Space agreed. Partner on mat leave. 'Baby's a "
        "little star'. Closed - no further need.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        74,
        "New birth visit",
        "Day 12. Both parents present, confident. Feeding well. ICON discussed with both parents.",
    )
    b.event(hv, 30, "Contact - telephone", "Mum: possetting after feeds, ?reflux. Advice; GP appt made.")
    ed = b.record("ed-rde", baby)
    b.event(
        ed,
        22,
        "ED attendance",
        "9/52 M with both parents: possetting + crying after feeds, thriving (50th centile). Full skin check - no "
        "marks. Reflux, GP f/u.",
    )
    am = b.record("amb", baby)
    b.event(
        am,
        4,
        "ePCR",
        "999: baby choked on milk, cleared by mum (back blows) before arrival. Alert, pink, normal cry, obs normal, "
        "both parents present. Not conveyed, GP f/u.",
    )
    return b.expect(None)


# 101 County lines, a boy found in a cuckooed flat (police, school, YJS, ED; the flat's tenant known to ASC)
def cn101() -> Scenario:
    b = _b("CN101", "county lines and a cuckooed flat", SRC_CUCKOO, C, "BN101")
    h = Home("41", "Ernesettle Crescent", "Plymouth", "PL5 2EX")
    child = b.person("child", "Kai", "Treloar", born=dt.date(2011, 3, 8), sex="M", home=h)
    b.adult("mother", "Michelle", "Treloar", age=(38, 100), sex="F", home=h)
    tenant = b.adult("tenant", "Gareth", "Hext", age=(48, 30), sex="M", home=Home("2/4", "Ocean Street", "Plymouth",
                                                                                  "PL2 2DA"))  # fmt: skip
    pol = b.record("police", child, given="Kye", pnc=True)
    b.event(
        pol,
        158,
        "Missing person",
        "MFH 2 nights. Located during drugs warrant at 4 OCEAN ST FLAT 2: class A, 3 adults (2 from London) + this "
        "15M. Arrested PWITS, RUI. Tenant vulnerable adult. NRM referral to be considered.",
    )
    b.event(
        pol,
        47,
        "Stop and search",
        "Stopped Devonport Rd, 14 wraps + GBP 380 + burner phone ('Jay' line). Says he 'owes'. Charged, YJS informed.",
    )
    asc = b.record("asc", tenant)
    b.event(
        asc,
        140,
        "Safeguarding concern - adult",
        "Mr Hext (LD, lives alone): neighbours report young males coming + going all hours. Black eye, says 'my mates "
        "stay over'. ?cuckooing. Teenage lad 'Kai' answered the door. Police informed.",
    )
    sc = b.record("school", child)
    b.event(sc, 190, "Attendance - unauthorised", "K. 52% this half term. Seen getting into cars at the gate.")
    b.event(
        sc,
        101,
        "Suspension - fixed term",
        "3 days: fight on field. Had GBP 200 + 2 phones. Mum: 'he won't tell me anything'.",
    )
    b.event(
        sc,
        30,
        "CPOMS - Safeguarding",
        "K. new North Face coat + designer trainers, says 'cousin' bought them. Away 'in Bristol' most weekends.",
    )
    ed = b.record("ed-plh", child, nhs=False)
    b.event(
        ed,
        80,
        "ED attendance",
        "15M stab wound L thigh, superficial. 'Fell on a fence'. Collected by adult male (not a relative), left "
        "before wound review.",
    )
    yj = b.record("yjs", child, swap_dob=True)
    b.event(
        yj,
        34,
        "AssetPlus assessment",
        "15M, PWITS class A. Says he's 'paying off' a package he was robbed of. Very frightened, won't name anyone. "
        "Mum unaware of extent. Exploitation screening: high. Referred to exploitation panel.",
    )
    return b.expect(child, ["police", "school", "ed-plh", "yjs"])


def bn101() -> Scenario:
    b = _b("BN101", "county lines and a cuckooed flat", SRC_CUCKOO, B, "CN101")
    h = Home("17", "Honicknowle Lane", "Plymouth", "PL5 3NE")
    child = b.person("child", "Alfie", "Kneebone", born=dt.date(2011, 5, 2), sex="M", home=h)
    b.adult("mother", "Donna", "Kneebone", age=(40, 10), sex="F", home=h)
    uncle = b.adult("uncle", "Stephen", "Kneebone", age=(51, 200), sex="M", home=Home("3/6", "Clarence Place",
                                                                                      "Plymouth", "PL2 1SB"))  # fmt: skip
    pol = b.record("police", child)
    b.event(
        pol,
        155,
        "Missing person",
        "Reported late home 23:00, returned 23:30 - at cousin's, phone died. RHI: no concerns, no exploitation "
        "indicators.",
    )
    b.event(
        pol,
        45,
        "Stop and search",
        "Stopped near station - matched description of a shoplifting suspect. Nothing found, not the male. NFA, "
        "grounds explained.",
    )
    asc = b.record("asc", uncle)
    b.event(
        asc,
        138,
        "Safeguarding concern - adult",
        "Mr Kneebone (LD): neighbour worried about visitors. Visit: they are his sister + nephew Alfie (15) who do "
        "his shopping weekly. Mr K happy, flat tidy. NFA.",
    )
    sc = b.record("school", child)
    b.event(sc, 188, "Attendance - authorised", "A. 96%. 2 days authorised (grandmother's funeral).")
    b.event(sc, 99, "CPOMS - Behaviour", "Argument in football at lunch, resolved same day, apologised.")
    b.event(sc, 28, "CPOMS - Achievement", "A. helping run Y7 football club. New boots from his Saturday job.")
    ed = b.record("ed-plh", child)
    b.event(ed, 78, "ED attendance", "15M lac L thigh - climbed fence for a ball at football ground, dad with him.")
    yj = b.record("yjs", child)
    b.event(
        yj,
        33,
        "Turnaround / diversion",
        "One-off criminal damage (graffiti on bus shelter). 4 sessions, engaged, apologised. Low risk, closed.",
    )
    return b.expect(None)


# 102 An eating disorder in a girl whose mother controls her (GP, CAMHS, school, school nursing)
def cn102() -> Scenario:
    b = _b("CN102", "eating disorder and a controlling parent", SRC_ED_CONTROL, C, "BN102")
    h = Home("16", "Daniell Road", "Truro", "TR1 2DA")
    child = b.person("child", "Imogen", "Spargo", born=dt.date(2012, 6, 21), sex="F", home=h)
    b.adult("mother", "Fiona", "Spargo", age=(46, 12), sex="F", home=h)
    gp = b.record("gp", child)
    b.event(
        gp,
        171,
        "Consultation",
        "13F with mum, wt loss 6kg/4 mths, amenorrhoea 3/12. BMI 15.8. Mum answered every Q, declined to leave the "
        "room. Ref CAMHS EDS (routine).",
    )
    b.event(
        gp,
        61,
        "Consultation",
        "HR 44 lying, postural drop 25. Mum says I. 'exercises in secret' and is 'attention seeking'. Bloods. "
        "Advised paeds admission - mum refused. Urgent CAMHS chaser.",
    )
    ca = b.record("camhs", child, given="Immy", nhs=False)
    b.event(
        ca,
        131,
        "Eating disorder assessment",
        "Restrictive AN, %mBMI 74. Mum weighs I. daily herself, locks the kitchen, reads her diary + phone. I. (quietly, "
        "mum out of room for 2 mins): 'it's the only thing that's mine'. Mum declined FT-AN.",
    )
    b.event(
        ca,
        44,
        "DNA - appointment",
        "DNA x2. Mum emailed: 'moving to private', won't name provider. Last obs medically unstable (MEED amber).",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        152,
        "CPOMS - Wellbeing",
        "Mum rang: school must not give I. any food but her packed lunch. Packed lunch = one apple. I. not eating.",
    )
    b.event(
        sc,
        79,
        "CPOMS - Safeguarding",
        "I. fainted in PE. Bruises both upper arms, says mum 'grabbed me to make me eat'. Mum: 'bruises easily "
        "because she's so thin'.",
    )
    b.event(sc, 19, "Attendance - unauthorised", "Off 2 wks. Mum says 'rest'. Calls not returned.")
    sn = b.record("sn", child, dob="")
    b.event(
        sn,
        111,
        "Drop-in",
        "Y9 F self-referred: dizzy, always cold. Wt 38kg. Scared mum will find out she came - mum 'checks my phone "
        "and counts everything I eat'. Discussed w/ named nurse.",
    )
    return b.expect(child, ["gp", "camhs", "school", "sn"])


def bn102() -> Scenario:
    b = _b("BN102", "eating disorder and a controlling parent", SRC_ED_CONTROL, B, "CN102")
    h = Home("4", "Tregolls Road", "Truro", "TR1 1LE")
    child = b.person("child", "Beatrice", "Tremayne", born=dt.date(2012, 8, 30), sex="F", home=h)
    b.adult("mother", "Jo", "Tremayne", age=(45, 140), sex="F", home=h)
    gp = b.record("gp", child)
    b.event(
        gp,
        170,
        "Consultation",
        "13F with mum, wt loss 4kg, restricting. BMI 17.2. Seen alone for part - confirms restriction, feels "
        "supported at home. Ref CAMHS EDS.",
    )
    b.event(gp, 60, "Consultation", "Obs stable, in CAMHS FT-AN, weight restoring. Parents managing meal plan.")
    ca = b.record("camhs", child)
    b.event(
        ca,
        130,
        "Eating disorder assessment",
        "Restrictive AN, %mBMI 86, medically stable. Both parents engaged, FT-AN agreed. B. seen alone: feels safe.",
    )
    b.event(ca, 43, "Appointment - rearranged", "Moved a wk at mum's request (exam). Seen: wt +1.2kg.")
    sc = b.record("school", child)
    b.event(
        sc,
        150,
        "CPOMS - Wellbeing",
        "Mum shared CAMHS meal plan. B. eats lunch in pastoral base with a TA, per plan.",
    )
    b.event(
        sc,
        77,
        "CPOMS - First aid",
        "B. felt faint in PE (hot day), recovered with water + snack per care plan. Mum informed, collected.",
    )
    b.event(sc, 18, "Attendance - authorised", "Off 3 days - CAMHS intensive day programme, letter received.")
    sn = b.record("sn", child)
    b.event(sn, 110, "Drop-in", "Y9 F w/ friend: period advice. Says CAMHS helping, mum 'amazing'.")
    return b.expect(None)


# 103 Domestic abuse of a pregnant 16-year-old by a 25-year-old (midwifery, the partner's police record, school, ED)
def cn103() -> Scenario:
    b = _b("CN103", "domestic abuse of a pregnant teenager", SRC_TEEN_PREG_DA, C, "BN103")
    mums = Home("33", "Treyew Road", "Truro", "TR1 2BU")
    flat = Home("2/14", "Station Road", "Redruth", "TR15 2AP")
    teen = b.person("child", "Paige", "Lanyon", born=dt.date(2010, 4, 6), sex="F", home=flat)
    ryan = b.adult("partner", "Ryan", "Keast", age=(25, 220), sex="M", home=flat)
    b.adult("mother", "Carol", "Lanyon", age=(44, 60), sex="F", home=mums)
    mw = b.record("midwifery", teen)
    b.event(
        mw,
        150,
        "Booking",
        "16yo primip 10/40. Lives w/ partner (25) at his flat, estranged from mum. Partner in room throughout, "
        "answered Qs. RE not possible. Safeguarding MW informed.",
    )
    b.event(
        mw, 84, "Antenatal - DNA", "DNA 20/40 anomaly scan. Phone answered by partner: 'she's fine, she's sleeping'."
    )
    b.event(
        mw,
        22,
        "Antenatal - triage",
        "28/40 reduced FM. Bruising to abdomen + both wrists, 'fell down the stairs'. Seen alone briefly: tearful, "
        "'he doesn't mean it'. CTG normal.",
    )
    pol = b.record("police", ryan, pnc=True)
    b.event(
        pol,
        110,
        "Domestic incident",
        "Neighbour reports shouting + banging at 2/14 STATION RD. Female 16, pregnant, says nothing happened. "
        "KEAST known for DA against previous partner. DASH refused - graded standard.",
    )
    b.event(
        pol,
        30,
        "Domestic incident - crime",
        "Victim PAIGE LANYON (16) left address barefoot 01:00, found by taxi driver, split lip. Declined statement, "
        "returned to address. DASH high, MARAC referral.",
    )
    sc = b.record("school", teen, home=mums)
    b.event(
        sc,
        176,
        "CPOMS - Safeguarding",
        "Y11: P. says boyfriend is 25, picks her up at the gate. Mum asked us to ring police if he comes in.",
    )
    b.event(
        sc,
        131,
        "Attendance - unauthorised",
        "Not in for GCSE exam season. Mum: P. moved out to boyfriend's in Redruth, 'won't listen to me'.",
    )
    ed = b.record("ed-rde", teen, swap_dob=True, home=mums)
    b.event(
        ed,
        60,
        "ED attendance",
        "16F, 23/40 pregnant, # base L 5th finger 'caught in car door'. Partner present throughout, answered for "
        "her. Buddy strap, fracture clinic.",
    )
    return b.expect(teen, ["midwifery", "police", "school", "ed-rde"])


def bn103() -> Scenario:
    b = _b("BN103", "domestic abuse of a pregnant teenager", SRC_TEEN_PREG_DA, B, "CN103")
    h = Home("12", "Agar Road", "Truro", "TR1 1JT")
    teen = b.person("child", "Megan", "Rowse", born=dt.date(2009, 11, 23), sex="F", home=h)
    josh = b.adult("partner", "Josh", "Hocking", age=(19, 100), sex="M", home=Home("5", "Fairmantle Street", "Truro",
                                                                                  "TR1 2EG"))  # fmt: skip
    b.adult("mother", "Sandra", "Rowse", age=(43, 20), sex="F", home=h)
    mw = b.record("midwifery", teen)
    b.event(
        mw,
        148,
        "Booking",
        "16yo primip 9/40, lives with mum. Partner (19) at booking, supportive. Seen alone for RE - no DA.",
    )
    b.event(mw, 82, "Antenatal - rebooked", "20/40 scan moved for an exam; seen 2 days later, normal.")
    b.event(mw, 20, "Antenatal - triage", "27/40 reduced FM. CTG normal, reassured. Mum with her.")
    pol = b.record("police", josh)
    b.event(
        pol,
        108,
        "Concern for welfare",
        "Caller heard shouting from flat: couple watching a match, loud. Female 16 (pregnant) + male 19 spoken to "
        "separately: all well, no DA disclosed.",
    )
    sc = b.record("school", teen)
    b.event(
        sc,
        174,
        "CPOMS - Safeguarding",
        "Y11: M. disclosed pregnancy, partner 19 (ex-pupil). Mum aware + supportive. Support plan for exams.",
    )
    b.event(sc, 130, "Attendance - authorised", "Antenatal appts x2, letters seen. Sat all GCSEs.")
    ed = b.record("ed-rde", teen)
    b.event(ed, 58, "ED attendance", "16F, 22/40, # L 5th finger - netball, PE teacher with her. Buddy strap.")
    return b.expect(None)


# 104 Private fostering never notified (school, GP, dental on the girl; the carer's housing record)
def cn104() -> Scenario:
    b = _b("CN104", "private fostering not notified", SRC_PRIVFOST8, C, "BN104")
    h = Home("45", "Sweetbrier Lane", "Exeter", "EX1 3AQ")
    child = b.person("child", "Esther", "Okonkwo", born=dt.date(2016, 9, 15), sex="F", home=h)
    carer = b.adult("carer", "Grace", "Adeyemi", age=(39, 120), sex="F", home=h)
    sc = b.record("school", child, given="Okonkwo", family="Esther", dob="01/01/2016")
    b.event(
        sc,
        201,
        "Admission - in year",
        "Y5 in-year admission. Brought by 'Aunty Grace' - family friend, not a relative. Parents in Lagos. No "
        "previous school records, no birth cert. DOB given as 01/01. PF notification? Carer says mum will 'sort it'.",
    )
    b.event(
        sc,
        121,
        "CPOMS - Wellbeing",
        "E. hungry, hides food from lunch. Says she cleans + gets aunty's 2 little ones ready before school. Carer "
        "didn't come to parents' evening.",
    )
    b.event(
        sc,
        40,
        "CPOMS - Safeguarding",
        "Burn on L forearm, 'from the iron, doing the ironing'. Asked when she'd go home: 'when I've paid back'.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        176,
        "New patient registration",
        "9F registered by Ms Adeyemi as 'guardian' - no PR documents. No imms history. Catch-up schedule started.",
    )
    b.event(
        gp,
        62,
        "Consultation",
        "Tinea capitis + wt 2nd centile. Carer answered all Qs. E. quiet, no eye contact. Catch-up imms 2nd dose "
        "not brought.",
    )
    dn = b.record("dent", child, dob="", nhs=False)
    b.event(
        dn,
        91,
        "Urgent dental care",
        "Unregistered 9F, toothache 3 wks. Caries x4, ext x2 under LA. Brought by carer's teenage son. Says "
        "'aunty' was too busy.",
    )
    hs = b.record("housing", carer)
    b.event(
        hs,
        151,
        "Housing register - change of circumstances",
        "Ms Adeyemi requests extra bedroom: household now incl. 'niece' Esther (9) from Nigeria, 'staying long "
        "term'. 2-bed flat, 5 occupants. No docs for child provided.",
    )
    return b.expect(child, ["school", "gp", "dent", "housing"])


def bn104() -> Scenario:
    b = _b("BN104", "private fostering not notified", SRC_PRIVFOST8, B, "CN104")
    h = Home("8", "Polsloe Road", "Exeter", "EX1 2DN")
    child = b.person("child", "Adaeze", "Nwosu", born=dt.date(2016, 10, 20), sex="F", home=h)
    carer = b.adult("carer", "Patricia", "Oyelaran", age=(44, 30), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        199,
        "Admission - in year",
        "Y5 in-year admission. Lives with family friend Mrs Oyelaran while parents work in Dubai (6 mths). PF "
        "notification made by school + carer, LA PF social worker visited. Docs seen.",
    )
    b.event(sc, 119, "CPOMS - Wellbeing", "A. settled, lovely packed lunches, joined choir. Video-calls parents daily.")
    b.event(
        sc,
        38,
        "CPOMS - First aid",
        "Small burn L forearm from baking with carer at weekend (told us Mon), healing, dressed by carer.",
    )
    gp = b.record("gp", child)
    b.event(gp, 175, "Temporary resident registration", "9F, PF arrangement (SW aware). UK imms record from prior GP.")
    b.event(gp, 60, "Consultation", "Eczema flare, emollients. Carer + mum (on video) present.")
    dn = b.record("dent", child)
    b.event(dn, 90, "Examination", "Routine, caries-free. FV applied. Recall 6 mths.")
    hs = b.record("housing", carer)
    b.event(
        hs,
        150,
        "Change of circumstances",
        "Temporary household member (PF arrangement, LA social worker aware). 3-bed house, no overcrowding.",
    )
    return b.expect(None)


# 105 Abuse linked to faith or belief: a boy accused of a bad spirit (school, police, GP, school nursing)
def cn105() -> Scenario:
    b = _b("CN105", "abuse linked to faith or belief", SRC_BELIEF, C, "BN105")
    h = Home("22", "Wolsdon Street", "Plymouth", "PL1 5EQ")
    child = b.person("child", "Emmanuel", "Lukusa", born=dt.date(2018, 11, 5), sex="M", home=h)
    b.adult("father", "Patrice", "Lukusa", age=(41, 80), sex="M", home=h)
    b.adult("stepmother", "Mireille", "Kabongo", age=(33, 150), sex="F", home=h)
    sc = b.record("school", child, given="Manu")
    b.event(
        sc,
        161,
        "CPOMS - Safeguarding",
        "Manu told TA 'I have a bad spirit in me, the pastor says'. Very quiet since baby sister born, sits apart.",
    )
    b.event(
        sc,
        94,
        "CPOMS - Safeguarding",
        "Small round burns/marks both forearms - 'candles at church'. Lost weight, says he's 'fasting to make the "
        "spirit go'. Dad spoken to: 'church business'.",
    )
    b.event(sc, 25, "Attendance - unauthorised", "Off 8 days, dad says 'church retreat'. Not agreed.")
    pol = b.record("police", child, given="EMMANUEL", family="LUKUSA", dob="")
    b.event(
        pol,
        70,
        "Concern for welfare",
        "Neighbour: child screaming + adults chanting late evening, 3 nights running. Attended 23:15 - prayer meeting, "
        "6 adults, boy (7) very tired, said he was being 'prayed for'. No injuries seen (long sleeves). Words of "
        "advice re noise.",
    )
    gp = b.record("gp", child, swap_dob=True)
    b.event(
        gp,
        121,
        "Consultation",
        "7M wt loss 2kg, abdo pain. Step-mum: 'won't eat', nightmares 'about spirits', 'bad since baby born'. "
        "Bloods, review 4/52 (not booked).",
    )
    sn = b.record("sn", child, nhs=False)
    b.event(
        sn,
        75,
        "Health screen - weight",
        "Y2 wt 0.4th centile (25th in reception). E. says no food on 'fasting days'. Step-mum told SN he 'brings "
        "bad luck to the family'.",
    )
    return b.expect(child, ["school", "police", "gp", "sn"])


def bn105() -> Scenario:
    b = _b("BN105", "abuse linked to faith or belief", SRC_BELIEF, B, "CN105")
    h = Home("9", "Stuart Road", "Plymouth", "PL1 5LL")
    child = b.person("child", "Daniel", "Mbala", born=dt.date(2018, 10, 14), sex="M", home=h)
    b.adult("mother", "Esperance", "Mbala", age=(36, 10), sex="F", home=h)
    sc = b.record("school", child, given="Dani")
    b.event(sc, 158, "CPOMS - Wellbeing", "Dani told class about his baptism + church choir, very proud.")
    b.event(
        sc,
        92,
        "CPOMS - Wellbeing",
        "Dry patches both forearms - eczema, cream in bag (care plan). Lost a little weight - GP investigating.",
    )
    b.event(sc, 24, "Attendance - authorised", "2 days - family christening in Manchester, agreed in advance.")
    pol = b.record("police", child, given="DANIEL", family="MBALA")
    b.event(
        pol,
        68,
        "Concern for welfare - ASB",
        "Noise complaint: all-night prayer vigil at church hall. Children asleep in side room, parents present. "
        "Organiser agreed to keep noise down. No concerns.",
    )
    gp = b.record("gp", child)
    b.event(gp, 120, "Consultation", "7M wt loss, abdo pain, loose stools. tTG raised - ref paeds ?coeliac.")
    sn = b.record("sn", child)
    b.event(sn, 74, "Health screen - weight", "Y2 wt 25th centile, regaining since coeliac dx, GF diet. Well.")
    return b.expect(None)


# 106 Withdrawn to elective home education after a school referral (school, stepfather's police record, GP, ED)
def cn106() -> Scenario:
    b = _b("CN106", "withdrawn to home education after a referral", SRC_EHE8, C, "BN106")
    h = Home("5", "Higher Polsham Road", "Paignton", "TQ3 2SY")
    child = b.person("child", "Harley", "Bickford", born=dt.date(2014, 7, 8), sex="M", home=h)
    b.adult("mother", "Jodie", "Bickford", age=(35, 45), sex="F", home=h)
    wayne = b.adult("stepfather", "Wayne", "Tapper", age=(39, 300), sex="M", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        141,
        "CPOMS - Safeguarding",
        "H. bruise L cheek + fingertip bruises R upper arm. Said Wayne 'grabbed me 'cos I was cheeky'. DSL referral "
        "to CSC front door same day.",
    )
    b.event(
        sc,
        137,
        "Off roll - elective home education",
        "Mum's letter: withdrawing H. to EHE with immediate effect, 'school has turned against us'. Off roll. LA EHE "
        "team informed.",
    )
    b.event(
        sc,
        58,
        "EHE - no access",
        "EHE officer: 2 home visits no answer. Mum emailed refusing visits; no evidence of provision.",
    )
    pol = b.record("police", wayne, pnc=True)
    b.event(
        pol,
        201,
        "Domestic incident",
        "Verbal argument JODIE BICKFORD / WAYNE TAPPER. 11yo boy in bedroom. DASH standard.",
    )
    b.event(
        pol,
        89,
        "Intelligence report",
        "TAPPER (ABH on a child, 2017) believed living at 5 HIGHER POLSHAM RD with partner + her son (11).",
    )
    gp = b.record("gp", child, swap_dob=True)
    b.event(gp, 110, "Was Not Brought (WNB)", "Asthma review WNB x2. Salbutamol not collected since spring.")
    ed = b.record("ed-tor", child, dob="", nhs=False)
    b.event(
        ed,
        44,
        "ED attendance",
        "12M spiral # R radius, mum says fell off trampoline 2 days ago (delayed). 'Home educated'. Old yellow "
        "bruise behind L ear. Stepdad waited in car.",
    )
    return b.expect(child, ["school", "police", "gp", "ed-tor"])


def bn106() -> Scenario:
    b = _b("BN106", "withdrawn to home education after a referral", SRC_EHE8, B, "CN106")
    h = Home("30", "Colley End Road", "Paignton", "TQ3 3LJ")
    child = b.person("child", "Ethan", "Mudge", born=dt.date(2014, 9, 30), sex="M", home=h)
    b.adult("mother", "Claire", "Mudge", age=(38, 15), sex="F", home=h)
    step = b.adult("stepfather", "Gary", "Lobb", age=(42, 90), sex="M", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        200,
        "CPOMS - Wellbeing",
        "E. anxious, school refusal building. Pastoral plan, mum in weekly contact, CAMHS ref made by GP.",
    )
    b.event(
        sc,
        135,
        "Off roll - elective home education",
        "Parents elected EHE after 6 mths of anxiety-based non-attendance. Meeting held; plan shared with EHE team.",
    )
    b.event(sc, 57, "EHE - visit", "EHE officer visited: E. seen, good provision (online school + tutor). Happier.")
    pol = b.record("police", step)
    b.event(
        pol,
        90,
        "Concern for welfare - ASB",
        "Report of shouting: stepdad + son watching boxing on TV. Spoken to, all well, no concerns.",
    )
    gp = b.record("gp", child)
    b.event(gp, 108, "Asthma review", "Attended with mum. Well controlled. Inhaler technique good.")
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        42,
        "ED attendance",
        "11M # R radius - fell off trampoline at home, mum saw it, presented same day. EHE. No other injuries.",
    )
    return b.expect(None)


# 107 A gang-involved 16-year-old with knife wounds at three emergency departments (3 EDs, police, YJS)
def cn107() -> Scenario:
    b = _b("CN107", "serious youth violence", SRC_KNIFE, C, "BN107")
    h = Home("14", "Ker Street", "Plymouth", "PL1 4EN")
    child = b.person("child", "Jordan", "Chaplin", born=dt.date(2010, 1, 11), sex="M", home=h)
    b.adult("mother", "Kerry", "Chaplin", age=(39, 200), sex="F", home=h)
    ep = b.record("ed-plh", child)
    b.event(
        ep,
        211,
        "ED attendance",
        "16M stab wound L buttock - 'fell on a railing'. Dropped off by friends who left. Sutured. Pt declined police.",
    )
    et = b.record("ed-tor", child, given="Jordon", swap_dob=True, nhs=False)
    b.event(
        et,
        121,
        "ED attendance",
        "16M 5cm lac R forearm (?defensive) - 'kitchen accident' at a friend's in Torquay. Plymouth address. "
        "Self-discharged before plastics review.",
    )
    er = b.record("ed-rde", child, family="Chaplain", dob="")
    b.event(
        er,
        39,
        "ED attendance",
        "16M puncture wound L flank. CT: no organ injury. 'Don't know who'. Police informed (knife injury). Mother "
        "not contactable. Left after 6 hrs obs.",
    )
    pol = b.record("police", child, pnc=True)
    b.event(
        pol,
        162,
        "Intelligence report",
        "CHAPLIN associated w/ 'PL1' group; pictured in drill video holding a machete. Linked to robbery of a "
        "rival group member.",
    )
    b.event(
        pol,
        38,
        "Knife crime - victim",
        "Notified by RD&E: victim 16M, stab wound, uncooperative. 3rd known injury this year. Fear of reprisal, "
        "osman considered.",
    )
    yj = b.record("yjs", child)
    b.event(
        yj,
        90,
        "Referral order - session",
        "Possession of bladed article (spring). Says he carries 'for protection'. Missed 2 of last 4 sessions. Mum "
        "says he's out till 3am, won't say where.",
    )
    return b.expect(child, ["ed-plh", "ed-tor", "ed-rde", "police", "yjs"])


def bn107() -> Scenario:
    b = _b("BN107", "serious youth violence", SRC_KNIFE, B, "CN107")
    h = Home("6", "Hyde Park Road", "Plymouth", "PL3 4RH")
    child = b.person("child", "Callum", "Rickard", born=dt.date(2010, 3, 19), sex="M", home=h)
    b.adult("father", "Andrew", "Rickard", age=(45, 60), sex="M", home=h)
    ep = b.record("ed-plh", child)
    b.event(ep, 209, "ED attendance", "15M lac L knee - fell on astro at rugby, coach present. Steri-strips.")
    et = b.record("ed-tor", child)
    b.event(et, 119, "ED attendance", "16M sprained R wrist, skatepark on family holiday in Torquay, dad present.")
    er = b.record("ed-rde", child)
    b.event(
        er,
        37,
        "ED attendance",
        "16M puncture wound L hand - garden fork on grandad's allotment, grandad with him. Tetanus up to date.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        160,
        "Witness statement",
        "Witness to shoplifting at supermarket where he works Saturdays. Statement taken with father present.",
    )
    yj = b.record("yjs", child)
    b.event(
        yj,
        88,
        "Out of court disposal - Outcome 22",
        "Riding e-scooter on pavement, community resolution. 1 session, low risk, closed.",
    )
    return b.expect(None)


# 108 A mother with a learning disability befriended by a man on licence (ASC, probation on adults; EY, GP on child)
def cn108() -> Scenario:
    b = _b("CN108", "parental learning disability and a risky new adult", SRC_LD_PARENT, C, "BN108")
    h = Home("27", "Trelowarren Street", "Camborne", "TR14 8AL")
    child = b.person("child", "Poppy", "Hender", born=dt.date(2021, 8, 12), sex="F", home=h)
    mum = b.adult("mother", "Natalie", "Hender", age=(28, 90), sex="F", home=h)
    kev = b.adult("friend", "Kevin", "Rodda", age=(52, 10), sex="M", home=Home("11", "Pendarves Street", "Camborne",
                                                                               "TR14 7QA"))  # fmt: skip
    asc = b.record("asc", mum, given="Nat")
    b.event(
        asc,
        203,
        "Care Act review",
        "Mild LD, 6 hrs/wk support. Managing P. (4) with prompts: routines chart, HV + nursery link. No concerns.",
    )
    b.event(
        asc,
        96,
        "Safeguarding concern - adult",
        "Support worker: new 'friend' Kevin (50s, met on Facebook) now holds her bank card, 'looks after' P. so Nat "
        "can sleep. Nat: 'he's kind'. ?financial abuse. S42 enquiry opened.",
    )
    b.event(
        asc,
        31,
        "Review",
        "Nat cancelled support ('Kevin helps now'). Kevin there most nights. P. flinched when he raised his voice.",
    )
    pb = b.record("probation", kev, pnc=True)
    b.event(
        pb,
        121,
        "Supervision - licence",
        "Licence: theft from a vulnerable adult + ABH on a former partner's child (2018). Says he 'helps a friend "
        "with shopping', denies any children there. Address check to be done.",
    )
    b.event(
        pb,
        45,
        "Home visit",
        "Not at approved premises x2. Neighbour: 'staying at Natalie's on Trelowarren St, with the little girl'. "
        "Breach considered; police informed.",
    )
    ey = b.record("ey", child, given="Poppie")
    b.event(
        ey,
        150,
        "Concern form",
        "P. collected by 'Kev', not on collection list - mum rang to say OK. P. clung to key worker, didn't want "
        "to go.",
    )
    b.event(
        ey,
        62,
        "Concern form",
        "P. said 'Kev shouts and smacks me'. Bruise outer L thigh. Mum: 'fell off her bike'. DSL aware.",
    )
    gp = b.record("gp", child, dob="2021-01-01")
    b.event(
        gp,
        80,
        "Consultation",
        "4F with mum + mum's friend (who did the talking). Impetigo, head lice, wt 9th centile (was 50th). Mum "
        "struggled to explain meds - friend said he'd 'sort it'.",
    )
    return b.expect(child, ["asc", "probation", "ey", "gp"])


def bn108() -> Scenario:
    b = _b("BN108", "parental learning disability and a risky new adult", SRC_LD_PARENT, B, "CN108")
    h = Home("19", "Roskear Road", "Camborne", "TR14 8DN")
    child = b.person("child", "Ava", "Trezise", born=dt.date(2021, 7, 3), sex="F", home=h)
    mum = b.adult("mother", "Kirsty", "Trezise", age=(29, 50), sex="F", home=h)
    bro = b.adult("uncle", "Dale", "Trezise", age=(33, 10), sex="M", home=Home("4", "Centenary Street", "Camborne",
                                                                               "TR14 7EX"))  # fmt: skip
    asc = b.record("asc", mum)
    b.event(asc, 200, "Care Act review", "Mild LD, 6 hrs/wk support. Managing A. (4) well with prompts. No concerns.")
    b.event(
        asc,
        94,
        "Review",
        "New befriender from local charity (DBS checked, matched by coordinator) helps with shopping weekly. Kirsty "
        "pleased, money managed by appointee as before.",
    )
    pb = b.record("probation", bro, pnc=True)
    b.event(
        pb,
        120,
        "Supervision - community order",
        "CO drink driving (2025). Visits sister + niece weekly, helps with lifts. No violence. UPW on track.",
    )
    ey = b.record("ey", child)
    b.event(ey, 148, "Collection", "A. collected by uncle Dale (on collection list, mum rang ahead). Happy.")
    b.event(
        ey,
        60,
        "Accident form",
        "Bruise L shin - tripped in nursery garden, witnessed, first aid, mum informed at pick-up.",
    )
    gp = b.record("gp", child)
    b.event(gp, 78, "Consultation", "4F with mum + support worker. Impetigo, fucidin. Thriving, 50th centile.")
    return b.expect(None)


# Do-not-merge traps -------------------------------------------------------------------------------------------
def tr17() -> Scenario:
    b = _b("TR17", "Riley and Rylee Jenkin, unrelated boys born the same day (14 March 2015) in Barnstaple and "
           "Penzance, both written 'Riley Jenkin' by most agencies: flag only the Barnstaple boy, left alone at home "
           "without food, seen by the school, police and GP", SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("at_risk", "Riley", "Jenkin", born=dt.date(2015, 3, 14), sex="M",
                 home=Home("8", "Vicarage Street", "Barnstaple", "EX32 7BZ"))  # fmt: skip
    z = b.person("other", "Rylee", "Jenkin", born=dt.date(2015, 3, 14), sex="M",
                 home=Home("30", "Alexandra Road", "Penzance", "TR18 4LY"))  # fmt: skip
    sa = b.record("school", a)
    b.event(
        sa,
        122,
        "Attendance - unauthorised",
        "R. 64%, late most days, hungry, same uniform all week, smells. Mum not answering calls.",
    )
    b.event(
        sa,
        51,
        "CPOMS - Safeguarding",
        "R. says he 'looks after himself' when mum 'goes out for days'. No food in at weekends, ate at a friend's.",
    )
    pa = b.record("police", a, family="JENKINS")
    b.event(
        pa,
        71,
        "Concern for welfare",
        "11M found alone at home 23:00, no adult, no food, electric meter empty. Mother returned 01:30 intoxicated.",
    )
    ga = b.record("gp", a, nhs=False)
    b.event(ga, 100, "Was Not Brought (WNB)", "Eczema review WNB x3. School nurse letter: infected eczema, untreated.")
    sz = b.record("school", z, given="Riley")
    b.event(sz, 110, "CPOMS - Achievement", "Riley J: Y6 maths challenge winner. Brilliant.")
    gz = b.record("gp", z, given="Riley")
    b.event(gz, 90, "Consultation", "11M hay fever, cetirizine. Mum present.")
    ez = b.record("ed-plh", z, given="Riley", dob="")
    b.event(ez, 45, "ED attendance", "11M # R clavicle, fell off bike, dad present. Broad arm sling.")
    b.merge_traps_differ()
    return b.expect(a, ["school", "police", "gp"])


def tr18() -> Scenario:
    b = _b("TR18", "Tyler Hosking (17) and his baby son Tyler-James, 'Tyler Hosking' senior and junior at one "
           "Camborne address: the father's assault, head injury and drink records must never land on the baby "
           "(no flag)", SRC_MERGE, TRAP)  # fmt: skip
    h = Home("12", "Trevithick Road", "Camborne", "TR14 8LQ")
    dad = b.person("father", "Tyler", "Hosking", born=dt.date(2009, 2, 20), sex="M", home=h)
    son = b.person("son", "Tyler-James", "Hosking", born=dt.date(2026, 3, 12), sex="M", home=h)
    pd = b.record("police", dad, given="TYLER", pnc=True)
    b.event(
        pd,
        95,
        "Assault - victim",
        "TYLER HOSKING (17) assaulted outside the Red Lion 23:30 by a named adult, head injury, had been drinking. "
        "Statement given, suspect arrested.",
    )
    ed = b.record("ed-tor", dad, dob="", nhs=False)
    b.event(ed, 95, "ED attendance", "Tyler H, head injury after assault, ETOH. GCS 15. CT not indicated. D/c home.")
    gd = b.record("gp", dad, given="Tyler Snr")
    b.event(gd, 60, "Consultation", "17M post-concussion headache, resolving. Alcohol advice. Lives w/ partner + baby.")
    hs = b.record("hv", son, given="Tyler")
    b.event(hs, 190, "New birth visit", "Day 12. Both young parents + maternal gran present. Feeding well. ICON done.")
    b.event(hs, 30, "Developmental review", "6-8 mth review. Thriving, 50th centile. Dad very hands-on.")
    es = b.record("ed-tor", son, given="Tyler", dob="")
    b.event(es, 96, "ED attendance", "Infant bronchiolitis, sats 95%, feeding OK. Mum present. D/c, safety-netted.")
    gs = b.record("gp", son, given="Tyler Jnr")
    b.event(gs, 150, "Immunisation", "8 wk imms given, mum present.")
    b.merge_traps_differ()
    return b.expect(None)


SCENARIOS = [cn99, bn99, cn100, bn100, cn101, bn101, cn102, bn102, cn103, bn103, cn104, bn104, cn105, bn105,
             cn106, bn106, cn107, bn107, cn108, bn108, tr17, tr18]  # fmt: skip
FRESH8_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
