"""The scenario catalogue, part eleven: a ninth held-out set (CN109-CN118, BN109-BN118, TR19-TR20), `FRESH9_CODES`.

Written on 2026-12-02 by an author (helper `fresh9`) who did not read the rules, the phrase lists, the indicator
reader, the engine, the linkage code or any results: only model.py (the builder and the agencies), the scenarios
README (the conventions), the package's registration and as much of the eighth set as shows the file format, so that
`openmash bench flags --only` on these codes gives an honest figure for scenarios the rules were never fitted to.

Themes (each scenario's ``source``), from the Child Safeguarding Practice Review Panel's national reviews and the
learning they draw on: a toddler whose relatives' referrals were screened out while nursery, police and GP each saw a
part (Arthur and Star, 2022); bruising in a non-mobile baby after domestic abuse in pregnancy (injury under one,
2022); county lines, internal concealment and a debt (It was hard to escape, 2020); a mother's partner on licence for
domestic abuse who is never named to the health visitor (The myth of invisible men, 2021); a 9-week-old sleeping on
the sofa with a drinking father in one room of temporary accommodation (Out of routine, SUDI, 2020); a non-verbal
autistic boy in a residential special school, restrained, bruised and losing weight (the Panel's review of
residential settings for disabled children, 2022); neglect seen in attendance, dental decay and never-collected
glasses; online sexual abuse of a 13-year-old by a man posing as a 17-year-old; a 15-year-old drawn into extreme
right-wing material online; fabricated or induced illness across three emergency departments. Each concerning
scenario spans four or five agencies, some through an adult's record (the mother's police record, the partner's
probation record, the mother's housing record). Each benign twin has look-alike events whose records explain them.
TR19 is twin brothers at one address, Kacper and Jakub ("Kuba") Kowalski, one with haemophilia and its explained
bruising and bleeds (no flag, never merge them); TR20 is two unrelated girls, Maisie and Maisy Penrose, born
2 March and 3 February 2012 in Truro and St Austell, the at-risk girl's police record writing her birthday day and
month swapped, which makes it the other girl's (flag only the Truro girl). See catalogue.py for the conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_SCREENED_OUT = (
    "Child Safeguarding Practice Review Panel, national review into the murders of Arthur Labinjo-Hughes and Star "
    "Hobson (2022): relatives' referrals closed after a phone call and an unannounced visit where the child was not "
    "undressed or woken; nursery, police and GP each holding a part"
)
SRC_NONMOBILE = (
    "Child Safeguarding Practice Review Panel, 'Safeguarding children under 1 year old from non-accidental injury' "
    "(2022); NICE CG89 and local bruising-in-non-mobile-babies protocols: bruising in a baby who cannot roll, after "
    "domestic abuse in pregnancy, a sentinel injury discharged from ED"
)
SRC_LINES9 = (
    "Child Safeguarding Practice Review Panel, 'It was hard to escape: safeguarding children at risk from criminal "
    "exploitation' (2020); Home Office county lines guidance: missing episodes far from home, cash and phones, "
    "internal concealment, a buttock wound, a drug debt"
)
SRC_INVISIBLE = (
    "Child Safeguarding Practice Review Panel, 'The myth of invisible men: safeguarding children under 1 from "
    "non-accidental injury caused by male carers' (2021): a partner on licence for domestic abuse, never named, "
    "absent from the health visitor's assessment"
)
SRC_SUDI9 = (
    "Child Safeguarding Practice Review Panel, 'Out of routine: a review of sudden unexpected death in infancy (SUDI) "
    "in families where the children are considered at risk of significant harm' (2020): sofa sharing, alcohol, "
    "smoking, one room in temporary accommodation, an infant found blue"
)
SRC_RESIDENTIAL = (
    "Child Safeguarding Practice Review Panel, 'Safeguarding children with disabilities and complex health needs in "
    "residential settings' (phase 1, 2022): restraint without debrief or body map, parents not told, weight loss "
    "and untreated dental disease in a non-verbal child"
)
SRC_NEGLECT9 = (
    "Ofsted, 'Growing up neglected' (2018); NICE CG89 (dental neglect, essential care not given); NSPCC learning "
    "from case reviews on neglect: poor attendance, hunger, dental abscess, glasses never collected"
)
SRC_ONLINE9 = (
    "NSPCC learning from case reviews on online abuse; Child Safeguarding Practice Review Panel annual report "
    "2022-23: a 13-year-old groomed online by an adult posing as a 17-year-old, images, threats, emergency "
    "contraception sought at a pharmacy"
)
SRC_RADICAL = (
    "Prevent duty guidance (2023) and the Independent Review of Prevent (2023); Child Safeguarding Practice Review "
    "Panel learning on online harms: an isolated 15-year-old drawn into extreme right-wing material"
)
SRC_FII9 = (
    "RCPCH, 'Perplexing presentations (PP) / fabricated or induced illness (FII) in children' (2021): symptoms only "
    "a parent sees, attendances at three trusts, an allergy the school never sees, a wheelchair asked for"
)


# 109 Relatives' referrals screened out (nursery, CSC, police, GP on a 16-month-old)
def cn109() -> Scenario:
    b = _b("CN109", "relatives' concerns screened out", SRC_SCREENED_OUT, C, "BN109")
    h = Home("3", "Higher Bore Street", "Bodmin", "PL31 1JS")
    child = b.person("child", "Skye", "Liddicoat", born=dt.date(2025, 5, 14), sex="F", home=h)
    b.adult("mother", "Jade", "Liddicoat", age=(23, 80), sex="F", home=h)
    b.adult("partner", "Tasha", "Bunt", age=(27, 15), sex="F", home=h)
    ey = b.record("ey", child, given="Sky")
    b.event(
        ey,
        205,
        "Concern form",
        "Bruise L cheek on arrival, approx 2cm, yellowing. Mum says 'fell against cot'. Body map done, DSL informed.",
    )
    b.event(
        ey,
        150,
        "Attendance",
        "S. not attended 3 wks. Mum says moving in w/ partner Tasha, 'won't need nursery now'. Funded place ended.",
    )
    csc = b.record("csc", child)
    b.event(
        csc,
        170,
        "Contact - outcome NFA",
        "Contact from mat great-grandmother: bruises to S.'s face, mum's partner 'rough with her', S. flinches. Mum "
        "spoken to by phone, bruise from cot, nursery have body map. Threshold not met - NFA, signposted to EH.",
    )
    b.event(
        csc,
        96,
        "Contact - outcome NFA",
        "2nd contact, pat uncle: photo of S. with black eye sent on Snapchat. Unannounced HV by SW 18:30, S. asleep in "
        "cot, not woken, home clean+tidy. Mum + partner say 'malicious, family feud'. NFA.",
    )
    pol = b.record("police", child, given="SKY", family="LIDDICOTT", dob="")
    b.event(
        pol,
        120,
        "Concern for welfare",
        "Call from great-nan: not allowed to see child for wks, bruises in photos. Officers attended 21:10, child seen "
        "asleep in cot, no visible injuries, adults cooperative. Occurrence ref to MASH.",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(gp, 75, "Was Not Brought (WNB)", "12m imms WNB x2. Text + letter.")
    b.event(
        gp,
        33,
        "Consultation",
        "Seen w/ mum's partner (mum at work). 'Clumsy, always falling'. Healing bruises L ear + forehead, 'fell off "
        "sofa'. Wt 2nd centile (25th at 9m). Very quiet, didn't cry on exam. Advised return if worse.",
    )
    return b.expect(child, ["ey", "csc", "police", "gp"])


def bn109() -> Scenario:
    b = _b("BN109", "relatives' concerns screened out", SRC_SCREENED_OUT, B, "CN109")
    h = Home("41", "Castle Street", "Bodmin", "PL31 2DX")
    child = b.person("child", "Isla-Rose", "Menhenick", born=dt.date(2025, 4, 20), sex="F", home=h)
    b.adult("mother", "Kerry", "Menhenick", age=(26, 100), sex="F", home=h)
    ey = b.record("ey", child, given="Isla")
    b.event(
        ey,
        204,
        "Accident form",
        "Bump L cheek on table edge in baby room, witnessed by key worker, cold compress, mum informed at pick-up.",
    )
    b.event(ey, 148, "Attendance", "I. away 2 wks - family holiday, booked in advance. Back and settled.")
    csc = b.record("csc", child)
    b.event(
        csc,
        168,
        "Contact - outcome NFA",
        "Contact from pat grandmother during court contact dispute. SW visit: I. awake, seen and undressed for nappy "
        "change in SW's presence, no marks. Nursery: no concerns, accident form seen. Private law matter, NFA.",
    )
    pol = b.record("police", child, given="ISLA-ROSE")
    b.event(
        pol,
        118,
        "Concern for welfare",
        "Call from pat gran re contact handover. Child seen awake and playing, no injuries. Civil dispute, "
        "advice given. No safeguarding concerns.",
    )
    gp = b.record("gp", child)
    b.event(gp, 74, "Immunisation", "12m imms given, mum present. Growth 50th centile.")
    b.event(gp, 31, "Consultation", "Bruise R shin, walking since 11m, toddler tumbles in park, mum saw. Thriving.")
    return b.expect(None)


# 110 Bruising in a non-mobile baby after domestic abuse in pregnancy (police on the mother; HV, GP, ED on the baby)
def cn110() -> Scenario:
    b = _b("CN110", "bruising in a non-mobile baby", SRC_NONMOBILE, C, "BN110")
    h = Home("17", "Trelawney Road", "Newquay", "TR7 2DP")
    baby = b.person("child", "Rocco", "Curnow", born=dt.date(2026, 5, 8), sex="M", home=h)
    mum = b.adult("mother", "Chantelle", "Curnow", age=(20, 200), sex="F", home=h)
    b.adult("father", "Dean", "Oates", age=(24, 30), sex="M", home=h)
    pm = b.record("police", mum)
    b.event(
        pm,
        160,
        "Domestic incident - DASH medium",
        "Female 38/40 pregnant. Partner DEAN OATES pushed her into wall during arguement re money, redness to neck, "
        "'he grabbed my throat for a second'. Declined to support. DASH 12, ref to IDVA.",
    )
    b.event(
        pm,
        22,
        "Domestic - verbal",
        "Neighbour reports shouting + baby screaming 02:00. Both deny incident. Baby in moses basket, not examined. "
        "No offences disclosed.",
    )
    hv = b.record("hv", baby, given="Roco")
    b.event(
        hv,
        132,
        "New birth visit",
        "Dad answered for mum throughout. EPDS deferred as dad present, couldn't see mum alone. Dad 'doesn't do nappies'.",
    )
    b.event(
        hv,
        42,
        "Contact - home visit",
        "3-4m contact. 2 small bruises R upper arm, fingertip-size. Mum: 'maybe I held him too tight'. Not rolling. "
        "Advised same-day GP/paeds per bruising protocol - mum declined, 'he's fine'. Discussed with SPA.",
    )
    gp = b.record("gp", baby, swap_dob=True)
    b.event(
        gp,
        38,
        "Consultation",
        "3/12 M, 'nappy rash'. Also small bruise L ear pinna + 1cm bruise chest, mum unsure how. Non-mobile. Paeds "
        "referral discussed - mum left before it was made.",
    )
    ed = b.record("ed-rde", baby, given="Baby", dob="", nhs=False)
    b.event(
        ed,
        9,
        "ED attendance",
        "4m M brought by dad, 'rolled off the sofa'. Bruise L temple, irritable, feeding less. Obs stable. CT head not "
        "done. Mum not present. D/c head injury advice.",
    )
    return b.expect(baby, ["police", "hv", "gp", "ed-rde"])


def bn110() -> Scenario:
    b = _b("BN110", "bruising in a non-mobile baby", SRC_NONMOBILE, B, "CN110")
    h = Home("6", "Tower Road", "Newquay", "TR7 1LU")
    baby = b.person("child", "Theo", "Pengilly", age=124, sex="M", home=h)
    mum = b.adult("mother", "Abbie", "Pengilly", age=(25, 60), sex="F", home=h)
    pm = b.record("police", mum)
    b.event(
        pm,
        158,
        "RTC - damage only",
        "Minor shunt, female driver 34/40 pregnant, checked by ambulance crew, no injuries. Insurance details swapped.",
    )
    b.event(
        pm,
        20,
        "Concern for welfare",
        "Neighbour: baby crying for long periods at night. Attended - parents calm, baby with colic being settled, HV "
        "involved. No concerns.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        110,
        "New birth visit",
        "Both parents present, mum seen alone for EPDS (score 4). Mongolian blue spots sacrum + buttocks documented, "
        "photographed for red book.",
    )
    b.event(
        hv,
        40,
        "Contact - home visit",
        "4m review. Bluish-grey marks lower back unchanged - the Mongolian blue spots documented at NBV. No bruising. "
        "Thriving, 50th centile.",
    )
    gp = b.record("gp", baby)
    b.event(
        gp,
        36,
        "Consultation",
        "Red raised mark L ear - infantile haemangioma, present since 2 wks, growing as expected. Reassured, review 3m.",
    )
    ed = b.record("ed-rde", baby)
    b.event(
        ed,
        8,
        "ED attendance",
        "4m M, fever 38.6, irritable, feeding less. Urine: UTI. Admitted paeds for IV abx. Full skin check, no marks.",
    )
    return b.expect(None)


# 111 County lines: a 14-year-old found far from home with cash and phones (police, school, ED, YJS)
def cn111() -> Scenario:
    b = _b("CN111", "county lines", SRC_LINES9, C, "BN111")
    h = Home("52", "Stoke Road", "Plymouth", "PL1 5QS")
    boy = b.person("child", "Kai", "Uren", born=dt.date(2012, 6, 11), sex="M", home=h)
    pol = b.record("police", boy, given="KYE", pnc=True)
    b.event(
        pol,
        160,
        "MISPER - high risk",
        "14M missing 3 days. Located Torquay rail stn by BTP w/ 2 mobiles + GBP 640 cash, would not say where from. "
        "Return home interview declined.",
    )
    b.event(
        pol,
        68,
        "Drugs - PWITS",
        "S1 stop/search Union St: 14 wraps ?crack in sock, deal line phone ringing. Arrested, RUI. NRM referral to be "
        "considered by OIC.",
    )
    sch = b.record("school", boy, swap_dob=True)
    b.event(
        sch,
        190,
        "Behaviour - fixed term exclusion",
        "3 days - fighting. Seen getting into a black Audi at the gate with older males (18-20s) after school.",
    )
    b.event(
        sch,
        120,
        "Attendance - unauthorised",
        "52% this term. Mum says he 'stays at mates'. New trainers, new phone, won't say who bought them.",
    )
    ed = b.record("ed-tor", boy, dob="", nhs=False)
    b.event(
        ed,
        66,
        "ED attendance",
        "14M BIBP, ?swallowed package at arrest. Abdo XR - no foreign body seen. Obs 4h, stable. D/c to custody w/ AA.",
    )
    b.event(
        ed,
        24,
        "ED attendance",
        "Lac R buttock 3cm, 'fell on glass'. Vague, accompanied by 'cousin' (adult male) who left before triage. "
        "Steristrips. DNA follow-up.",
    )
    yjs = b.record("yjs", boy, pnc=True)
    b.event(
        yjs,
        40,
        "AssetPlus - initial",
        "Says he 'owes' GBP 1200 after getting 'robbed' of a parcel. Scared to go out. Mum reports texts threatening "
        "her and his sister. Not engaging, 'can't grass'.",
    )
    return b.expect(boy, ["police", "school", "ed-tor", "yjs"])


def bn111() -> Scenario:
    b = _b("BN111", "county lines", SRC_LINES9, B, "CN111")
    h = Home("9", "Beaumont Road", "Plymouth", "PL4 9BE")
    boy = b.person("child", "Finn", "Mitchell", born=dt.date(2012, 5, 3), sex="M", home=h)
    pol = b.record("police", boy, given="FINLEY")
    b.event(
        pol,
        158,
        "MISPER - low risk",
        "14M missing 6 hrs after row over phone. Found safe at grandmother's in Torquay, went by train with birthday "
        "money. RHI done: no exploitation concerns.",
    )
    sch = b.record("school", boy)
    b.event(sch, 188, "Behaviour - fixed term exclusion", "1 day - vaping in toilets. Parents supportive.")
    b.event(
        sch,
        118,
        "Attendance - authorised",
        "81% this term: 3 wks medical absence, glandular fever, GP letter on file. Work sent home.",
    )
    ed = b.record("ed-tor", boy)
    b.event(ed, 64, "ED attendance", "Lac R knee 3cm, fell on glass at the beach, mum present. Steristrips. D/c.")
    yjs = b.record("yjs", boy)
    b.event(
        yjs,
        38,
        "Out of court disposal",
        "Community resolution, graffiti at skate park, apology + clean-up done. Plays football, no exploitation "
        "indicators. Closed.",
    )
    return b.expect(None)


# 112 The invisible man: a partner on licence for DA never named (probation on him, police on mother; HV, GP on baby)
def cn112() -> Scenario:
    b = _b("CN112", "hidden male carer", SRC_INVISIBLE, C, "BN112")
    h = Home("2", "Dean Street", "Liskeard", "PL14 4AA")
    baby = b.person("child", "Evie-Mai", "Retallack", age=215, sex="F", home=h)
    mum = b.adult("mother", "Courtney", "Retallack", age=(22, 90), sex="F", home=h)
    man = b.adult("partner", "Jordan", "Wherry", age=(29, 140), sex="M",
                  home=Home("88", "Old Road", "Liskeard", "PL14 6DP"))  # fmt: skip
    pb = b.record("probation", man, pnc=True)
    b.event(
        pb,
        185,
        "Supervision - licence",
        "Released on licence (ABH on ex-partner, her child on CP plan). Licence: disclose any new intimate "
        "relationship. States 'single'.",
    )
    b.event(
        pb,
        58,
        "Home visit",
        "Not at approved address. Mother: 'always at his girlfriend's on Dean St with her baby'. Denies relationship. "
        "OM to request DVDS / police check.",
    )
    hv = b.record("hv", baby, given="Evie")
    b.event(
        hv,
        150,
        "Contact - home visit",
        "Male voice in background, went upstairs as I arrived. Mum: 'just a mate'. Not introduced, name not given.",
    )
    b.event(
        hv,
        46,
        "Contact - no access",
        "Mum text-cancelled. Curtains closed 11:00. Male answered door, wouldn't give name, said 'they're asleep'.",
    )
    gp = b.record("gp", baby, family="Retalick", nhs=False)
    b.event(
        gp,
        92,
        "Consultation",
        "4m F w/ mum + male 'friend'. Nappy rash. Also 2 small scratches R side neck, mum unsure. Mum looked to him "
        "before answering. Barrier cream.",
    )
    pm = b.record("police", mum)
    b.event(
        pm,
        28,
        "Domestic incident",
        "Neighbour: female screaming, male voice. Male left via rear before arrival. COURTNEY RETALLACK says 'nobody "
        "else here', cut lip 'walked into door'. Baby in cot. DASH refused.",
    )
    return b.expect(baby, ["probation", "hv", "gp", "police"])


def bn112() -> Scenario:
    b = _b("BN112", "hidden male carer", SRC_INVISIBLE, B, "CN112")
    h = Home("14", "Barn Street", "Liskeard", "PL14 4BL")
    baby = b.person("child", "Poppy", "Laity", age=212, sex="F", home=h)
    mum = b.adult("mother", "Sophie", "Laity", age=(24, 10), sex="F", home=h)
    man = b.adult("partner", "Callum", "Trudgeon", age=(28, 200), sex="M", home=h)
    pb = b.record("probation", man, pnc=True)
    b.event(
        pb,
        183,
        "Supervision - community order",
        "CO drug driving (2024). Disclosed new partner + her baby at 1st appt. Police checks: no DA history. UPW "
        "complete.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        148,
        "Contact - home visit",
        "Mum's partner Callum present, introduced himself, details recorded, joined feeding discussion. ICON given.",
    )
    gp = b.record("gp", baby)
    b.event(gp, 90, "Consultation", "4m F w/ mum + partner. Nappy rash, barrier cream. Thriving.")
    pm = b.record("police", mum)
    b.event(
        pm,
        26,
        "Concern for welfare",
        "Mum's ex reports 'new boyfriend has a record'. Mum aware of his drug-driving, DVDS check: nothing to "
        "disclose. Baby well. NFA.",
    )
    return b.expect(None)


# 113 Unsafe sleep in one room of temporary accommodation (housing on the mother; HV, GP, ambulance on the baby)
def cn113() -> Scenario:
    b = _b("CN113", "unsafe infant sleep", SRC_SUDI9, C, "BN113")
    h = Home("4/19", "Lemon Street", "Truro", "TR1 2LS")
    baby = b.person("child", "Ruby-Lou", "Grose", age=63, sex="F", home=h)
    mum = b.adult("mother", "Shannon", "Grose", age=(19, 100), sex="F", home=h)
    b.adult("father", "Connor", "Dyer", age=(21, 5), sex="M", home=h)
    hs = b.record("housing", mum)
    b.event(
        hs,
        120,
        "Homeless - TA placement",
        "Placed B&B, 1 room, shared bathroom. 31/40 pregnant, partner staying. No space for cot, told to ask HV.",
    )
    b.event(
        hs,
        21,
        "TA - visit",
        "14:00: room cluttered, strong cannabis smell, cans on floor. Dad asleep on bed w/ baby on his chest. Moses "
        "basket full of washing.",
    )
    hv = b.record("hv", baby, given="Ruby")
    b.event(
        hv,
        52,
        "New birth visit",
        "No cot - baby sleeps in parents' bed or on the settee w/ dad. Both smoke (indoors, window open). Dad 'has a "
        "few cans to help him sleep'. Safe sleep discussed, cot requested from charity.",
    )
    b.event(
        hv,
        20,
        "Contact - telephone",
        "Mum: baby 'sleeps better on dad's chest on the sofa'. Cot not delivered yet - no space in room anyway.",
    )
    gp = b.record("gp", baby, dob="")
    b.event(gp, 11, "Was Not Brought (WNB)", "6-8 wk baby check WNB. Mum's postnatal check also WNB.")
    amb = b.record("amb", baby, family="GROSS")
    b.event(
        amb,
        3,
        "Incident - infant not breathing",
        "03:40 call, 9/52 F 'went floppy and blue' asleep on sofa w/ father. On arrival pink + crying, obs WNL. Father "
        "smelt of alcohol. Conveyed ED for BRUE assessment.",
    )
    return b.expect(baby, ["housing", "hv", "gp", "amb"])


def bn113() -> Scenario:
    b = _b("BN113", "unsafe infant sleep", SRC_SUDI9, B, "CN113")
    h = Home("2/7", "Kenwyn Street", "Truro", "TR1 3DJ")
    baby = b.person("child", "Freya", "Harvey", age=61, sex="F", home=h)
    mum = b.adult("mother", "Amy", "Harvey", age=(27, 40), sex="F", home=h)
    hs = b.record("housing", mum)
    b.event(
        hs,
        118,
        "Homeless - TA placement",
        "Self-contained 2-bed flat, 32/40 pregnant. Cot + baby pack provided by TA team. Partner on tenancy.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        50,
        "New birth visit",
        "Own cot in parents' room. Back to sleep, feet to foot discussed. Non-smokers, no alcohol. Feeding well.",
    )
    gp = b.record("gp", baby)
    b.event(gp, 10, "6-8 week check", "Well baby, 50th centile, mild reflux, no treatment needed. Mum's PN check done.")
    amb = b.record("amb", baby)
    b.event(
        amb,
        2,
        "Incident - infant breathing",
        "03:40 call, 9/52 F choked on milk after feed in mum's arms, mum patted back. Pink + crying on arrival, obs WNL. "
        "Reflux. Advised GP, not conveyed.",
    )
    return b.expect(None)


# 114 A non-verbal autistic boy in a residential special school (school, school nursing, dental, ED)
def cn114() -> Scenario:
    b = _b("CN114", "disabled child in a residential setting", SRC_RESIDENTIAL, C, "BN114")
    h = Home("23", "Cowick Street", "Exeter", "EX4 1HW")
    boy = b.person("child", "Lewis", "Walsh", born=dt.date(2013, 9, 18), sex="M", home=h)
    sch = b.record("school", boy, given="Lew")
    b.event(
        sch,
        170,
        "Incident - physical intervention",
        "L. held prone by 2 staff 14 mins in dining room (head banging). Debrief not done. Body map not completed.",
    )
    b.event(
        sch,
        112,
        "Incident - physical intervention",
        "3rd PI this wk, night staff. Bruising both upper arms noted at bath time, 'from the hold'. Parents not "
        "informed.",
    )
    b.event(
        sch,
        50,
        "Behaviour log",
        "L. refusing meals, hitting own head, screams when certain night staff on shift. Matron notes clothes loose.",
    )
    sn = b.record("sn", boy, nhs=False)
    b.event(
        sn,
        95,
        "Health review",
        "Wt 9th centile (50th 12m ago). Grip-type bruises both upper arms, different ages. Staff say restraint. "
        "Raised with DSL - no LADO referral recorded.",
    )
    dent = b.record("dent", boy, dob="")
    b.event(
        dent,
        80,
        "Urgent care attendance",
        "Brought by residential support worker. Abscess UR6, 5 carious teeth, heavy plaque. Teeth not brushed per "
        "staff, 'he won't let us'. Listed for GA.",
    )
    ed = b.record("ed-rde", boy, given="Lewis")
    b.event(
        ed,
        30,
        "ED attendance",
        "13M ASD, non-verbal, with 2 care staff. # R 5th finger + bruise R orbit, 'banged head in his room', "
        "unwitnessed, no timeline. Parents not contacted.",
    )
    return b.expect(boy, ["school", "sn", "dent", "ed-rde"])


def bn114() -> Scenario:
    b = _b("BN114", "disabled child in a residential setting", SRC_RESIDENTIAL, B, "CN114")
    h = Home("5", "Okehampton Road", "Exeter", "EX4 1EH")
    boy = b.person("child", "Mason", "Sowden", born=dt.date(2013, 8, 30), sex="M", home=h)
    sch = b.record("school", boy)
    b.event(
        sch,
        168,
        "Incident - physical intervention",
        "Standing hold (Team Teach), 2 mins, to stop M. running into the road on a trip. Debrief done, body map no "
        "marks, parents phoned same day.",
    )
    b.event(sch, 48, "Behaviour log", "Settled wk, eating well, loved swimming. Weekly call w/ parents.")
    sn = b.record("sn", boy)
    b.event(
        sn,
        93,
        "Health review",
        "Wt 50th centile, stable. Known hand-biting in his behaviour plan (CAMHS LD), skin intact, no bruising.",
    )
    dent = b.record("dent", boy)
    b.event(
        dent,
        78,
        "Check-up",
        "Desensitisation programme w/ key worker. 1 small filling. Good oral hygiene, brushing chart kept by staff.",
    )
    ed = b.record("ed-rde", boy)
    b.event(
        ed,
        28,
        "ED attendance",
        "13M ASD, non-verbal. # R 5th finger, fell on trampoline at school, witnessed by 2 staff, mum came to ED. "
        "Buddy strap.",
    )
    return b.expect(None)


# 115 Neglect in attendance, dental decay and glasses never collected (school, dental, GP, school nursing)
def cn115() -> Scenario:
    b = _b("CN115", "neglect of health and education", SRC_NEGLECT9, C, "BN115")
    h = Home("31", "Penwinnick Road", "St Agnes", "TR5 0PA")
    girl = b.person("child", "Tegan", "Ellery", born=dt.date(2017, 4, 8), sex="F", home=h)
    b.adult("mother", "Donna", "Ellery", age=(34, 20), sex="F", home=h)
    sch = b.record("school", girl)
    b.event(
        sch,
        200,
        "Attendance - unauthorised",
        "78% autumn, PA. Late x22. Mum says 'she oversleeps'. Letter 1 sent.",
    )
    b.event(
        sch,
        130,
        "CPOMS - Welfare",
        "T. no coat in rain again, shoes split, hair matted + head lice. Took food from others' lunchboxes. Says "
        "'there's no food at home till Friday'.",
    )
    b.event(
        sch,
        40,
        "Attendance - EWO",
        "Now 61%. EWO home visit, no answer, dog barking. Fixed penalty considered.",
    )
    dent = b.record("dent", girl, given="Teagan", dob="")
    b.event(
        dent,
        150,
        "Urgent care attendance",
        "Abscess LR6, facial swelling, pain 3 wks. 8 carious teeth. No previous dental attendance on record. Ref GA "
        "extractions.",
    )
    b.event(dent, 75, "Was Not Brought (WNB)", "GA pre-assessment WNB. 2nd letter sent.")
    gp = b.record("gp", girl, nhs=False)
    b.event(
        gp,
        146,
        "Consultation",
        "9F facial swelling, dental abscess, amoxicillin. Mum 'can't find a dentist'. Asthma - no inhaler for 9m.",
    )
    b.event(gp, 60, "Was Not Brought (WNB)", "Asthma review WNB x3.")
    sn = b.record("sn", girl, swap_dob=True)
    b.event(
        sn,
        100,
        "Health review",
        "Y4 screen: wt 2nd centile. Vision fail - glasses never collected since Y1 referral. Unkempt. Letter to "
        "parent, no reply.",
    )
    return b.expect(girl, ["school", "dent", "gp", "sn"])


def bn115() -> Scenario:
    b = _b("BN115", "neglect of health and education", SRC_NEGLECT9, B, "CN115")
    h = Home("8", "Vicarage Road", "St Agnes", "TR5 0TF")
    girl = b.person("child", "Lily", "Squire", born=dt.date(2017, 3, 22), sex="F", home=h)
    sch = b.record("school", girl)
    b.event(
        sch,
        198,
        "Attendance - authorised",
        "86% autumn: 2 wks authorised, tonsillectomy, hospital letters on file. Work sent home.",
    )
    b.event(sch, 128, "CPOMS - Welfare", "L. forgot PE kit, mum dropped it in at 10:00. No concerns.")
    dent = b.record("dent", girl)
    b.event(
        dent,
        148,
        "Urgent care attendance",
        "Toothache LR6, filling fractured after scooter fall. Regular 6-monthly attender. Restored same visit.",
    )
    gp = b.record("gp", girl)
    b.event(gp, 144, "Consultation", "Post-tonsillectomy review, healed, eating well. Asthma controlled.")
    sn = b.record("sn", girl)
    b.event(sn, 98, "Health review", "Y4 screen: 50th centile. Wears glasses (optician 6m ago), vision corrected.")
    return b.expect(None)


# 116 Online sexual abuse of a 13-year-old (school, police, pharmacy, GP, CAMHS)
def cn116() -> Scenario:
    b = _b("CN116", "online sexual abuse", SRC_ONLINE9, C, "BN116")
    h = Home("12", "Trevenson Road", "Pool", "TR15 3PU")
    girl = b.person("child", "Macy", "Northey", born=dt.date(2013, 2, 9), sex="F", home=h)
    sch = b.record("school", girl)
    b.event(
        sch,
        150,
        "CPOMS - Online safety",
        "Friends say M. sending pics to 'Jay, 17' on Snapchat, met on a gaming app. M. says he's her boyfriend. Mum "
        "informed, 'will take her phone'.",
    )
    b.event(
        sch,
        72,
        "CPOMS - Safeguarding",
        "M. tearful, an image of her is 'going round'. Jay wants more or he'll send them to her family. Ref MASH + "
        "police.",
    )
    pol = b.record("police", girl, given="MACY", family="NORTHY")
    b.event(
        pol,
        66,
        "Indecent images - victim (online)",
        "From school: Snapchat user 'jay_x17' got sexual images of 13F over 4 months, threats to share. Device "
        "seized. Account linked to 31M in Bristol. CEOP informed.",
    )
    rx = b.record("pharm", girl, given="Macey", dob="", nhs=False)
    b.event(
        rx,
        110,
        "EHC consultation - not supplied",
        "Female asking for morning after pill, says she's 16, looks younger, no ID. Older male waiting in car "
        "outside. Not supplied, advised GP/SH clinic. Safeguarding form done.",
    )
    gp = b.record("gp", girl)
    b.event(
        gp,
        100,
        "Consultation",
        "13F attended alone, asking for the pill. Boyfriend 'older', won't say age or name, met online. Not Fraser "
        "competent re this relationship. D/w practice safeguarding lead.",
    )
    camhs = b.record("camhs", girl)
    b.event(
        camhs,
        30,
        "Initial assessment",
        "Cutting forearms since images shared, poor sleep, not going to school. Says she met 'Jay' once in person.",
    )
    return b.expect(girl, ["school", "police", "pharm", "gp", "camhs"])


def bn116() -> Scenario:
    b = _b("BN116", "online sexual abuse", SRC_ONLINE9, B, "CN116")
    h = Home("27", "Agar Road", "Pool", "TR15 3NB")
    girl = b.person("child", "Holly", "Bawden", born=dt.date(2013, 1, 25), sex="F", home=h)
    sch = b.record("school", girl)
    b.event(
        sch,
        148,
        "CPOMS - Online safety",
        "H. reported a stranger's friend request on Snapchat herself after the online safety assembly, blocked and "
        "reported it. Mum aware. Praised.",
    )
    pol = b.record("police", girl)
    b.event(
        pol,
        64,
        "Fraud - online (victim)",
        "13F's gaming account hacked, GBP 40 in-game credit taken. No contact from suspect, no images asked for. "
        "Advice re 2FA.",
    )
    rx = b.record("pharm", girl)
    b.event(rx, 108, "Minor ailment consultation", "Acne advice, attended with mum. Benzoyl peroxide.")
    gp = b.record("gp", girl)
    b.event(gp, 98, "Consultation", "13F w/ mum, heavy painful periods. Tranexamic acid. Not sexually active.")
    camhs = b.record("camhs", girl)
    b.event(camhs, 28, "Initial assessment", "Exam anxiety. No self-harm. Offered CBT group, good family support.")
    return b.expect(None)


# 117 Radicalisation: a 15-year-old drawn into extreme right-wing material (school, police, youth service, GP)
def cn117() -> Scenario:
    b = _b("CN117", "radicalisation", SRC_RADICAL, C, "BN117")
    h = Home("45", "Station Road", "Newton Abbot", "TQ12 2BN")
    boy = b.person("child", "Brandon", "Blamey", born=dt.date(2011, 5, 10), sex="M", home=h)
    sch = b.record("school", boy)
    b.event(
        sch,
        180,
        "CPOMS - Prevent",
        "B. drew swastika + '14' on his exercise book. Says 'it's a joke'. Spoken to by HoY, parents informed.",
    )
    b.event(
        sch,
        92,
        "CPOMS - Prevent",
        "B. showing Christchurch attack video on his phone in form, said 'he had the right idea'. Smoothwall alert: "
        "searched 'how to make pipe bomb'. DSL referred to Prevent.",
    )
    pol = b.record("police", boy, given="BRANDON", family="BLAMY")
    b.event(
        pol,
        85,
        "Prevent referral",
        "From school: 15M sharing ERWT material, in Telegram groups, searching for IED instructions. Isolated, heavy "
        "online use. For Channel panel.",
    )
    yth = b.record("youth", boy, given="Bran", swap_dob=True)
    b.event(
        yth,
        120,
        "Session note",
        "B. stopped coming after argument w/ Polish lads, now says 'migrants are taking over'. Online all night, a "
        "'mate in America' sends him stuff.",
    )
    gp = b.record("gp", boy)
    b.event(
        gp,
        60,
        "Consultation",
        "15M w/ mum. Gaming till 4am, lost 4kg, dropped football, no friends now. Mum worried about 'the people he "
        "talks to online'. Low mood, PHQ-A 14. ?ASD - referred.",
    )
    return b.expect(boy, ["school", "police", "youth", "gp"])


def bn117() -> Scenario:
    b = _b("BN117", "radicalisation", SRC_RADICAL, B, "CN117")
    h = Home("11", "Queen Street", "Newton Abbot", "TQ12 2AQ")
    boy = b.person("child", "Ethan", "Stapleton", born=dt.date(2011, 9, 14), sex="M", home=h)
    sch = b.record("school", boy)
    b.event(
        sch,
        178,
        "CPOMS - Curriculum",
        "E.'s EPQ on the history of far-right movements; sources agreed with history teacher, research supervised. "
        "Smoothwall alert explained by this. No concerns.",
    )
    pol = b.record("police", boy)
    b.event(
        pol,
        83,
        "Prevent - enquiry NFA",
        "School web-filter alert checked: 15M's searches part of a supervised EPQ on extremism, teacher confirms. No "
        "Prevent referral needed.",
    )
    yth = b.record("youth", boy)
    b.event(
        yth,
        118,
        "Session note",
        "E. led a respectful debate on migration, organised charity football v. the refugee team. Great session.",
    )
    gp = b.record("gp", boy)
    b.event(gp, 58, "Consultation", "15M w/ mum, poor sleep during mocks. Sleep hygiene. Mood good, PHQ-A 3.")
    return b.expect(None)


# 118 Fabricated or induced illness across three emergency departments (GP, ED x3, school)
def cn118() -> Scenario:
    b = _b("CN118", "fabricated or induced illness", SRC_FII9, C, "BN118")
    h = Home("4", "Fore Street", "Saltash", "PL12 6JL")
    girl = b.person("child", "Ellie-Mae", "Friggens", born=dt.date(2020, 7, 10), sex="F", home=h)
    b.adult("mother", "Leah", "Friggens", age=(33, 60), sex="F", home=h)
    gp = b.record("gp", girl)
    b.event(
        gp,
        220,
        "Consultation",
        "Mum reports daily 'seizures' at home, not witnessed by anyone else, no videos. Wants neuro referral + EpiPen "
        "'for nut allergy' - no reaction ever documented, allergy bloods neg.",
    )
    b.event(
        gp,
        88,
        "Consultation",
        "Mum asking for wheelchair, says E. 'can't walk far'. School report she runs at playtime. Mum has seen private "
        "paed, wants NG feeding.",
    )
    rde = b.record("ed-rde", girl, given="Ellie")
    b.event(
        rde,
        180,
        "ED attendance",
        "5F, mum reports 20-min seizure at home. Alert + playing on arrival. EEG previously normal. Mum demanding "
        "admission. D/c.",
    )
    plh = b.record("ed-plh", girl, swap_dob=True, nhs=False)
    b.event(
        plh,
        140,
        "ED attendance",
        "5F, mum says 'collapsed and vomited blood'. Obs normal, Hb normal, no blood seen. Mum mentions attending "
        "Exeter + Torbay too. D/c.",
    )
    tor = b.record("ed-tor", girl, given="Elly-Mae", dob="")
    b.event(
        tor,
        100,
        "ED attendance",
        "Mum reports 'nut anaphylaxis'. No rash, no stridor, sats 100%. Mum insisted on adrenaline. 4th ED in 3 "
        "months across trusts - flag to named dr.",
    )
    sch = b.record("school", girl)
    b.event(
        sch,
        120,
        "Attendance - authorised",
        "68%. Mum reports seizures + hospital appts, no letters given. Staff have never seen a seizure. E. ate a "
        "friend's peanut butter sandwich, no reaction.",
    )
    b.event(
        sch,
        50,
        "CPOMS - Welfare",
        "Mum wants E. in a wheelchair + kept in at break. E. runs and climbs at playtime, says 'mummy says I'm poorly'.",
    )
    return b.expect(girl, ["gp", "ed-rde", "ed-plh", "ed-tor", "school"])


def bn118() -> Scenario:
    b = _b("BN118", "fabricated or induced illness", SRC_FII9, B, "CN118")
    h = Home("19", "Callington Road", "Saltash", "PL12 6DX")
    girl = b.person("child", "Niamh", "Mankee", born=dt.date(2020, 6, 2), sex="F", home=h)
    gp = b.record("gp", girl)
    b.event(
        gp,
        218,
        "Consultation",
        "Seizures witnessed by school + mum, EEG abnormal, epilepsy confirmed by paed neuro, on levetiracetam. "
        "Care plan shared with school.",
    )
    rde = b.record("ed-rde", girl)
    b.event(
        rde,
        178,
        "ED attendance",
        "Prolonged seizure at school, witnessed by staff, buccal midazolam per care plan. Recovered. Neuro aware.",
    )
    plh = b.record("ed-plh", girl)
    b.event(
        plh,
        138,
        "ED attendance",
        "5F on holiday in Plymouth, seizure witnessed by grandparents, known epilepsy. D/c, own neuro team informed.",
    )
    tor = b.record("ed-tor", girl)
    b.event(
        tor,
        98,
        "ED attendance",
        "Confirmed peanut allergy (skin prick +). Lip swelling + urticaria after cake at a party, witnessed, mum gave "
        "adrenaline per plan. Obs 4h, D/c.",
    )
    sch = b.record("school", girl)
    b.event(
        sch,
        118,
        "Attendance - authorised",
        "89%: hospital appts w/ letters. Epilepsy + allergy care plans in place, staff trained in buccal midazolam.",
    )
    return b.expect(None)


# Do-not-merge traps -------------------------------------------------------------------------------------------
def tr19() -> Scenario:
    b = _b("TR19", "Kacper and Jakub ('Kuba') Kowalski, twin brothers (3 August 2022) at one Redruth address, "
           "Jakub with severe haemophilia A and its explained bruising and bleeds: no flag, and never merge the "
           "twins", SRC_MERGE, TRAP)  # fmt: skip
    h = Home("10", "Clinton Road", "Redruth", "TR15 2LP")
    kac = b.person("twin_a", "Kacper", "Kowalski", born=dt.date(2022, 8, 3), sex="M", home=h)
    kub = b.person("twin_b", "Jakub", "Kowalski", born=dt.date(2022, 8, 3), sex="M", home=h)
    hk = b.record("hv", kac)
    b.event(hk, 600, "2-2.5 yr review", "Twin 1. Well, 50th centile, ASQ all above cut-off. Speaks Polish + English.")
    gk = b.record("gp", kac)
    b.event(gk, 90, "Immunisation", "Pre-school booster given, mum present.")
    ek = b.record("ey", kac, given="Kacper K")
    b.event(ek, 60, "Accident form", "Grazed knee in nursery garden, witnessed, cleaned, mum told at pick-up.")
    hj = b.record("hv", kub, given="Kuba")
    b.event(
        hj,
        600,
        "2-2.5 yr review",
        "Twin 2. Severe haemophilia A (known since birth, haematology). Several bruises shins + forearms, consistent "
        "with condition, on haem bruise log. Prophylaxis via port, parents trained.",
    )
    gj = b.record("gp", kub, nhs=False)
    b.event(gj, 150, "Consultation", "Port site check, clean. Haemophilia A, factor VIII prophylaxis per haematology.")
    ej = b.record("ey", kub, given="Kuba")
    b.event(
        ej,
        62,
        "Accident form",
        "Bruise L thigh after bumping a table, witnessed. Known haemophilia - care plan followed, mum phoned.",
    )
    dj = b.record("ed-tor", kub, dob="")
    b.event(
        dj,
        40,
        "ED attendance",
        "4M haemophilia A, swollen R knee after fall at soft play, ?joint bleed. Factor VIII given per plan, "
        "haematology aware. D/c.",
    )
    b.merge_traps_differ()
    return b.expect(None)


def tr20() -> Scenario:
    b = _b("TR20", "Maisie Penrose (Truro, 2 March 2012) and Maisy Penrose (St Austell, 3 February 2012), unrelated "
           "girls; the Truro girl's police record swaps her birthday's day and month, giving the St Austell girl's: "
           "flag only the Truro girl, sexually exploited", SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("at_risk", "Maisie", "Penrose", born=dt.date(2012, 3, 2), sex="F",
                 home=Home("6", "Daniell Road", "Truro", "TR1 2DA"))  # fmt: skip
    z = b.person("other", "Maisy", "Penrose", born=dt.date(2012, 2, 3), sex="F",
                 home=Home("33", "Polkyth Road", "St Austell", "PL25 4LN"))  # fmt: skip
    pa = b.record("police", a, swap_dob=True)
    b.event(
        pa,
        90,
        "MISPER - high risk",
        "14F missing overnight. Found 05:00 in a car in Newquay with 2 adult males (22, 25), intoxicated, says one is "
        "her 'boyfriend'. CSE risk assessment: high.",
    )
    ca = b.record("camhs", a)
    b.event(
        ca,
        60,
        "Self-harm assessment",
        "Cutting thighs, took 10 paracetamol last wk. 'Older friends' give her vodka and vapes, picks her up from "
        "school.",
    )
    sa = b.record("school", a)
    b.event(
        sa,
        110,
        "Attendance - unauthorised",
        "54%. Seen getting into cars with older males after school. Mum can't say where she is at night.",
    )
    ga = b.record("gp", a, given="Maisie-Jo")
    b.event(ga, 45, "Consultation", "14F requesting STI screen + pill. New 'boyfriend' aged 22. D/w safeguarding lead.")
    sz = b.record("school", z)
    b.event(sz, 100, "CPOMS - Achievement", "Maisy P: county netball squad. Attendance 97%.")
    gz = b.record("gp", z, given="Maisie")
    b.event(gz, 80, "Consultation", "14F acne, w/ mum. Topical treatment.")
    ez = b.record("ed-rde", z, given="Maisie", dob="")
    b.event(ez, 40, "ED attendance", "14F inversion injury R ankle at netball, witnessed by coach. Sprain. D/c.")
    b.merge_traps_differ()
    return b.expect(a, ["police", "camhs", "school", "gp"])


SCENARIOS = [cn109, bn109, cn110, bn110, cn111, bn111, cn112, bn112, cn113, bn113, cn114, bn114, cn115, bn115,
             cn116, bn116, cn117, bn117, cn118, bn118, tr19, tr20]  # fmt: skip
FRESH9_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
