"""The scenario catalogue, part five: a fresh held-out set (CN49-CN58, BN49-BN58, TR07-TR08), `FRESH3_CODES`.

Written on 2026-12-01 by an author who did not read the rules, the phrase lists, the indicator reader, the engine
or the README's diagnosis tables, while the rules were being tuned on CN01-CN48, so that
`openmash bench flags --only` on these codes gives an honest figure for scenarios the rules were never fitted to.
Themes come from published reviews and the national Panel's reports (each scenario's ``source``), several of
them not in parts one to four (the Panel's 2023-24 spotlights on pre-school children of parents with mental
health needs, children's own mental health and extrafamilial harm; young carers; children not in school on a
part-time timetable; domestic servitude; coercive control seen by a landlord and a nursery). The records come
from agencies the earlier parts did not use (ambulance service, housing association, early years settings, youth
service, community pharmacy) as well as the familiar ones, each in its own words (ePCR shorthand, pharmacy
supervised-consumption notes, nursery concern logs, detached youth work logs, repair orders), with the usual
noise: short forms (Maisie, Millie, Kai, Reece), a misspelled or hyphenated surname, day and month swapped, blank
dates of birth and NHS numbers, addresses in capitals or abbreviated. See catalogue.py for the conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_PARENT_MH_PRESCHOOL = (
    "Child Safeguarding Practice Review Panel, annual report 2023-24 (spotlight: pre-school children whose parents "
    "have mental health needs): a parent's crisis seen by adult services, the young child's daily life unseen"
)
SRC_OPIOID_INFANT = (
    "ACMD 'Hidden Harm' (2003) and local reviews of infant deaths where a parent misused opioids: missed "
    "supervised doses, disengagement from treatment, overdose with a baby in the home"
)
SRC_YOUNG_CARER = (
    "Children and Families Act 2014 s.96 and the Panel's annual report 2022-23 (young carers): a child giving "
    "intimate and medication care to a parent with illness and alcohol dependence, unidentified as a carer"
)
SRC_COERCIVE = (
    "Domestic Abuse Act 2021 (children as victims in their own right) and NSPCC learning on coercive control: "
    "abuse without police call-outs, seen as damage, control of money and a child's play"
)
SRC_ATE = (
    "Child Safeguarding Practice Review Panel, 'The myth of invisible men' (2021) and its review of non-accidental "
    "injury in babies under one (2022): repeated 'floppy episodes' in a new partner's care, signs missed"
)
SRC_EXTRAFAMILIAL = (
    "Child Safeguarding Practice Review Panel, annual report 2023-24 (spotlight: extrafamilial harm) and 'It was "
    "hard to escape' (2020): an adolescent found intoxicated with older males, cash, disengagement"
)
SRC_CHILD_MH = (
    "Child Safeguarding Practice Review Panel, annual report 2023-24 (spotlight: children with mental health "
    "needs) and NSPCC learning on suicide and self-harm: a young child's escalating self-harm across services"
)
SRC_PART_TIME = (
    "Child Safeguarding Practice Review Panel, annual report 2022-23 (children not in school) and DfE guidance "
    "on part-time timetables: a child sent home at noon to an unsupervised, neglectful home"
)
SRC_SERVITUDE = (
    "Modern Slavery Act 2015 statutory guidance and the Laming inquiry (2003): a girl brought from abroad, kept "
    "out of school and doing a household's domestic work, an injury presented late"
)
SRC_ALCOHOL = (
    "ACMD 'Hidden Harm' (2003) and NSPCC learning on parental alcohol misuse: drink driving with a child in the "
    "car, a late-presenting injury, a hungry child late to school"
)


# 49 Pre-school child, mother's mental health crisis (ambulance, nursery, adult mental health)
def cn49() -> Scenario:
    b = _b("CN49", "pre-school child of a parent in mental health crisis", SRC_PARENT_MH_PRESCHOOL, C, "BN49")
    h = Home("11", "Pennycross Close", "Plymouth", "PL2 3NX")
    child = b.person("child", "Maisie-Rose", "Tregenza", born=dt.date(2023, 5, 9), sex="F", home=h)
    mum = b.adult("mother", "Gemma", "Tregenza", age=(29, 140), sex="F", home=h)
    am = b.record("amb", mum, nhs=False)
    b.event(
        am,
        95,
        "ePCR - Overdose/poisoning",
        "Call from pt's sister. Pt 29F states took approx 30 x sertraline 100mg with a bottle of wine ~2h prior. "
        "GCS 15, obs stable. Conveyed DRI. Pt's 3yo daughter in property, left with sister (NOK).",
    )
    ac = b.record("amb", child, given="Maisie", nhs=False)
    b.event(
        ac,
        95,
        "Safeguarding referral - child",
        "3yo present at scene of mother's OD. House cluttered, dog faeces on kitchen floor, fridge empty. Child in "
        "a full nappy at 14:00 and had not eaten since the day before per aunt. Referral via SWAST safeguarding hub.",
    )
    ey = b.record("ey", child, given="Maisie", swap_dob=True)
    b.event(
        ey,
        60,
        "Concern form",
        "Maisie arrived 10:40 in pyjamas, told key person 'mummy sleeping'. Ate three portions at snack. Not "
        "collected at 15:00, rang mum x4, collected 16:10 by a neighbour who said mum was 'in bed again'.",
    )
    b.event(
        ey,
        25,
        "Attendance note",
        "Attended 2 of last 10 funded sessions. No calls from home, mum's phone goes to voicemail.",
    )
    b.event(
        ey,
        10,
        "Concern form",
        "Nappy rash raw and bleeding; Maisie flinches when changed. Mum flat and tearful at drop-off, says she "
        "'can't do mornings any more' and has 'stopped the tablets'.",
    )
    mh = b.record("amh", mum)
    b.event(
        mh,
        88,
        "Crisis team assessment",
        "Seen post overdose. Pervasive hopelessness, says she 'can't see the point'. Denies current plans. Declined "
        "home treatment. Sole carer for a 3-year-old. Discharged to GP with crisis line number.",
    )
    b.event(
        mh,
        20,
        "DNA - discharged",
        "Did not attend CMHT assessment x2, letters unanswered. Discharged back to GP per DNA policy.",
    )
    return b.expect(child, ["amb", "ey", "amh"])


def bn49() -> Scenario:
    b = _b("BN49", "pre-school child of a parent in mental health crisis", SRC_PARENT_MH_PRESCHOOL, B, "CN49")
    h = Home("4", "Wolseley Road", "Plymouth", "PL2 3AA")
    child = b.person("child", "Isla", "Penhaligon", age=(3, 80), sex="F", home=h)
    mum = b.adult("mother", "Rachel", "Penhaligon", age=(31, 10), sex="F", home=h)
    am = b.record("amb", mum)
    b.event(
        am,
        95,
        "ePCR - Chest pain",
        "Pt 31F chest tightness and tingling hands. ECG NSR, obs normal. Known anxiety; panic attack, settled with "
        "coached breathing. Partner at home with their 3yo. Not conveyed, GP f/u advised.",
    )
    ac = b.record("amb", child, nhs=False)
    b.event(
        ac,
        40,
        "ePCR - Febrile convulsion",
        "3yo generalised seizure ~90 sec with temp 39.4, post-ictal then alert. Both parents present, calm and "
        "appropriate. Conveyed with mum for paediatric obs.",
    )
    ey = b.record("ey", child)
    b.event(
        ey,
        60,
        "Attendance note",
        "Absent 8 sessions: chickenpox, mum phoned each morning. Returned well, happy to be back.",
    )
    b.event(
        ey,
        22,
        "Late collection",
        "Dad stuck on the A38 after a crash, phoned at 14:50; grandma (on collection list) collected 15:20.",
    )
    mh = b.record("amh", mum)
    b.event(
        mh,
        70,
        "CMHT review",
        "Recurrent depression, stable on sertraline, engaging well with CBT. Good support from partner and her "
        "mother; Isla thriving at nursery. Plan: discharge to GP at next review.",
    )
    return b.expect(None)


# 50 Father relapsing on heroin with a baby in the flat (pharmacy, drug service, ambulance)
def cn50() -> Scenario:
    b = _b("CN50", "parental opioid relapse with an infant at home", SRC_OPIOID_INFANT, C, "BN50")
    h = Home("2/7", "Higher Union Lane", "Torquay", "TQ2 5QU")
    baby = b.person("child", "Reuben", "Kitto", age=152, sex="M", home=h)
    dad = b.adult("father", "Darren", "Kitto", age=(34, 200), sex="M", home=h)
    b.adult("mother", "Shannon", "Ley", age=(27, 41), sex="F", home=h)
    ph = b.record("pharm", dad, nhs=False)
    b.event(
        ph,
        70,
        "Supervised consumption - missed doses",
        "3 consecutive methadone doses (60ml) missed. Prescriber informed per protocol, script held.",
    )
    b.event(
        ph,
        42,
        "Supervised consumption - dose withheld",
        "Presented pinned and slurring, dose withheld. Had his baby with him in a pram, baby in a wet vest with no "
        "coat or blanket, very cold day. Advised to go home; left shouting.",
    )
    sm = b.record("sms", dad)
    b.event(
        sm,
        55,
        "Urine drug screen",
        "UDS positive opiates (heroin), cocaine; methadone NEGATIVE, ?diverting script. Says he uses 'now and again'. "
        "Cares for 5-month-old son alone on nights while partner works at the care home.",
    )
    b.event(
        sm,
        21,
        "Case closure - disengaged",
        "3 DNAs in a row, discharged from treatment, script stopped. Naloxone kit offered last month, not collected.",
    )
    am = b.record("amb", dad)
    b.event(
        am,
        12,
        "ePCR - Opioid overdose",
        "M34 found unresponsive on bathroom floor by partner 07:10 on return from night shift. RR 4, pinpoint "
        "pupils. Naloxone 400mcg IM x2, GCS 15. Refused conveyance. Syringes on the kitchen side.",
    )
    ab = b.record("amb", baby, nhs=False)
    b.event(
        ab,
        12,
        "Safeguarding referral - child",
        "5/12 infant in the flat, in cot, alone in the care of father who was unconscious after heroin OD for "
        "unknown period overnight. Uncapped needles within reach of the floor. Referral via SWAST hub.",
    )
    hv = b.record("hv", baby, family="Ley-Kitto")
    b.event(hv, 30, "No access visit", "Planned 3-4 month contact. No answer, curtains drawn at noon. Card left.")
    return b.expect(baby, ["amb", "pharm", "sms"])


def bn50() -> Scenario:
    b = _b("BN50", "parental opioid relapse with an infant at home", SRC_OPIOID_INFANT, B, "CN50")
    h = Home("15", "Lymington Road", "Torquay", "TQ1 4BD")
    baby = b.person("child", "Theo", "Quick", age=140, sex="M", home=h)
    dad = b.adult("father", "Wayne", "Quick", age=(38, 12), sex="M", home=h)
    ph = b.record("pharm", dad)
    b.event(
        ph,
        70,
        "Supervised consumption - missed dose",
        "1 dose missed: inpatient at Torbay for hernia repair, ward confirmed methadone given on the ward.",
    )
    b.event(
        ph,
        40,
        "Take-home doses agreed",
        "Moved to weekly pick-up by prescriber: stable 2 years, keyworker has seen the locked box at home.",
    )
    sm = b.record("sms", dad)
    b.event(
        sm,
        55,
        "Urine drug screen",
        "UDS methadone positive as prescribed, negative for illicit opiates and cocaine, as every test for 2 years. "
        "Partner and grandmother share care of 4-month-old; safe storage plan reviewed, lockbox checked.",
    )
    am = b.record("amb", dad, nhs=False)
    b.event(
        am,
        12,
        "ePCR - Fall",
        "M38 fell from stepladder painting the nursery, deformity L wrist. Entonox, splinted, conveyed. Partner at "
        "home with their infant.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        30,
        "Contact - 3-4 month",
        "Theo thriving on 50th centile. Parents open about dad's treatment; medicines in a locked box seen.",
    )
    return b.expect(None)


# 51 Young carer for a mother after a stroke, with alcohol dependence (pharmacy, school, youth service)
def cn51() -> Scenario:
    b = _b("CN51", "unidentified young carer of a parent with illness and alcohol dependence", SRC_YOUNG_CARER, C,
           "BN51")  # fmt: skip
    h = Home("5", "Old Tiverton Road", "Exeter", "EX4 6LD")
    child = b.person("child", "Kian", "Rowse", age=(13, 200), sex="M", home=h)
    mum = b.adult("mother", "Lorraine", "Rowse", age=(46, 30), sex="F", home=h)
    gp = b.record("gp", mum)
    b.event(
        gp,
        110,
        "Consultation (telephone)",
        "Post-CVA L sided weakness. AUDIT 28, drinking a bottle of vodka a day 'for the pain'. Declines carers "
        "assessment and district nurses: 'my son helps me'.",
    )
    ph = b.record("pharm", mum, nhs=False)
    b.event(
        ph,
        90,
        "CD collection refused",
        "13yo son came in alone in school uniform at 11am to collect mum's diazepam and Oramorph. Refused (under 16). "
        "Said mum 'can't get out of bed' and he sorts her tablets every day.",
    )
    sc = b.record("school", child)
    b.event(sc, 60, "Attendance - unauthorised", "Attendance 71% this term, late most days, asleep in period 1.")
    b.event(
        sc,
        30,
        "CPOMS - Welfare",
        "Kian told TA he lifts mum onto the toilet at night and 'she drinks when it hurts'. No breakfast, no "
        "homework for six weeks, uniform unwashed. Not on our young carers register.",
    )
    yo = b.record("youth", child, given="Kai")
    b.event(
        yo,
        18,
        "Detached session log",
        "Kai at the skate park 22:40 on a school night, hungry, asked staff for food. Says he needs 'time out' from "
        "mum who shouts when she's been drinking. Not known to the young carers project.",
    )
    return b.expect(child, ["pharm", "school", "youth"])


def bn51() -> Scenario:
    b = _b("BN51", "unidentified young carer of a parent with illness and alcohol dependence", SRC_YOUNG_CARER, B,
           "CN51")  # fmt: skip
    h = Home("22", "Pinhoe Road", "Exeter", "EX4 7HS")
    child = b.person("child", "Ellis", "Venning", age=(13, 40), sex="M", home=h)
    mum = b.adult("mother", "Joanne", "Venning", age=(44, 150), sex="F", home=h)
    gp = b.record("gp", mum)
    b.event(
        gp,
        110,
        "MS annual review",
        "Relapsing MS, stable. Care package 14 h a week, PA does mornings. Son attends young carers group; carers "
        "assessment completed and reviewed.",
    )
    ph = b.record("pharm", mum)
    b.event(ph, 90, "Delivery service", "Repeat medicines now delivered weekly to the home at mum's request.")
    sc = b.record("school", child)
    b.event(
        sc,
        60,
        "Attendance - authorised",
        "Young carer card holder; two authorised lates on mum's hospital days, agreed with head of year. On track.",
    )
    yo = b.record("youth", child)
    b.event(
        yo,
        18,
        "Young carers group session",
        "Ellis helped plan the summer residential, enjoys the group. Says home is 'fine, mum's PA does the hard bits'.",
    )
    return b.expect(None)


# 52 Coercive control seen by a landlord, a nursery and a GP, never by the police
def cn52() -> Scenario:
    b = _b("CN52", "coercive control unseen by the police", SRC_COERCIVE, C, "BN52")
    h = Home("28", "Foxhole Road", "Paignton", "TQ3 3SU")
    child = b.person("child", "Amelia", "Skerrett", age=(4, 60), sex="F", home=h)
    mum = b.adult("mother", "Natalie", "Skerrett", age=(30, 90), sex="F", home=h)
    b.adult("father", "Craig", "Skerrett", age=(36, 5), sex="M", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        120,
        "Repair order - emergency",
        "Internal door off its hinges, hole in plasterboard at head height in hallway. Tenant said 'the kids did it'. "
        "Husband answered every question, tenant looked at him before she spoke.",
    )
    b.event(
        ha,
        50,
        "Tenancy visit",
        "Husband would not let officer past the hall, said wife 'not up to visitors'. Child heard crying upstairs. "
        "Rent now paid from his account only; tenant says she has no bank card of her own.",
    )
    ey = b.record("ey", child, given="Millie", family="Skerret")
    b.event(
        ey,
        80,
        "Concern form",
        "Millie plays 'daddy shouting' in home corner, hits the doll and says 'you're useless, shut up'. Mum never "
        "allowed to stay at drop-off, dad waits in the car and beeps.",
    )
    b.event(
        ey,
        35,
        "Concern form",
        "Mum came in alone for the first time, shaking, said 'I can't talk, he checks my phone', left before the "
        "key person could sit down with her. Millie has bitten two children this week.",
    )
    gp = b.record("gp", mum)
    b.event(
        gp,
        70,
        "Consultation (surgery)",
        "Anxiety, 6kg weight loss. Husband present throughout, answered for her and declined to wait outside. "
        "Bruise to upper arm, 'walked into a door'.",
    )
    return b.expect(child, ["ha", "ey", "gp"])


def bn52() -> Scenario:
    b = _b("BN52", "coercive control unseen by the police", SRC_COERCIVE, B, "CN52")
    h = Home("3", "Colley End Road", "Paignton", "TQ3 3DS")
    child = b.person("child", "Harriet", "Loveday", age=(4, 100), sex="F", home=h)
    mum = b.adult("mother", "Sophie", "Loveday", age=(31, 70), sex="F", home=h)
    b.adult("father", "Tom", "Loveday", age=(33, 20), sex="M", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        120,
        "Repair order - emergency",
        "Ceiling and hallway plaster collapsed from a leak in the bathroom above; contractor found a split pipe.",
    )
    b.event(
        ha,
        50,
        "Tenancy visit",
        "Annual visit, both tenants present, home well kept. Asked to move rent to a joint direct debit.",
    )
    ey = b.record("ey", child, given="Hattie")
    b.event(
        ey,
        80,
        "Observation",
        "Hattie playing 'feeding the baby' in home corner after her new cousin was born; lovely nurturing play.",
    )
    b.event(
        ey,
        35,
        "Incident form",
        "Hattie bit a child in a squabble over a bike. Talked through with mum at pick-up, both parents supportive; "
        "shared plan for home and nursery.",
    )
    gp = b.record("gp", mum)
    b.event(
        gp,
        70,
        "Consultation (surgery)",
        "Worry about redundancy at work, sleeping badly. Seen alone, good support from husband. Self-referral to "
        "talking therapies.",
    )
    return b.expect(None)


# 53 Baby with repeated 'floppy episodes' in a new partner's care (ambulance, ED, health visitor)
def cn53() -> Scenario:
    b = _b("CN53", "repeated unexplained episodes in a baby in a new partner's care", SRC_ATE, C, "BN53")
    h = Home("9", "Ringmore Way", "Plymouth", "PL5 3SN")
    baby = b.person("child", "Noah", "Chudleigh", age=96, sex="M", home=h)
    b.adult("mother", "Kerry", "Chudleigh", age=(20, 55), sex="F", home=h)
    b.adult("partner", "Jordan", "Blight", age=(23, 210), sex="M", home=h)
    am = b.record("amb", baby, dob="", nhs=False)
    b.event(
        am,
        40,
        "ePCR - Unwell child",
        "999 'baby not breathing'. O/A 3/12 alert, pale, weak cry. Mum's partner alone with baby, says he 'went "
        "floppy after his bottle'. Mum at work. Conveyed.",
    )
    ed = b.record("ed-rde", baby)
    b.event(
        ed,
        40,
        "ED attendance",
        "3 month old BIBA with reported floppy/apnoeic episode in care of mother's partner. Well on arrival. "
        "Irritable on handling, vomited x2. OFC 91st centile (50th at 8 weeks). Discharged as reflux, GP f/u.",
    )
    b.event(
        ed,
        9,
        "ED attendance",
        "Second episode, 'went stiff then floppy', again with partner. Triage nurse noted petechiae behind L ear. "
        "Obs normal, discharged after 4h.",
    )
    hv = b.record("hv", baby, given="Noah", family="Chudley")
    b.event(
        hv,
        25,
        "Home visit",
        "Mum tired, back at work; new partner Jordan has the baby in the day. He stayed in the bedroom. Noah sleepy, "
        "feeding less. Mum asked 'is it normal for babies to scream when you pick them up'.",
    )
    return b.expect(baby, ["amb", "ed-rde", "hv"])


def bn53() -> Scenario:
    b = _b("BN53", "repeated unexplained episodes in a baby in a new partner's care", SRC_ATE, B, "CN53")
    h = Home("40", "Honicknowle Lane", "Plymouth", "PL5 3NF")
    baby = b.person("child", "Ivy", "Marrack", age=92, sex="F", home=h)
    b.adult("mother", "Leanne", "Marrack", age=(27, 11), sex="F", home=h)
    am = b.record("amb", baby, nhs=False)
    b.event(
        am,
        40,
        "ePCR - Unwell child",
        "999 baby choking on milk, cleared before arrival. 3/12 alert, pink, feeding. Both parents and grandmother "
        "present and calm. Advice given, not conveyed, GP to review.",
    )
    ed = b.record("ed-rde", baby)
    b.event(
        ed,
        38,
        "ED attendance",
        "Low-risk BRUE: choked during a feed, witnessed by both parents and grandmother. Full skin check, no marks. "
        "Known reflux on Gaviscon. Discharged with feeding advice.",
    )
    b.event(ed, 9, "Planned review", "Paediatric assessment unit review as booked: gaining weight, reflux settling.")
    hv = b.record("hv", baby)
    b.event(
        hv,
        25,
        "Home visit",
        "Both parents at home, Ivy gaining weight well, reflux plan from paediatrics understood. No concerns.",
    )
    return b.expect(None)


# 54 Extrafamilial harm: a 15-year-old found intoxicated, older males, cash (ambulance, ED, youth service)
def cn54() -> Scenario:
    b = _b("CN54", "adolescent intoxicated with older males: extrafamilial harm", SRC_EXTRAFAMILIAL, C, "BN54")
    h = Home("61", "Keyham Road", "Plymouth", "PL2 1QZ")
    child = b.person("child", "Brandon", "Yeo", born=dt.date(2011, 2, 7), sex="M", home=h)
    b.adult("mother", "Tracey", "Yeo", age=(41, 15), sex="F", home=h)
    am = b.record("amb", child, nhs=False)
    b.event(
        am,
        75,
        "ePCR - Unconscious/collapse",
        "15M found in Central Park toilets, GCS 9, ?ketamine + alcohol. Group of older males left as crew arrived. "
        "Mother not answering. Conveyed.",
    )
    ed = b.record("ed-plh", child, swap_dob=True)
    b.event(
        ed,
        75,
        "ED attendance",
        "BIBA. Tox: ketamine, alcohol. GCS 15 by 03:00. GBP 600 in cash and two phones in his pockets. Discharged to "
        "mum at 04:00 who said 'he's out of control, I can't stop him'.",
    )
    yo = b.record("youth", child, given="Bran")
    b.event(
        yo,
        40,
        "Detached session log",
        "Bran with a group of older lads (18-20s) by a car in the Morrisons car park, new designer gear. Says he 'does "
        "runs for a mate'. Fresh cut on his hand, would not say how.",
    )
    b.event(
        yo,
        15,
        "Youth club session",
        "Asleep on the sofa at the club, not eaten all day. Says he's stopping 'at a mate's in Devonport'. Begged "
        "staff not to ring mum.",
    )
    sm = b.record("sms", child)
    b.event(sm, 30, "Referral - not engaged", "Referred by ED. Three appointments offered, none attended. Closed.")
    return b.expect(child, ["amb", "ed-plh", "youth"])


def bn54() -> Scenario:
    b = _b("BN54", "adolescent intoxicated with older males: extrafamilial harm", SRC_EXTRAFAMILIAL, B, "CN54")
    h = Home("18", "Ham Drive", "Plymouth", "PL2 2NJ")
    child = b.person("child", "Callum", "Rendle", age=(15, 160), sex="M", home=h)
    am = b.record("amb", child)
    b.event(
        am,
        75,
        "ePCR - Injury",
        "15M fell from skateboard at the skate park, witnessed by youth worker. Deformity R wrist. Mum met crew at ED.",
    )
    ed = b.record("ed-plh", child)
    b.event(
        ed,
        75,
        "ED attendance",
        "Distal radius fracture consistent with the witnessed fall. Mum present. Back-slab, fracture clinic booked.",
    )
    yo = b.record("youth", child, given="Cal")
    b.event(yo, 40, "Youth club session", "Cal volunteering with the under-11s football, working on his DofE bronze.")
    b.event(
        yo,
        15,
        "Detached session log",
        "Cal with school friends at the skate park after school, arm in a cast, in good spirits. Home for tea at 6.",
    )
    return b.expect(None)


# 55 A 12-year-old's escalating self-harm across school, pharmacy and ED (children's mental health)
def cn55() -> Scenario:
    b = _b("CN55", "a young child's escalating self-harm", SRC_CHILD_MH, C, "BN55")
    h = Home("7", "Barton Avenue", "Paignton", "TQ3 3HY")
    child = b.person("child", "Evie", "Scantlebury", age=(12, 100), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        70,
        "CPOMS - Safeguarding",
        "Found in the toilets with her tie knotted tight round her neck, said she 'wanted to see what it felt like'. "
        "Parents informed and advised to see GP.",
    )
    b.event(
        sc,
        20,
        "CPOMS - Welfare",
        "Friends say Evie posts on a self-harm account at night; has not eaten lunch all week, long sleeves in PE.",
    )
    ph = b.record("pharm", child, family="Scantlebury", nhs=False)
    b.event(
        ph,
        50,
        "Pharmacist consultation",
        "Girl (12) alone asking for 'strong sleeping tablets'. Fresh cuts seen on forearm as she reached for her bag. "
        "Said mum knows. Refused sale, advised GP, details taken.",
    )
    ed = b.record("ed-tor", child, given="Evie", family="Scantlebury", dob="")
    b.event(
        ed,
        10,
        "ED attendance",
        "12F took 16 x paracetamol 6h pre-arrival; level below treatment line. Says she has cut for months. Psych "
        "liaison: on CAMHS waiting list, discharged home with mum and safety plan.",
    )
    return b.expect(child, ["school", "pharm", "ed-tor"])


def bn55() -> Scenario:
    b = _b("BN55", "a young child's escalating self-harm", SRC_CHILD_MH, B, "CN55")
    h = Home("19", "Hookhills Road", "Paignton", "TQ4 7NQ")
    child = b.person("child", "Freya", "Hocking", age=(12, 210), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        70,
        "CPOMS - Welfare",
        "Upset after a friendship fall-out in the group chat; restorative session with pastoral lead, resolved. "
        "Parents aware.",
    )
    ph = b.record("pharm", child)
    b.event(ph, 50, "Pharmacist consultation", "Came in with mum for period pain advice; mum bought paracetamol.")
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        10,
        "ED attendance",
        "Accidental double dose of paracetamol (mum and dad each gave a dose an hour apart). Total well below the "
        "toxic threshold, no treatment. Advice on a shared dosing chart.",
    )
    return b.expect(None)


# 56 Sent home at noon on a part-time timetable to an unsupervised home (school, police, housing association)
def cn56() -> Scenario:
    b = _b("CN56", "child on a part-time timetable sent home to neglect", SRC_PART_TIME, C, "BN56")
    h = Home("6/14", "Eldad Hill", "Plymouth", "PL1 5AS")
    child = b.person("child", "Rhys", "Cundy", born=dt.date(2016, 3, 11), sex="M", home=h)
    mum = b.adult("mother", "Donna", "Cundy", age=(33, 300), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        90,
        "Part-time timetable",
        "Reduced timetable 09:00-12:00 after repeated dysregulation. Mum agreed to collect at 12 every day.",
    )
    b.event(
        sc,
        50,
        "CPOMS - Welfare",
        "Nobody came at 12 again; Rhys walked home alone after 40 mins (mum's phone off). Says mum 'sleeps in the "
        "day'. Same uniform all week, head lice again.",
    )
    pol = b.record("police", child, given="Reece", swap_dob=True)
    b.event(
        pol,
        35,
        "Concern for welfare - child found",
        "10yo boy found in Tesco Express 14:00 on a school day eating food off the shelf. Said school 'sends me home'. "
        "Took him home; mother answered after 10 mins of knocking, flat in very poor state.",
    )
    ha = b.record("ha", mum)
    b.event(
        ha,
        60,
        "ASB report",
        "Neighbours report a young boy alone on the landing most afternoons and banging and shouting from flat 6 "
        "late at night.",
    )
    b.event(
        ha,
        25,
        "Tenancy visit",
        "Strong smell of cannabis, rubbish bags piled in the kitchen, no food seen. Child's bed is a mattress on the "
        "floor with no sheet.",
    )
    return b.expect(child, ["school", "police", "ha"])


def bn56() -> Scenario:
    b = _b("BN56", "child on a part-time timetable sent home to neglect", SRC_PART_TIME, B, "CN56")
    h = Home("10", "Seymour Road", "Plymouth", "PL3 5AS")
    child = b.person("child", "Owen", "Bolitho", age=(10, 150), sex="M", home=h)
    dad = b.adult("father", "Gareth", "Bolitho", age=(42, 30), sex="M", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        90,
        "Part-time timetable",
        "Mornings only for four weeks after hip surgery (consultant letter on file); dad collects at 12, physio plan.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        35,
        "Concern for welfare - child found",
        "10yo separated from dad in the crowd at the Hoe fireworks; dad had rung 101, reunited within 20 minutes.",
    )
    ha = b.record("ha", dad)
    b.event(
        ha, 60, "ASB report", "Neighbour complains of drilling noise: adaptation works, contractor hours confirmed."
    )
    b.event(
        ha,
        25,
        "Tenancy visit",
        "Grab rails and ramp fitted while Owen recovers from his operation. Home clean and well kept.",
    )
    return b.expect(None)


# 57 Domestic servitude: a girl brought from abroad, not in school, doing the housework (police, ED, education)
def cn57() -> Scenario:
    b = _b("CN57", "a girl kept out of school in domestic servitude", SRC_SERVITUDE, C, "BN57")
    h = Home("33", "Pennsylvania Road", "Exeter", "EX4 6DH")
    child = b.person("child", "Precious", "Adjei", born=dt.date(2012, 6, 22), sex="F", home=h)
    b.adult("carer", "Comfort", "Boateng", age=(45, 100), sex="F", home=h)
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        80,
        "Registration - temporary resident",
        "Adult registered three children; eldest girl (14) as temporary resident only. No previous GP, school or "
        "immunisation details. Adult described her as 'our house help from home'.",
    )
    ed = b.record("ed-rde", child, family="Adjeh", dob="", nhs=False)
    b.event(
        ed,
        60,
        "ED attendance",
        "14F burn to forearm 'from the iron', 3 days old and infected. Adult who said she was an aunt left before "
        "the doctor saw her. Girl said she 'does the cooking and ironing for the family'.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        40,
        "Concern for welfare",
        "Neighbour: girl of about 14 hanging washing at 23:00 and doing the school run but never at school herself. "
        "'Aunt' said she is visiting and at school in Ghana; girl silent, looked at aunt before answering.",
    )
    sc = b.record("school", child, swap_dob=False)
    b.event(
        sc,
        20,
        "Children missing education referral",
        "Year 2 pupil says her 'sister Precious' brings her to school but Precious is on no school roll in Devon. "
        "EWO home visit: no answer.",
    )
    return b.expect(child, ["police", "ed-rde", "school"])


def bn57() -> Scenario:
    b = _b("BN57", "a girl kept out of school in domestic servitude", SRC_SERVITUDE, B, "CN57")
    h = Home("12", "Mount Pleasant Road", "Exeter", "EX4 7AB")
    child = b.person("child", "Efua", "Quaye", age=(14, 120), sex="F", home=h)
    b.adult("aunt", "Patience", "Quaye", age=(47, 8), sex="F", home=h)
    gp = b.record("gp", child)
    b.event(
        gp,
        80,
        "Registration - temporary resident",
        "Temporary resident for 8 weeks while visiting family for the summer. Ghanaian vaccination card seen.",
    )
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        70,
        "ED attendance",
        "14F superficial burn to forearm from hair straighteners this morning. Seen alone, account consistent. "
        "Dressing.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        65,
        "Concern for welfare",
        "Neighbour worried girl not at school. Niece visiting from Accra for the summer holidays: passport, return "
        "ticket and mother's consent letter seen; spoke to girl alone, happy.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        20,
        "Children missing education enquiry - closed",
        "Visitor, not resident: returned to Ghana at the end of August (flight confirmation seen). No action.",
    )
    return b.expect(None)


# 58 Parental alcohol misuse: drink driving with a child, a late-presenting head wound (police, ED, school)
def cn58() -> Scenario:
    b = _b("CN58", "parental alcohol misuse: drink driving and a late-presenting injury", SRC_ALCOHOL, C, "BN58")
    h = Home("17", "St Marychurch Road", "Torquay", "TQ1 3HU")
    child = b.person("child", "Logan", "Spry", age=(8, 40), sex="M", home=h)
    mum = b.adult("mother", "Kirsty", "Spry", age=(35, 190), sex="F", home=h)
    pol = b.record("police", child, dob="")
    b.event(
        pol,
        100,
        "RTC - drink drive (child in vehicle)",
        "Female driver clipped parked cars on Babbacombe Rd, arrested, 2x limit. 8yo son in rear seat, no belt. "
        "Child to maternal grandmother. PPN submitted.",
    )
    pm = b.record("police", mum, pnc=True)
    b.event(pm, 100, "Arrest - drink driving", "Charged, bailed. Previous caution for being drunk and disorderly.")
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        45,
        "ED attendance",
        "8M scalp laceration, 'fell off the top bunk' 14 hours ago, no treatment sought overnight. Mum smelt of "
        "alcohol at triage, slurred speech. Glued, head injury advice.",
    )
    sc = b.record("school", child, family="Spry-Webber")
    b.event(
        sc,
        20,
        "CPOMS - Welfare",
        "Logan late 9 times this half term, no lunch, says mum was 'poorly on the sofa with her drinks'. Came in with "
        "dried blood in his hair the morning after the ED visit.",
    )
    return b.expect(child, ["police", "ed-tor", "school"])


def bn58() -> Scenario:
    b = _b("BN58", "parental alcohol misuse: drink driving and a late-presenting injury", SRC_ALCOHOL, B, "CN58")
    h = Home("2", "Cary Avenue", "Torquay", "TQ1 3QT")
    child = b.person("child", "Jacob", "Hext", age=(8, 220), sex="M", home=h)
    pol = b.record("police", child)
    b.event(
        pol,
        100,
        "RTC - damage only (child in vehicle)",
        "Low-speed shunt at Torre roundabout, third party at fault. Driver (mum) breath test negative. 8yo son in "
        "booster seat, uninjured.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        45,
        "ED attendance",
        "8M scalp laceration, fell off the top bunk 1 hour ago, witnessed by mum and his sister. Glued.",
    )
    sc = b.record("school", child)
    b.event(sc, 20, "CPOMS - Attendance", "Two lates this half term while the car was in the garage; mum phoned ahead.")
    return b.expect(None)


# ------------------------------------------------------------------------------------------------- do-not-merge
# T7 Cousins Mohammed and Muhammad Hossain: one street, birthdays 4 March and 3 April of one year, each with one
# small, separate signal. Merged, two agencies would seem to add up; apart, neither child needs a flag.
def tr07() -> Scenario:
    b = _b("TR07", "cousins Mohammed and Muhammad, swapped-looking birthdays, one street: do not merge", SRC_MERGE,
           TRAP)  # fmt: skip
    a = b.person("first", "Mohammed", "Hossain", born=dt.date(2015, 3, 4), sex="M",
                 home=Home("12", "Sidwell Street", "Exeter", "EX4 6NN"))  # fmt: skip
    z = b.person("second", "Muhammad", "Hossain", born=dt.date(2015, 4, 3), sex="M",
                 home=Home("21", "Sidwell Street", "Exeter", "EX4 6NN"))  # fmt: skip
    sa = b.record("school", a, given="Mo")
    b.event(sa, 80, "Attendance - unauthorised", "3 days unauthorised: family wedding abroad in term time.")
    pz = b.record("police", z)
    b.event(
        pz,
        40,
        "Concern for welfare - ASB",
        "Boys kicking a ball against parked cars on Sidwell St, words of advice, walked home to dad.",
    )
    gz = b.record("gp", z)
    b.event(gz, 30, "Consultation (surgery)", "Eczema flare, emollients. Well otherwise.")
    return b.expect(None)


# T8 Cousins Jayden and Jaydon Trevithick, two flats of one block, the same day and month of birth a year apart;
# only Jayden is at risk.
def tr08() -> Scenario:
    b = _b("TR08", "cousins Jayden and Jaydon in one block: flag only the right child", SRC_MERGE, TRAP)
    a = b.person("at_risk", "Jayden", "Trevithick", born=dt.date(2016, 7, 19), sex="M",
                 home=Home("4/12", "Harbour Court", "Plymouth", "PL4 0DW"))  # fmt: skip
    z = b.person("other", "Jaydon", "Trevithick", born=dt.date(2015, 7, 19), sex="M",
                 home=Home("9/12", "Harbour Court", "Plymouth", "PL4 0DW"))  # fmt: skip
    pa = b.record("police", a)
    b.event(
        pa,
        90,
        "Domestic incident - child present",
        "Male partner of mother punched a door and threw a chair; 10yo Jayden hid in the bath. DASH medium. Male "
        "left before police arrived.",
    )
    b.event(
        pa,
        30,
        "Domestic incident - child present",
        "Mother with cut lip, partner arrested. Jayden had called 999 himself from the bedroom.",
    )
    sa = b.record("school", a, given="Jaydon")
    b.event(
        sa,
        60,
        "CPOMS - Safeguarding",
        "Bruise to cheekbone, said 'mum's boyfriend pushed me into the wardrobe'. Hungry, asking for seconds daily.",
    )
    sz = b.record("school", z)
    b.event(sz, 50, "CPOMS - Attendance", "Authorised absence: dentist appointment, card seen.")
    gz = b.record("ed-plh", z)
    b.event(gz, 20, "ED attendance", "Sprained ankle at football club training, coach saw it happen. Mum present.")
    return b.expect(a, ["police", "school"])


SCENARIOS = [cn49, bn49, cn50, bn50, cn51, bn51, cn52, bn52, cn53, bn53, cn54, bn54, cn55, bn55, cn56, bn56,
             cn57, bn57, cn58, bn58, tr07, tr08]  # fmt: skip
FRESH3_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
