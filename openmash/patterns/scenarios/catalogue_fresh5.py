"""The scenario catalogue, part seven: a fifth held-out set (CN69-CN78, BN69-BN78, TR11-TR12), `FRESH5_CODES`.

Written on 2026-12-01 by an author who did not read the rules, the phrase lists, the indicator reader, the engine,
the evaluation or the README's results and diagnosis text (only model.py, the catalogues' conventions and themes,
and the fourth set's format), so that `openmash bench flags --only` on these codes gives an honest figure for
scenarios the rules were never fitted to. Themes are ones the earlier parts do not have (each scenario's
``source``): financially motivated sextortion of a teenage boy; a man convicted of sexual offences against
children moving in with a mother who told probation she had no children; a concealed pregnancy and an unassisted
birth at home; a 15-year-old placed far from home in unregistered accommodation; adolescent-to-parent violence
masking a boy's own harm; children living with a cannabis grow in the loft; neglect in an affluent family (a
teenager left alone while the parents work abroad); an eating disorder with parents who stop treatment; a
crying baby and a father's temper; domestic abuse in a same-sex couple recorded as a "dispute". Each concerning
scenario spreads across two to four agencies (some of it in an adult's record), each in its own words (Smoothwall
alerts, Action Fraud referrals, MAPPA licence conditions, BBA ePCRs, CME notifications, meter-abstraction notices,
MEED risk ratings, ICON advice, nursery concern logs), with the usual noise: short forms (Cal, Immy, Lils, Maddie,
Kez), a misspelled or hyphen-dropped surname, day and month swapped, blank dates of birth and NHS numbers,
addresses in capitals or abbreviated. Every benign twin has events that look alike but whose records explain
them. The two traps are cousins and namesakes written so a careless match would merge them. See catalogue.py for
the conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_SEXTORTION = (
    "National Crime Agency alert on financially motivated sexual extortion of children (2024) and the Panel's "
    "annual report 2022-23 on online harm: a boy paying a blackmailer, withdrawing, then self-harming"
)
SRC_RSO = (
    "Child Safeguarding Practice Review Panel, 'The myth of invisible men' (2021), MAPPA guidance (2024) and the "
    "child sex offender disclosure scheme: a registered sex offender on licence moving in with a mother of a child"
)
SRC_CONCEALED = (
    "NSPCC learning from case reviews on concealed and denied pregnancy and local partnership concealed pregnancy "
    "protocols: no antenatal care, an unassisted birth at home, early self-discharge, the baby then unseen"
)
SRC_UNREGISTERED = (
    "Ofsted and DfE on unregistered children's homes and supported accommodation for under-16s (2021-2024) and the "
    "Panel's 'It was hard to escape' (2020): a child placed far from home going missing with older men"
)
SRC_APVA = (
    "Home Office, 'Information guide: adolescent to parent violence and abuse' (2015), and local reviews in which a "
    "boy's violence at home was treated as the problem while his own neglect and abuse went unseen"
)
SRC_CANNABIS = (
    "NPCC and local partnership guidance on children found at cannabis cultivation sites, and Modern Slavery Act "
    "2015 statutory guidance: smell, blacked-out windows, electricity abstraction, a parent injured in the loft"
)
SRC_AFFLUENT = (
    "Bernard, 'Hidden from view: neglect in affluent families' (Goldsmiths, 2019), and Ofsted, 'Growing up "
    "neglected' (2018): a teenager left alone for weeks, parents unreachable, needs unmet"
)
SRC_EATING = (
    "Royal College of Psychiatrists, 'Medical emergencies in eating disorders (MEED)' (2022), and NICE NG69: a "
    "child with anorexia whose parents stop treatment and remove her against medical advice"
)
SRC_CRYING = (
    "The ICON programme ('Infant crying is normal') and the Panel's review of non-accidental injury in babies under "
    "one (2022): persistent crying as the trigger, the father unseen by health visiting, a 'floppy' episode"
)
SRC_SAMESEX = (
    "SafeLives, 'Free to be safe' (2018) and Galop research on domestic abuse in LGBT+ relationships: abuse "
    "between two women recorded as a 'dispute' or 'a row between friends', the young child's exposure missed"
)


# 69 Financially motivated sextortion of a teenage boy (school, police on the mother's record, GP, ED)
def cn69() -> Scenario:
    b = _b("CN69", "financially motivated sextortion of a teenage boy", SRC_SEXTORTION, C, "BN69")
    h = Home("14", "Trelawney Road", "Plymouth", "PL3 4JX")
    child = b.person("child", "Callum", "Penhaligon", born=dt.date(2011, 5, 9), sex="M", home=h)
    mum = b.adult("mother", "Tracy", "Penhaligon", age=(41, 30), sex="F", home=h)
    sc = b.record("school", child, given="Cal")
    b.event(
        sc,
        140,
        "CPOMS - Online safety",
        "Smoothwall alert: Cal signed into Instagram on a school Chromebook in ICT, searches 'how to get someone "
        "to delete pics' and 'can police trace a snapchat'. Spoke to Cal - said it was for a mate. Advised, logged.",
    )
    b.event(
        sc,
        60,
        "CPOMS - Pastoral",
        "Tutor: Cal withdrawn since half term, phone face down on the desk, jumps when it buzzes. Asked two friends "
        "to lend him £20 each. Grades down in every subject. Said 'nothing's wrong, leave it'.",
    )
    pol = b.record("police", mum, family="PENHALIGAN")
    b.event(
        pol,
        90,
        "Fraud - Action Fraud referral",
        "Mrs Penhaligon reports her son (15) made 6 transfers totalling £340 from his debit card to an account "
        "in a name she does not know, all after midnight over two nights. Son will not say why, only that he "
        "'owed someone'. Advised to contact bank. Reference issued. No further police action.",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        35,
        "Telephone consultation",
        "Mum: Callum not sleeping, up all night on his phone, off his food, lost weight, stays in his room. Not "
        "spoken to directly. Sleep hygiene advice. Review 4/52 if no better.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        20,
        "ED attendance",
        "15M took 16 x paracetamol at 03:00, told mum at 07:00. Level below the treatment line. Says he 'couldn't "
        "see a way out', would not say of what; kept his phone under his pillow in cubicles. Psych liaison seen, "
        "safety plan, discharged home with mum, CAMHS letter.",
    )
    return b.expect(child, ["school", "police", "gp", "ed-tor"])


def bn69() -> Scenario:
    b = _b("BN69", "financially motivated sextortion of a teenage boy", SRC_SEXTORTION, B, "CN69")
    h = Home("3", "Lipson Vale", "Plymouth", "PL4 7HH")
    child = b.person("child", "Ethan", "Nancekivell", age=(15, 140), sex="M", home=h)
    mum = b.adult("mother", "Michelle", "Nancekivell", age=(44, 90), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        140,
        "CPOMS - Online safety",
        "Smoothwall alert: searches 'sextortion' and 'can police trace a snapchat' in Y10 PSHE. Checked with Mr "
        "Daw - set research task on online blackmail for the online safety unit. False positive, closed.",
    )
    b.event(
        sc,
        60,
        "CPOMS - Pastoral",
        "Ethan quieter since his grandad died last month. Mum rang to let us know. School counsellor weekly, Ethan "
        "says it helps. Grades holding up.",
    )
    pol = b.record("police", mum)
    b.event(
        pol,
        90,
        "Fraud - Action Fraud referral",
        "Mrs Nancekivell reports £340 taken from her son's debit card over two nights. Son admitted on the phone "
        "to officer that he bought FIFA points and a game skin; apologised. Bank refunding as a minor's account. "
        "Words of advice, no offence.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        35,
        "Telephone consultation",
        "Spoke to Ethan and mum: sleeping badly around mocks and since grandad died, eating OK. Bereavement "
        "leaflet, sleep hygiene. Ethan says school counsellor helping.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        20,
        "ED attendance",
        "15M fell off skateboard at the skate park, FOOSH, witnessed by friends. X-ray L wrist: no fracture. "
        "Sprain, splint, home with mum.",
    )
    return b.expect(None)


# 70 A registered sex offender on licence moves in with a mother of a young girl (probation, housing association,
# school, GP)
def cn70() -> Scenario:
    b = _b("CN70", "a man convicted of offences against children moving in", SRC_RSO, C, "BN70")
    h = Home("3/22", "Mill Street", "Bideford", "EX39 2JT")
    child = b.person("child", "Lily-Rose", "Quance", born=dt.date(2017, 4, 11), sex="F", home=h)
    mum = b.adult("mother", "Kerry", "Quance", age=(33, 150), sex="F", home=h)
    man = b.adult("partner", "Gavin", "Sleeman", age=(44, 20), sex="M",
                  home=Home("Ashley House", "Okehampton Street", "Exeter", "EX4 1DY"))  # fmt: skip
    pr = b.record("probation", man, pnc=True)
    b.event(
        pr,
        210,
        "Licence - release",
        "Released from HMP Channings Wood on licence to Approved Premises, Exeter. Index offences: sexual assault of "
        "a child under 13, making indecent images of children. RSO, MAPPA category 1 level 2. Licence conditions: "
        "no unsupervised contact with any child under 18, disclose any developing relationship to OM.",
    )
    b.event(
        pr,
        120,
        "Probation supervision",
        "Reports visiting 'a friend' in Bideford at weekends, female, says she has no kids. Would not give her "
        "address. OM to verify. Late for supervision, said the bus.",
    )
    b.event(
        pr,
        45,
        "Approved Premises - curfew breach",
        "Not at AP overnight on three nights this month. Says he stayed at his girlfriend Kez's in Bideford, Mill "
        "St. Repeats she has no children. Written warning. Police PPU asked to do an address check - not yet done.",
    )
    hs = b.record("ha", mum, family="Quaince")
    b.event(
        hs,
        80,
        "Housing - tenancy visit",
        "Annual tenancy visit. Male present, introduced as 'Gav', said he stays 'now and then'. Men's clothes and "
        "shaving things in the bathroom. Tenant advised to tell HB of any change in household. Daughter at school.",
    )
    sc = b.record("school", child, given="Lils")
    b.event(
        sc,
        60,
        "CPOMS - Safeguarding",
        "Lils (Y4) collected by a man, 'Gav', not on her contacts list. Mum phoned to say it was fine. Lils says "
        "Gav lets her stay up late to watch films on his phone when mum is at work.",
    )
    b.event(
        sc,
        18,
        "CPOMS - Safeguarding",
        "Lils very tired, asked to go to the toilet a lot, said she is sore. Told TA that Gav gives her sweets and "
        "'it's our secret'. Mum says Gav is her boyfriend and 'brilliant with her'. DSL aware.",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        30,
        "Consultation",
        "9F dysuria and vulval soreness, second time in 3 months. Urine dip negative, culture "
        "negative last time. Hygiene advice. Mum mentions new partner helps with bath time.",
    )
    return b.expect(child, ["probation", "ha", "school", "gp"])


def bn70() -> Scenario:
    b = _b("BN70", "a man convicted of offences against children moving in", SRC_RSO, B, "CN70")
    h = Home("5/9", "Meddon Street", "Bideford", "EX39 2EQ")
    child = b.person("child", "Poppy", "Lovering", age=(9, 100), sex="F", home=h)
    mum = b.adult("mother", "Sian", "Lovering", age=(31, 40), sex="F", home=h)
    man = b.adult("partner", "Darren", "Heard", age=(38, 200), sex="M",
                  home=Home("Ashley House", "Okehampton Street", "Exeter", "EX4 1DY"))  # fmt: skip
    pr = b.record("probation", man, pnc=True)
    b.event(
        pr,
        210,
        "Licence - release",
        "Released from HMP Exeter on licence to Approved Premises. Index offence: burglary (non-dwelling), "
        "shoplifting. MAPPA not applicable. No child-related offending or concerns on PNC or CSC checks.",
    )
    b.event(
        pr,
        120,
        "Probation supervision",
        "Disclosed new relationship with Sian Lovering, Bideford, who has a daughter aged 9. Full address given. "
        "Domestic abuse and safeguarding enquiries requested as routine.",
    )
    b.event(
        pr,
        45,
        "Probation supervision",
        "Checks returned: no DA call-outs, CSC no concerns. Home visit with Sian present - she knows his offending. "
        "Move to her address approved at licence end. Compliant, in work.",
    )
    hs = b.record("ha", mum)
    b.event(
        hs,
        80,
        "Housing - tenancy visit",
        "Annual tenancy visit. Tenant had already notified us that partner Darren Heard will join the household "
        "and the HB claim is updated. Property in good order.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        60,
        "CPOMS - Contact change",
        "Mum came in with Darren to add him to Poppy's collection list; ID seen, password set. Poppy happy, chatty "
        "about the new puppy.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        30,
        "Consultation",
        "9F dysuria 2/7, fever 38.1. Dip: nitrites and leucocytes positive, culture E. coli. UTI, trimethoprim. "
        "First episode. Attended with mum.",
    )
    return b.expect(None)


# 71 Concealed pregnancy, an unassisted birth at home, the baby then unseen (ambulance, maternity, HV, GP)
def cn71() -> Scenario:
    b = _b("CN71", "concealed pregnancy and an unassisted birth at home", SRC_CONCEALED, C, "BN71")
    h = Home("61", "Ham Drive", "Plymouth", "PL2 2NH")
    baby = b.person("child", "Ruby", "Bickle", age=75, sex="F", home=h)
    mum = b.adult("mother", "Chantelle", "Bickle", age=(22, 300), sex="F", home=h)
    am = b.record("amb", baby, given="Baby", family="Bickle", nhs=False)
    b.event(
        am,
        75,
        "999 - born before arrival (BBA)",
        "Called by MOP 'girl bleeding in the bathroom'. Female infant delivered by mother alone on bathroom floor, "
        "cord cut with kitchen scissors. Mother (22) states she did not know she was pregnant, no booking, no ANC. "
        "Baby temp 35.2 on arrival, skin to skin, warmed. Both conveyed to Derriford.",
    )
    mw = b.record("midwifery", mum, nhs=False, home=Home("61", "Ham Dr", "Plymouth", "PL2 2NH"))
    b.event(
        mw,
        74,
        "Postnatal - self-discharge",
        "Unbooked, concealed pregnancy, approx 38/40 by exam. Says she hid it from her partner and her mum. Declined "
        "to talk to the safeguarding midwife. Self-discharged with baby at 14 hours before the newborn exam and "
        "before the hearing screen, against advice. Community MW to visit.",
    )
    b.event(
        mw,
        66,
        "Postnatal visit - no access",
        "Day 9 visit: no answer x2, curtains closed, phone off. Baby not weighed since birth. Discharged to HV with "
        "a handover flagging concealed pregnancy.",
    )
    hv = b.record("hv", baby, given="Ruby-Mae")
    b.event(hv, 58, "New birth visit - no access", "NBV: no answer. Card left. Phone goes to voicemail.")
    b.event(
        hv,
        40,
        "New birth visit",
        "Seen on the doorstep only, mum would not let me in, said baby asleep upstairs. Baby not seen. Mum flat, "
        "said 'it's fine, I don't need help'. Rebooked.",
    )
    b.event(hv, 22, "Was Not Brought (WNB)", "6-8 week review at clinic: not brought. No contact.")
    gp = b.record("gp", baby, given="Ruby-Mae", nhs=False, dob="")
    b.event(
        gp,
        12,
        "Immunisation - DNA",
        "8 week primary immunisations: not brought. Newborn hearing screen and NIPE never completed per the Child "
        "Health record. 2nd invite sent.",
    )
    return b.expect(baby, ["amb", "midwifery", "hv", "gp"])


def bn71() -> Scenario:
    b = _b("BN71", "concealed pregnancy and an unassisted birth at home", SRC_CONCEALED, B, "CN71")
    h = Home("12", "Wolseley Road", "Plymouth", "PL2 3AA")
    baby = b.person("child", "Isabella", "Dawe", age=80, sex="F", home=h)
    mum = b.adult("mother", "Charlotte", "Dawe", age=(29, 10), sex="F", home=h)
    am = b.record("amb", baby, given="Baby", nhs=False)
    b.event(
        am,
        80,
        "999 - born before arrival (BBA)",
        "Rapid labour, 40 minutes. Booked at Derriford, 39/40, normal pregnancy. Baby delivered by mum with partner "
        "and midwife on the phone. Baby pink, crying, temp 36.7. Both conveyed for checks per protocol.",
    )
    mw = b.record("midwifery", mum)
    b.event(
        mw,
        79,
        "Postnatal - discharge",
        "Booked at 9 weeks, all antenatal appointments attended. Precipitate birth at home. Newborn exam and hearing "
        "screen done, feeding well. Discharged home with community follow-up.",
    )
    b.event(mw, 70, "Postnatal visit", "Day 10: baby weighed, back to birth weight. Mum well, partner on leave.")
    hv = b.record("hv", baby)
    b.event(hv, 66, "New birth visit", "NBV at home: baby seen and weighed, thriving. Safe sleep discussed.")
    b.event(
        hv,
        22,
        "Was Not Brought (WNB)",
        "6-8 week review: cancelled by mum the day before as baby admitted to Derriford with bronchiolitis. "
        "Rebooked for next week.",
    )
    gp = b.record("gp", baby)
    b.event(
        gp,
        12,
        "Immunisation",
        "8 week imms delayed one week after bronchiolitis admission (discharge letter seen). Given today, well.",
    )
    return b.expect(None)


# 72 A 15-year-old placed far from home in unregistered accommodation, going missing (police, ED, youth, education)
def cn72() -> Scenario:
    b = _b("CN72", "a child placed out of area in unregistered accommodation", SRC_UNREGISTERED, C, "BN72")
    h = Home("2/17", "Athenaeum Street", "Plymouth", "PL1 2RH")
    child = b.person("child", "Amber-Leigh", "Dunn", born=dt.date(2011, 2, 6), sex="F", home=h)
    pol = b.record("police", child, swap_dob=True)
    b.event(
        pol,
        150,
        "Missing person - medium",
        "DUNN, Amber-Leigh, 15, reported missing by a support worker from 'supported lodgings' run by a private "
        "provider; placed here by a London borough. No staff overnight. Found 02:10 on Union St with two adult "
        "males. Returned. Return interview for the placing authority.",
    )
    b.event(
        pol,
        95,
        "Missing person - medium",
        "3rd missing this month. Staff say she 'comes and goes'. Located in a vehicle in a car park with a 23M "
        "known for supply, vehicle smelled of cannabis. Male given words of advice.",
    )
    ed = b.record("ed-plh", child, given="Amber", family="Dunne", nhs=False)
    b.event(
        ed,
        70,
        "ED attendance",
        "15F intoxicated, brought by police from the bus station. Initially gave her age as 18. Says she lives 'in a "
        "flat on my own, staff come in the day'. Fingertip bruising to both upper arms, would not explain. "
        "Discharged to a support worker at 06:00.",
    )
    yt = b.record("youth", child, given="Amber", dob="")
    b.event(
        yt,
        40,
        "Detached session",
        "Amber (surname not known) on Union St again with older lads in a car. Says she's 'from London, on my own "
        "down here', no school, no money for food. New phone. Gave her our number.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        30,
        "CME - notification",
        "Notification from the placing authority: placed in Plymouth since spring, no school place, PEP overdue. "
        "Not on any roll for 5 months. Application started.",
    )
    return b.expect(child, ["police", "ed-plh", "youth", "school"])


def bn72() -> Scenario:
    b = _b("BN72", "a child placed out of area in unregistered accommodation", SRC_UNREGISTERED, B, "CN72")
    h = Home("Harbour View", "Mannamead Road", "Plymouth", "PL3 5QJ")
    child = b.person("child", "Shannon", "Coyle", age=(15, 210), sex="F", home=h)
    pol = b.record("police", child)
    b.event(
        pol,
        150,
        "Missing person - low",
        "COYLE, Shannon, 15, Ofsted-registered children's home. 40 min late back from the cinema with a friend, home "
        "followed its missing protocol, she walked in before officers deployed. Return interview done next day.",
    )
    ed = b.record("ed-plh", child)
    b.event(
        ed,
        70,
        "ED attendance",
        "15F inversion injury R ankle at school football. Keyworker with her. X-ray no fracture, sprain, crutches.",
    )
    yt = b.record("youth", child)
    b.event(yt, 40, "Youth club session", "Shannon at Thursday club with her keyworker, on the dance project.")
    sc = b.record("school", child)
    b.event(
        sc,
        30,
        "PEP review",
        "Termly PEP with her social worker and the home: attendance 96%, on track for GCSEs, pupil premium plus used "
        "for tutoring.",
    )
    return b.expect(None)


# 73 Adolescent-to-parent violence masking a boy's own neglect and a mother's partner's abuse (police on the
# mother's record, school, CAMHS)
def cn73() -> Scenario:
    b = _b("CN73", "adolescent-to-parent violence masking a boy's own harm", SRC_APVA, C, "BN73")
    h = Home("9", "Barton Road", "Torquay", "TQ1 4DT")
    child = b.person("child", "Kieran", "Luxton", born=dt.date(2012, 3, 2), sex="M", home=h)
    mum = b.adult("mother", "Nicola", "Luxton", age=(38, 60), sex="F", home=h)
    pol = b.record("police", mum)
    b.event(
        pol,
        180,
        "Domestic incident - APVA",
        "Mother reports son (14) punched a hole in his bedroom door and pushed her into the wall when she took his "
        "phone. Son calm on arrival. No injury. Mother did not want action. DASH standard. Boy's room: no bedding, "
        "mattress on the floor.",
    )
    b.event(
        pol,
        75,
        "Domestic incident - APVA",
        "Second call: Kieran threw a plate, mother's forearm cut. Mum: 'he's his dad all over again'. Kieran said "
        "mum's boyfriend 'does worse to her and to me'. Not explored further, boyfriend not present. DASH standard.",
    )
    sc = b.record("school", child, given="Keiran", swap_dob=True)
    b.event(
        sc,
        120,
        "CPOMS - Behaviour",
        "Keiran 3 day suspension for hitting a Y8. Arrives with no breakfast, same uniform all week, smells. Says he "
        "sleeps at his mate's most nights because 'home's mental'.",
    )
    b.event(
        sc,
        30,
        "CPOMS - Safeguarding",
        "Bruising on the side of Keiran's neck. Said 'mum's fella grabbed me', then said it was play fighting. Mum "
        "told at pick-up, said he is a liar. Logged by DSL.",
    )
    cm = b.record("camhs", child, nhs=False)
    b.event(
        cm,
        100,
        "Referral - not accepted",
        "GP referral: anger, aggression at home. Does not meet threshold for specialist CAMHS. Signposted to the "
        "APVA parenting programme. Mother did not take it up.",
    )
    return b.expect(child, ["police", "school", "camhs"])


def bn73() -> Scenario:
    b = _b("BN73", "adolescent-to-parent violence masking a boy's own harm", SRC_APVA, B, "CN73")
    h = Home("26", "Lymington Road", "Torquay", "TQ1 4BD")
    child = b.person("child", "Oscar", "Widger", age=(14, 90), sex="M", home=h)
    mum = b.adult("mother", "Rachel", "Widger", age=(42, 10), sex="F", home=h)
    pol = b.record("police", mum)
    b.event(
        pol,
        180,
        "Concern for welfare",
        "Mother called for advice: son (14, autistic, EHCP) in a meltdown after his routine changed, kicked his "
        "door. Calm on arrival, mum unhurt. Family known to the autism outreach team who have a plan; mum says she "
        "will use it. No offences.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        120,
        "CPOMS - Behaviour",
        "Oscar left the classroom and hit the wall after a fire drill. Behaviour support plan followed, calm room. "
        "Mum phoned, agreed extra warning before drills. Breakfast club daily.",
    )
    b.event(sc, 30, "EHCP annual review", "Good progress. Mum, SENCo and outreach present. Fewer meltdowns.")
    cm = b.record("camhs", child)
    b.event(
        cm,
        100,
        "Neurodevelopmental pathway",
        "Accepted. Mum attending the NVR parent group, reports it is helping. Sleep improved on melatonin.",
    )
    return b.expect(None)


# 74 Children living with a cannabis grow in the loft (housing association and ambulance on the father's record,
# school)
def cn74() -> Scenario:
    b = _b("CN74", "children living with a cannabis grow at home", SRC_CANNABIS, C, "BN74")
    h = Home("41", "Efford Road", "Plymouth", "PL3 6NF")
    child = b.person("child", "Charlie", "Tonkin", born=dt.date(2018, 1, 8), sex="M", home=h)
    b.person("sibling", "Maddison", "Tonkin", age=(3, 40), sex="F", home=h)
    dad = b.adult("father", "Lee", "Tonkin", age=(34, 120), sex="M", home=h)
    ha = b.record("ha", dad)
    b.event(
        ha,
        160,
        "ASB - neighbour complaint",
        "Next door reports a strong smell of cannabis and a humming noise day and night from the loft. Upstairs "
        "windows covered with foil. Letter sent to tenant.",
    )
    b.event(
        ha,
        100,
        "Gas safety - no access",
        "Annual gas safety check: 3rd no access. Tenant refused entry at the door, said the kids were asleep. "
        "Electricity supplier notice received: suspected meter bypass at the property.",
    )
    am = b.record("amb", dad, family="TONKINS")
    b.event(
        am,
        55,
        "999 - electrical injury",
        "34M electrical burn R hand and fall from loft ladder, states 'fixing the lights'. Strong smell of cannabis "
        "on the landing, partner would not let crew go upstairs. Two young children in the house. Pt declined "
        "conveyance, capacity assessed.",
    )
    sc = b.record("school", child, swap_dob=True)
    b.event(
        sc,
        45,
        "CPOMS - Welfare",
        "Charlie (Y3) smells strongly of cannabis - clothes and book bag. Very tired. Said the 'fans in the loft are "
        "loud' and he is not allowed upstairs past his room. 'Dad's plants are a secret.'",
    )
    b.event(
        sc,
        10,
        "CPOMS - Attendance",
        "Attendance 82%. Late most days, dad drops him at 09:40. Mum not answering calls about the smell.",
    )
    return b.expect(child, ["ha", "amb", "school"])


def bn74() -> Scenario:
    b = _b("BN74", "children living with a cannabis grow at home", SRC_CANNABIS, B, "CN74")
    h = Home("7", "Ernesettle Lane", "Plymouth", "PL5 2EY")
    child = b.person("child", "Harvey", "Doidge", age=(8, 150), sex="M", home=h)
    dad = b.adult("father", "Jamie", "Doidge", age=(36, 10), sex="M", home=h)
    ha = b.record("ha", dad)
    b.event(
        ha,
        160,
        "ASB - neighbour complaint",
        "Neighbour reports a cannabis smell. Officer visited both houses: nothing at the tenant's, smell traced to "
        "the garden of a property behind (not ours). Complaint closed, tenant thanked.",
    )
    b.event(
        ha,
        100,
        "Repair - electrical",
        "Tenant reported the lights tripping. Electrician found a faulty consumer unit, replaced. Gas safety check "
        "done the same day, pass.",
    )
    am = b.record("amb", dad)
    b.event(
        am,
        55,
        "999 - fall",
        "36M fell from loft ladder laying insulation (HA-approved job), ?# L wrist. Wife and children present. "
        "Conveyed to Derriford.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        45,
        "CPOMS - Welfare",
        "Harvey tired this week - new baby sister waking at night, mum told his teacher. Otherwise happy.",
    )
    return b.expect(None)


# 75 Neglect in an affluent family: a 14-year-old left alone while the parents work abroad (ED, police, school, GP)
def cn75() -> Scenario:
    b = _b("CN75", "neglect in an affluent family: a teenager left alone", SRC_AFFLUENT, C, "BN75")
    h = Home("12", "Pennsylvania Road", "Exeter", "EX4 6DH")
    child = b.person("child", "Imogen", "Ashworth-Hale", born=dt.date(2012, 6, 4), sex="F", home=h)
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        130,
        "ED attendance",
        "14F alcohol intoxication, GCS 13, brought by a friend's mother from a house party. Parents abroad "
        "('working in Dubai'), not reachable for 4 hours. Collected by 19yo brother at 04:00.",
    )
    pol = b.record("police", child, family="ASHWORTH HALE", swap_dob=True)
    b.event(
        pol,
        80,
        "ASB - noise / party",
        "Large party at the address, approx 60 teenagers, alcohol, no adults. Resident Imogen (14) says parents "
        "'away for a few weeks' and brother out. Party dispersed. Unable to reach parents; no adult came back "
        "while officers present.",
    )
    sc = b.record("school", child, given="Immy", family="Ashworth")
    b.event(
        sc,
        60,
        "Pastoral note",
        "Immy: attendance down to 84%, late most days, lost weight, no PE kit for weeks. Trip forms and money never "
        "returned, parents' emails unanswered. Says she 'does her own food'. Nobody came to Y9 parents' evening.",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        25,
        "Consultation",
        "14F attended alone: heavy periods, tired, weight down 4kg. Hb 9.8. Says parents travel for work, could not "
        "give a contact number. Asked for contraception - Fraser competent. Follow-up bloods not attended.",
    )
    return b.expect(child, ["ed-rde", "police", "school", "gp"])


def bn75() -> Scenario:
    b = _b("BN75", "neglect in an affluent family: a teenager left alone", SRC_AFFLUENT, B, "CN75")
    h = Home("5", "St Leonards Road", "Exeter", "EX2 4LA")
    child = b.person("child", "Florence", "Cardew", age=(14, 200), sex="F", home=h)
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        130,
        "ED attendance",
        "14F sprained wrist at a trampoline park. Grandmother with her (looking after her while parents on a "
        "work trip); mum on the phone from abroad, consented to X-ray. No fracture.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        80,
        "ASB - noise",
        "Noise complaint: 15th birthday party, about 20 teenagers, grandmother at home and a parent of a guest "
        "helping. Music turned down, no further issues.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        60,
        "Pastoral note",
        "Parents abroad for 3 weeks on work. Mum emailed in advance: grandmother staying, her number added to "
        "contacts. Florence attending, settled. Grandmother came to parents' evening.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        25,
        "Consultation",
        "14F with mum: heavy periods, Hb 10.9. Iron started, tranexamic acid. Follow-up bloods booked and attended.",
    )
    return b.expect(None)


# 76 An eating disorder with parents who stop treatment (CAMHS eating disorders, school, GP, ED)
def cn76() -> Scenario:
    b = _b("CN76", "an eating disorder with parents who stop treatment", SRC_EATING, C, "BN76")
    h = Home("18", "Cary Avenue", "Torquay", "TQ1 3QT")
    child = b.person("child", "Freya", "Penrose", born=dt.date(2013, 1, 9), sex="F", home=h)
    b.adult("father", "Mark", "Penrose", age=(47, 5), sex="M", home=h)
    cm = b.record("camhs", child)
    b.event(
        cm,
        150,
        "Referral - accepted (CEDS urgent)",
        "GP referral: restricting, weight loss 8kg in 4 months, excessive exercise. BMI 15.2 (%mBMI 82). Urgent "
        "assessment offered.",
    )
    b.event(
        cm,
        110,
        "DNA - Was Not Brought",
        "Not brought to the CEDS assessment. Dad rang: 'she's just a fussy eater, we'll sort it ourselves'. Risks "
        "explained. New date sent.",
    )
    b.event(
        cm,
        60,
        "DNA - Was Not Brought",
        "Not brought x2 more. No weight monitoring for 6 weeks. Letter to parents and GP: physical risk not known.",
    )
    sc = b.record("school", child, given="Freya", family="Penrose", swap_dob=True)
    b.event(
        sc,
        90,
        "CPOMS - Medical",
        "Freya fainted in PE, pale and cold. TA sees her put her lunch in the bin every day. Parents told, dad said "
        "she eats 'fine at home' and asked us not to make a fuss.",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        40,
        "Telephone consultation",
        "Dad asking for Freya to be discharged from CEDS, says she is eating well. Not seen since spring, no weight "
        "recorded. Asked to bring her in - no appointment made.",
    )
    ed = b.record("ed-tor", child, dob="")
    b.event(
        ed,
        15,
        "ED attendance",
        "13F collapse at school. HR 38, BP 78/44, postural drop, BM 3.2, %mBMI ~75. MEED red. Admission advised; "
        "parents took her home against medical advice after 3 hrs. Paeds consultant informed.",
    )
    return b.expect(child, ["camhs", "school", "gp", "ed-tor"])


def bn76() -> Scenario:
    b = _b("BN76", "an eating disorder with parents who stop treatment", SRC_EATING, B, "CN76")
    h = Home("44", "St Marychurch Road", "Torquay", "TQ1 3JE")
    child = b.person("child", "Evie", "Chudleigh", age=(13, 240), sex="F", home=h)
    cm = b.record("camhs", child)
    b.event(
        cm,
        150,
        "Referral - accepted (CEDS urgent)",
        "GP referral: restricting, BMI 15.6 (%mBMI 84). Assessed within the week with both parents. Family-based "
        "treatment started.",
    )
    b.event(cm, 60, "FBT session", "Session 8 with both parents. Weight up 2.1kg. Parents supervising all meals.")
    sc = b.record("school", child)
    b.event(
        sc,
        90,
        "CPOMS - Medical",
        "Evie felt faint in PE - known, on her CEDS care plan, PE paused. Supported lunch with the TA. Mum in "
        "daily contact.",
    )
    gp = b.record("gp", child)
    b.event(gp, 40, "Consultation", "Weekly weight and obs per CEDS plan, attended with mum. HR 58, stable.")
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        15,
        "ED attendance - admitted",
        "13F sent in by CEDS for bradycardia (HR 44). MEED amber. Admitted to paeds for monitoring and refeeding "
        "with both parents resident and in agreement.",
    )
    return b.expect(None)


# 77 A crying baby and a father's temper (HV, GP, ambulance, police on the father's record)
def cn77() -> Scenario:
    b = _b("CN77", "a crying baby and a father's temper", SRC_CRYING, C, "BN77")
    h = Home("2", "Exe Vale Road", "Exeter", "EX2 6LF")
    baby = b.person("child", "Leo", "Widdicombe", age=64, sex="M", home=h)
    b.adult("mother", "Jade", "Widdicombe", age=(21, 100), sex="F", home=h)
    dad = b.adult("father", "Ryan", "Hext", age=(24, 250), sex="M", home=h)
    hv = b.record("hv", baby)
    b.event(
        hv,
        50,
        "New birth visit",
        "Day 14. Crying 'all the time' per mum. Mum tearful, says Ryan 'can't stand it, he goes mad'. ICON "
        "discussed with mum; dad at work. Weight ok.",
    )
    b.event(
        hv,
        10,
        "No access visit",
        "6-8 week review at home: dad answered, said through the door 'we don't need you lot', would not open it. "
        "Baby heard crying. Rebooked.",
    )
    gp = b.record("gp", baby, given="Leo", nhs=False)
    b.event(
        gp,
        35,
        "Consultation",
        "7/52 'excessive crying', 3rd consultation. Dad brought him, irritable and short with staff; said he has to "
        "'shake the pram hard to shut him up'. Examined clothed only, no obvious injury. Colic advice.",
    )
    am = b.record("amb", baby, given="Baby", family="WIDDICOMBE", dob="")
    b.event(
        am,
        20,
        "999 - infant unresponsive episode",
        "Father called: 'baby went floppy and stopped breathing' after a feed. On arrival infant alert and crying, "
        "obs within range. Father declined conveyance, left with advice to see GP. Mother not present.",
    )
    pol = b.record("police", dad, family="HEXT")
    b.event(
        pol,
        120,
        "Domestic incident",
        "Neighbour heard shouting, male punched a wall. Female heavily pregnant. Both say argument over money. "
        "Hext has a 2022 caution for assault on an ex-partner. DASH standard.",
    )
    return b.expect(baby, ["hv", "gp", "amb", "police"])


def bn77() -> Scenario:
    b = _b("BN77", "a crying baby and a father's temper", SRC_CRYING, B, "CN77")
    h = Home("17", "Burnthouse Lane", "Exeter", "EX2 6AZ")
    baby = b.person("child", "Theo", "Brimacombe", age=70, sex="M", home=h)
    b.adult("mother", "Kelly", "Brimacombe", age=(27, 30), sex="F", home=h)
    dad = b.adult("father", "Adam", "Brimacombe", age=(29, 60), sex="M", home=h)
    hv = b.record("hv", baby)
    b.event(
        hv,
        50,
        "New birth visit",
        "Day 20. Crying a lot in the evenings, both parents present. ICON discussed with both: dad says his plan is "
        "to put baby down safe and walk away for 5 minutes, and ring his mum. Coping well.",
    )
    b.event(hv, 10, "Health visit", "6-8 week review: both parents, baby thriving, crying easing on reflux meds.")
    gp = b.record("gp", baby)
    b.event(
        gp,
        35,
        "Consultation",
        "7/52 crying and vomiting after feeds, back-arching. Full exam undressed, no concerns. Reflux: Gaviscon "
        "infant. Parents coping, supported by HV.",
    )
    am = b.record("amb", baby, given="Baby")
    b.event(
        am,
        20,
        "999 - choking episode",
        "Mother called: baby choked on milk and went red, cleared with back blows before arrival. Alert, obs normal. "
        "Conveyed with mum for observation per protocol; discharged well.",
    )
    pol = b.record("police", dad)
    b.event(
        pol,
        120,
        "Concern for welfare",
        "Neighbour reported a baby crying for hours. Officers attended: both parents home, baby with reflux being "
        "settled, home warm and clean, HV involved. No concerns.",
    )
    return b.expect(None)


# 78 Domestic abuse in a same-sex couple recorded as a 'dispute', a pre-school child exposed (police and ED on the
# mother's record, early years)
def cn78() -> Scenario:
    b = _b("CN78", "domestic abuse between two women recorded as a dispute", SRC_SAMESEX, C, "BN78")
    h = Home("30", "Higher Brimley Road", "Teignmouth", "TQ14 8JU")
    child = b.person("child", "Isla", "Pascoe", born=dt.date(2022, 5, 3), sex="F", home=h)
    mum = b.adult("mother", "Hannah", "Pascoe", age=(29, 70), sex="F", home=h)
    b.adult("partner", "Joanne", "Kellow", age=(34, 10), sex="F", home=h)
    pol = b.record("police", mum)
    b.event(
        pol,
        170,
        "Dispute - verbal",
        "Neighbour reports two women shouting and smashing. Both say it was 'a row between friends', Joanne Kellow "
        "says she lodges there. Child asleep upstairs per occupants, not checked. Not recorded as domestic.",
    )
    b.event(
        pol,
        70,
        "Concern for welfare",
        "PASCOE, Hannah found outside the Co-op at 23:00 in nightclothes with a small child, lip bleeding, upset. "
        "Says her housemate locked her out. Declined to say more. Taken back to the address, housemate calm.",
    )
    ed = b.record("ed-tor", mum, family="Pasco")
    b.event(
        ed,
        110,
        "ED attendance",
        "29F # R 5th metacarpal. Said she punched a wall, later that she fell. Friend (Jo) answered most questions "
        "for her. Left before plaster check.",
    )
    ey = b.record("ey", child, swap_dob=True)
    b.event(
        ey,
        40,
        "Nursery concern log",
        "Isla in home corner hitting the doll, shouting 'you're useless, get out'. Flinched when a practitioner "
        "reached up past her. Mum says Jo is 'a friend who helps out'. Jo collected twice - not on the list.",
    )
    b.event(ey, 15, "Attendance", "Not in for 8 days, no call. Mum's phone off, Jo answered and hung up.")
    return b.expect(child, ["police", "ed-tor", "ey"])


def bn78() -> Scenario:
    b = _b("BN78", "domestic abuse between two women recorded as a dispute", SRC_SAMESEX, B, "CN78")
    h = Home("8", "Coombe Vale Road", "Teignmouth", "TQ14 9EW")
    child = b.person("child", "Rosie", "Trethewey", age=(4, 120), sex="F", home=h)
    mum = b.adult("mother", "Laura", "Trethewey", age=(32, 40), sex="F", home=h)
    b.adult("partner", "Sam", "Nicholls", age=(33, 300), sex="F", home=h)
    pol = b.record("police", mum)
    b.event(
        pol,
        170,
        "Dispute - neighbour",
        "Parking dispute in the street between Laura Trethewey, her wife Sam Nicholls and a neighbour; raised "
        "voices, no violence, no injuries. Words of advice to all. Child at grandparents'.",
    )
    ed = b.record("ed-tor", mum)
    b.event(
        ed,
        110,
        "ED attendance",
        "32F # R 5th metacarpal after falling off her bike on the cycle path, wife with her. Buddy strapped, fracture "
        "clinic booked and attended.",
    )
    ey = b.record("ey", child)
    b.event(
        ey,
        40,
        "Nursery note",
        "Rosie played weddings in the home corner, 'Mummy and Mama Sam'. Both mums on the collection list with a "
        "password.",
    )
    b.event(ey, 15, "Attendance", "Away 8 days on a family holiday in Scotland, notified in advance.")
    return b.expect(None)


# Traps ---------------------------------------------------------------------------------------------------------
def tr11() -> Scenario:
    b = _b("TR11", "cousins Lacey and Lacie-Mae on one street, swapped-looking birthdays: flag only the right child",
           SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("at_risk", "Lacey", "Trebilcock", born=dt.date(2017, 3, 7), sex="F",
                 home=Home("4", "Chapel Street", "Newton Abbot", "TQ12 1QT"))  # fmt: skip
    z = b.person("other", "Lacie-Mae", "Trebilcock", born=dt.date(2017, 7, 3), sex="F",
                 home=Home("19", "Chapel Street", "Newton Abbot", "TQ12 1QR"))  # fmt: skip
    b.adult("mother", "Stacey", "Trebilcock", age=(30, 10), sex="F", home=a.home)
    pa = b.record("police", a, family="TREBILCOCK")
    b.event(
        pa,
        95,
        "Domestic incident - child present",
        "Mother's partner kicked the front door in. Lacey (9) found in her bedroom with her hands over her ears. "
        "DASH medium. Partner arrested and bailed not to attend.",
    )
    b.event(
        pa,
        25,
        "Domestic incident - child present",
        "Bail breach: partner at the address, drunk, mother with a cut eyebrow. Lacey had a red mark to her cheek, "
        "said she 'got in the way'.",
    )
    sa = b.record("school", a, given="Lacey")
    b.event(
        sa,
        60,
        "CPOMS - Safeguarding",
        "Lacey (Y4) hungry, hair matted, says 'Dean' is back at home and mum told her not to tell. Late 9 times "
        "this half term.",
    )
    ga = b.record("gp", a, nhs=False)
    b.event(ga, 45, "DNA - Was Not Brought", "Asthma review: not brought, 3rd time. Inhaler not collected.")
    sz = b.record("school", z, given="Lacie")
    b.event(sz, 70, "CPOMS - Attendance", "Authorised absence 3 days: tonsillitis, mum phoned each day.")
    ez = b.record("ed-rde", z, given="Lacey", swap_dob=True)
    b.event(
        ez,
        30,
        "ED attendance",
        "9F fell off the trampoline at home, witnessed by dad. Bruise and graze R cheek, no LOC. Home with dad.",
    )
    gz = b.record("gp", z)
    b.event(gz, 40, "Asthma review", "Attended with mum, well controlled, inhaler technique good.")
    b.merge_traps_differ()
    return b.expect(a, ["police", "school", "gp"])


def tr12() -> Scenario:
    b = _b("TR12", "Jack and Jake Stevens, unrelated, one school year, both once spelled Stephens: flag only the right child",
           SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("at_risk", "Jack", "Stevens", born=dt.date(2012, 10, 21), sex="M",
                 home=Home("27", "Wykes Road", "Exeter", "EX1 2UG"))  # fmt: skip
    z = b.person("other", "Jake", "Stevens", born=dt.date(2012, 11, 12), sex="M",
                 home=Home("27", "Wyndham Avenue", "Exeter", "EX1 2PE"))  # fmt: skip
    pa = b.record("police", a, family="STEPHENS", pnc=False)
    b.event(
        pa,
        50,
        "Fraud - money laundering (money mule)",
        "Jack STEPHENS (13) - bank reports his student account received £2,400 in 9 payments and sent it straight "
        "on. Jack says an older lad from the park gave him £100 to 'use his card'. Voluntary interview with mum. "
        "Account frozen.",
    )
    sa = b.record("school", a)
    b.event(
        sa,
        80,
        "CPOMS - Safeguarding",
        "Jack S. (9JW): new £200 trainers and a second phone; keeps leaving at lunch, seen getting into a car with "
        "older males at the gate. Said they are 'mates from the park'. NB Jack and Jake Stevens in Y9, not related - this is Jack, Wykes Rd.",
    )
    b.event(sa, 20, "CPOMS - Attendance", "Jack S. (9JW): 3 sessions missing after registration this week.")
    ya = b.record("youth", a, dob="")
    b.event(
        ya,
        35,
        "Detached session",
        "Jack S (about 13, Wykes Rd) with two older lads, 18-20, in the park after dark, holding a bag he wouldn't "
        "put down. Lads told him to 'come on'. Gave info on keeping safe.",
    )
    sz = b.record("school", z)
    b.event(sz, 60, "CPOMS - Achievement", "Jake S. (9PR): county cross-country, came 4th.")
    gz = b.record("gp", z, family="Stephens")
    b.event(gz, 30, "Consultation", "13M knee pain after running, Osgood-Schlatter, advice.")
    b.merge_traps_differ()
    return b.expect(a, ["police", "school", "youth"])


SCENARIOS = [cn69, bn69, cn70, bn70, cn71, bn71, cn72, bn72, cn73, bn73, cn74, bn74, cn75, bn75, cn76, bn76,
             cn77, bn77, cn78, bn78, tr11, tr12]  # fmt: skip
FRESH5_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
