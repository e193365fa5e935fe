"""The scenario catalogue, part three: adolescents (self-harm and missing, radicalisation, online abuse, teenage
relationship abuse, older-child neglect, trafficking, serious youth violence, cuckooing, repeat missing) and the
do-not-merge traps. See catalogue.py for the conventions."""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import (
    SRC_CCE,
    SRC_MERGE,
    SRC_OLDERNEG,
    SRC_ONLINE,
    SRC_RADICAL,
    SRC_SELFHARM,
    SRC_TRA,
    SRC_TRAFFICK,
    SRC_VIOLENCE,
    B,
    C,
    _b,
)
from openmash.patterns.scenarios.model import TRAP, Home, Scenario


# 24 Adolescent self-harm with missing episodes
def cn24() -> Scenario:
    b = _b("CN24", "adolescent self-harm with missing episodes", SRC_SELFHARM, C, "BN24")
    h = Home("16", "Heavitree Road", "Exeter", "EX1 2LB")
    kid = b.person("child", "Kayleigh", "Couch", born=dt.date(2011, 7, 3), sex="F", home=h)
    ed = b.record("ed-rde", kid, given="Kayley")
    b.event(
        ed,
        150,
        "Self harm presentation",
        "Overdose of 16 paracetamol after argument at home. Medically fit. CAMHS liaison: referred.",
    )
    b.event(
        ed, 20, "Self harm presentation", "Deep cuts to forearm needing steri-strips. Says she 'wants it all to stop'."
    )
    cam = b.record("camhs", kid)
    b.event(cam, 120, "CAMHS referral - not accepted", "Does not meet threshold; signposted to online support.")
    pol = b.record("police", kid, swap_dob=True)
    b.event(pol, 90, "Missing person", "Missing overnight, found on the railway bridge at Exeter St Davids.")
    b.event(pol, 30, "Missing person", "Missing 2 days. Found at an adult male's flat. Would not say how she knew him.")
    return b.expect(kid, ["ed-rde", "camhs", "police"])


def bn24() -> Scenario:
    b = _b("BN24", "adolescent self-harm with missing episodes", SRC_SELFHARM, B, "CN24")
    h = Home("5", "Polsloe Road", "Exeter", "EX1 2DS")
    kid = b.person("child", "Tegan", "Hawke", age=(15, 75), sex="F", home=h)
    ed = b.record("ed-rde", kid)
    b.event(ed, 150, "ED attendance", "Wrist injury falling off her bike, x-ray normal. No self-harm. Mum present.")
    cam = b.record("camhs", kid)
    b.event(
        cam,
        120,
        "CAMHS referral",
        "Exam stress: offered a school-based mental health practitioner, attended 4 sessions, improving, discharged.",
    )
    return b.expect(None)


# 25 Radicalisation
def cn25() -> Scenario:
    b = _b("CN25", "radicalisation", SRC_RADICAL, C, "BN25")
    h = Home("21", "Ladysmith Road", "Exeter", "EX1 2PP")
    kid = b.person("child", "Connor", "Vivian", age=(15, 190), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        80,
        "DSL note",
        "Connor sharing extreme right-wing videos and a manifesto on the school network; "
        "said the mosque 'should be burned'. Prevent referral discussed.",
    )
    b.event(
        sch,
        40,
        "Suspension",
        "Suspension for racist abuse of a Year 8 pupil; drawing of a weapon with extremist symbols in his planner.",
    )
    pol = b.record("police", kid, given="Conor")
    b.event(
        pol,
        30,
        "Prevent referral",
        "Online activity: in contact with adults in an extremist group chat, "
        "researching how to make explosives. Referred to Channel.",
    )
    return b.expect(kid, ["school", "police"])


def bn25() -> Scenario:
    b = _b("BN25", "radicalisation", SRC_RADICAL, B, "CN25")
    h = Home("12", "St Leonards Road", "Exeter", "EX2 4LA")
    kid = b.person("child", "Ethan", "Sobey", age=(15, 200), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        80,
        "DSL note",
        "Ethan researching the Second World War for his history GCSE coursework; teacher "
        "checked the sites, appropriate. No concerns.",
    )
    return b.expect(None)


# 26 Online abuse (sextortion)
def cn26() -> Scenario:
    b = _b("CN26", "online abuse", SRC_ONLINE, C, "BN26")
    h = Home("50", "Marldon Road", "Paignton", "TQ3 3NH")
    kid = b.person("child", "Freya", "Kendall", age=(12, 300), sex="F", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        45,
        "Online safety concern",
        "12yo coerced into sending indecent images to an adult posing as a "
        "15yo boy; now being blackmailed for more. Devices seized.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        60,
        "DSL note",
        "Freya on her phone through the night, falling asleep in lessons, withdrawn, said 'someone has pictures'.",
    )
    cam = b.record("camhs", kid, nhs=False)
    b.event(cam, 20, "CAMHS referral", "Low mood and suicidal ideation after online blackmail.")
    return b.expect(kid, ["police", "school", "camhs"])


def bn26() -> Scenario:
    b = _b("BN26", "online abuse", SRC_ONLINE, B, "CN26")
    h = Home("8", "Totnes Road", "Paignton", "TQ4 5JU")
    kid = b.person("child", "Harriet", "Dunstan", age=(12, 310), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        60,
        "DSL note",
        "Online safety assembly: Harriet reported a spam message to her teacher; parents "
        "informed, no contact made with anyone. Good practice.",
    )
    return b.expect(None)


# 27 Teenage relationship abuse
def cn27() -> Scenario:
    b = _b("CN27", "teenage relationship abuse", SRC_TRA, C, "BN27")
    h = Home("13", "Fore Street", "Tiverton", "EX16 6LN")
    kid = b.person("child", "Shannon", "Rickard", age=(16, 100), sex="F", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        60,
        "Domestic incident",
        "16yo female assaulted by her 19yo boyfriend in the street, pulled by the hair. Does not support. DASH medium.",
    )
    ed = b.record("ed-rde", kid, given="Shanon")
    b.event(
        ed,
        25,
        "ED attendance",
        "Black eye and bruised neck. Says she 'walked into a door'. Boyfriend waiting outside, answering for her.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        40,
        "Attendance - unauthorised",
        "College: attendance fallen to 55%; boyfriend waits at the gate and she leaves with him.",
    )
    return b.expect(kid, ["police", "ed-rde", "school"])


def bn27() -> Scenario:
    b = _b("BN27", "teenage relationship abuse", SRC_TRA, B, "CN27")
    h = Home("4", "Bampton Street", "Tiverton", "EX16 6AA")
    kid = b.person("child", "Lauren", "Uglow", age=(16, 120), sex="F", home=h)
    ed = b.record("ed-rde", kid)
    b.event(
        ed,
        25,
        "ED attendance",
        "Black eye from a netball match (ball to the face), teammates present. Consistent account.",
    )
    sch = b.record("school", kid)
    b.event(sch, 40, "Attendance - authorised", "College: authorised absence for a university open day.")
    return b.expect(None)


# 28 Neglect of an older child
def cn28() -> Scenario:
    b = _b("CN28", "neglect of an older child", SRC_OLDERNEG, C, "BN28")
    h = Home("31", "Castle Street", "Barnstaple", "EX31 1DR")
    kid = b.person("child", "Brandon", "Gilbert", age=(14, 40), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        110,
        "DSL note",
        "Brandon stealing food from the canteen, shoes split, same uniform unwashed. "
        "Says there is no gas or electric at home.",
    )
    b.event(sch, 45, "Persistent absence", "Attendance 64%, parents not responding to letters.")
    pol = b.record("police", kid)
    b.event(
        pol,
        70,
        "Concern for welfare",
        "14yo found sleeping in the bus station at 01:00, said his mum 'doesn't "
        "care where I am'. Taken home; no adult present until 03:00.",
    )
    gp = b.record("gp", kid, nhs=False)
    b.event(gp, 60, "DNA", "Dental abscess, not brought to emergency dental referral. Severe decay noted.")
    return b.expect(kid, ["school", "police", "gp"])


def bn28() -> Scenario:
    b = _b("BN28", "neglect of an older child", SRC_OLDERNEG, B, "CN28")
    h = Home("6", "Boutport Street", "Barnstaple", "EX31 1RX")
    kid = b.person("child", "Callum", "Bice", age=(14, 60), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        70,
        "Concern for welfare",
        "14yo reported at the bus station after missing the last bus home from "
        "football; dad collected him within 20 minutes. No concerns.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        60,
        "Was not brought",
        "Dental check moved at parent's request because of a school trip; rebooked and attended.",
    )
    return b.expect(None)


# 29 Trafficking: a child found in a cannabis factory
def cn29() -> Scenario:
    b = _b("CN29", "trafficking and modern slavery", SRC_TRAFFICK, C, "BN29")
    h = Home("88", "Embankment Road", "Plymouth", "PL4 9HY")
    kid = b.person("child", "Van Minh", "Nguyen", age=(15, 30), sex="M", home=h)
    pol = b.record("police", kid, dob="")
    b.event(
        pol,
        40,
        "Arrest",
        "Found locked inside a cannabis grow at 88 Embankment Rd. No documents, no English, "
        "says he is 15. Arrested for cultivation. NRM referral to be considered.",
    )
    ed = b.record("ed-plh", kid, given="Minh", family="Nguyen Van")
    b.event(
        ed,
        39,
        "ED attendance",
        "Burns to hands from grow lamps, malnourished. Accompanied by police. Age uncertain, says 15.",
    )
    yj = b.record("yjs", kid)
    b.event(
        yj,
        20,
        "NRM referral",
        "Referred to the National Referral Mechanism as a potential victim of modern "
        "slavery; went missing from foster placement for 2 days.",
    )
    return b.expect(kid, ["police", "ed-plh", "yjs"])


def bn29() -> Scenario:
    b = _b("BN29", "trafficking and modern slavery", SRC_TRAFFICK, B, "CN29")
    h = Home("10", "Lisson Grove", "Plymouth", "PL4 7DL")
    kid = b.person("child", "Bao", "Tran", age=(15, 40), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch, 40, "In-year admission", "Arrived with his parents on a family visa, EAL support in place, settling well."
    )
    ed = b.record("ed-plh", kid)
    b.event(
        ed,
        39,
        "ED attendance",
        "Minor burn to hand from a kettle at home, parents present, dressing applied. Consistent history.",
    )
    return b.expect(None)


# 30 Serious youth violence
def cn30() -> Scenario:
    b = _b("CN30", "serious youth violence", SRC_VIOLENCE, C, "BN30")
    h = Home("5", "Efford Road", "Plymouth", "PL3 6NG")
    kid = b.person("child", "Jermaine", "Coombe", age=(16, 50), sex="M", home=h)
    ed = b.record("ed-plh", kid)
    b.event(
        ed,
        15,
        "ED attendance",
        "Stab wound to the thigh. Says he does not know who did it; refuses police "
        "involvement. Left before treatment finished.",
    )
    pol = b.record("police", kid, pnc=True)
    b.event(
        pol,
        16,
        "Victim of crime",
        "Reported stabbing on Efford estate, victim 16yo known to associate with "
        "a local drug-dealing group. Non-cooperative.",
    )
    b.event(pol, 95, "Crime suspect", "Suspect in a robbery of a younger boy's phone with a group; knife shown.")
    sch = b.record("school", kid, given="Jermain")
    b.event(sch, 120, "Permanent exclusion", "Permanently excluded after a fight and bringing a bladed article.")
    return b.expect(kid, ["ed-plh", "police", "school"])


def bn30() -> Scenario:
    b = _b("BN30", "serious youth violence", SRC_VIOLENCE, B, "CN30")
    h = Home("22", "Peverell Park Road", "Plymouth", "PL3 4LT")
    kid = b.person("child", "Marcus", "Pearce", age=(16, 70), sex="M", home=h)
    ed = b.record("ed-plh", kid)
    b.event(
        ed,
        15,
        "ED attendance",
        "Laceration to thigh from a garden fence while retrieving a football; "
        "brought by mum, sutured, tetanus up to date.",
    )
    return b.expect(None)


# 31 Cuckooing of a vulnerable parent's home, children in it
def cn31() -> Scenario:
    b = _b("CN31", "child criminal exploitation (cuckooing)", SRC_CCE, C, "BN31")
    h = Home("2/17", "Morice Street", "Plymouth", "PL1 4PS")
    kid = b.person("child", "Kai", "Hoskin", age=(13, 120), sex="M", home=h)
    mum = b.adult("mother", "Sharon", "Hoskin", age=(41, 50), sex="F", home=h)
    hs = b.record("housing", mum)
    b.event(
        hs,
        100,
        "ASB complaint",
        "Neighbours report visitors at all hours, smell of cannabis, a young boy answering the door to strangers.",
    )
    pol = b.record("police", kid, given="Kye")
    b.event(
        pol,
        60,
        "Drugs warrant",
        "Warrant executed: crack cocaine and scales found. Two adult males from "
        "London present. Mother's 13yo son at home, holding GBP 300.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        80,
        "Attendance - unauthorised",
        "Kai absent most Mondays and Fridays, new trainers and phone, older boys waiting for him.",
    )
    return b.expect(kid, ["police", "school"])


def bn31() -> Scenario:
    b = _b("BN31", "child criminal exploitation (cuckooing)", SRC_CCE, B, "CN31")
    h = Home("9", "Keyham Road", "Plymouth", "PL2 1RD")
    kid = b.person("child", "Louis", "Rowe", age=(13, 130), sex="M", home=h)
    mum = b.adult("mother", "Rachel", "Rowe", age=(40, 50), sex="F", home=h)
    hs = b.record("housing", mum)
    b.event(
        hs, 100, "ASB complaint", "Noise complaint about a dog barking; owner advised, resolved. No further complaints."
    )
    sch = b.record("school", kid)
    b.event(sch, 80, "Attendance - authorised", "Absent for a hospital appointment, letter provided.")
    return b.expect(None)


# 32 A younger child repeatedly missing from home
def cn32() -> Scenario:
    b = _b("CN32", "repeated missing episodes of a younger child", SRC_SELFHARM, C, "BN32")
    h = Home("40", "Torquay Road", "Paignton", "TQ3 2AH")
    kid = b.person("child", "Jayden", "Bray", age=(11, 200), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        150,
        "Missing from home",
        "11yo missing until 23:00, found in a park with older teenagers, smelling of cannabis.",
    )
    b.event(
        pol,
        90,
        "Missing person",
        "Missing overnight. Says he stayed with 'a mate's older brother'. Refused return interview.",
    )
    b.event(pol, 20, "Missing from home", "Third episode; found 20 miles away in Exeter with a 19yo.")
    sch = b.record("school", kid)
    b.event(sch, 60, "DSL note", "Jayden says mum's boyfriend hits him so he stays out. Attendance falling to 80%.")
    return b.expect(kid, ["police", "school"])


def bn32() -> Scenario:
    b = _b("BN32", "repeated missing episodes of a younger child", SRC_SELFHARM, B, "CN32")
    h = Home("3", "Preston Down Road", "Paignton", "TQ3 2RN")
    kid = b.person("child", "Reggie", "Lugg", age=(11, 210), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        90,
        "Missing person",
        "11yo not home at 18:00; found at 18:40 at a friend's birthday tea, parent "
        "had the wrong pick-up time. All well.",
    )
    return b.expect(None)


# ------------------------------------------------------------------------------------------------- do-not-merge
# T1 Twins: same surname, date of birth and address, different given names; neither alone is a concern.
def tr01() -> Scenario:
    b = _b("TR01", "twins: do not merge", SRC_MERGE, TRAP)
    h = Home("19", "Trelawney Road", "Plymouth", "PL3 4JU")
    a = b.person("twin_a", "Lily", "Penhale", age=(13, 80), sex="F", home=h)
    z = b.person("twin_b", "Lola", "Penhale", age=(13, 80), sex="F", home=h)
    pa = b.record("police", a)
    b.event(
        pa,
        100,
        "Missing person",
        "13yo not home by curfew; returned at 22:30 with her friend, apologetic. Return interview: no concerns.",
    )
    b.event(
        pa,
        40,
        "Concern for welfare",
        "Seen alone in the city centre at 20:00; officers took her home to mum. No concerns.",
    )
    sz = b.record("school", z)
    b.event(sz, 60, "Attendance - unauthorised", "Lola: two unauthorised days, parents on holiday dates clash.")
    ez = b.record("ed-plh", z)
    b.event(ez, 30, "ED attendance", "Lola: sprained wrist at trampoline park, friends' parent present.")
    return b.expect(None)


# T2 Cousins with near-identical names and day/month-swapped birthdays in different homes.
def tr02() -> Scenario:
    b = _b("TR02", "cousins with near-identical names: do not merge", SRC_MERGE, TRAP)
    a = b.person(
        "cousin_a",
        "Jayden",
        "Clarke",
        born=dt.date(2012, 4, 3),
        sex="M",
        home=Home("12", "Alma Road", "Exeter", "EX2 4QE"),
    )
    z = b.person(
        "cousin_b",
        "Jaden",
        "Clarke",
        born=dt.date(2012, 3, 4),
        sex="M",
        home=Home("47", "Priory Road", "Torquay", "TQ1 4NG"),
    )
    pa = b.record("police", a)
    b.event(pa, 50, "Victim of crime", "Bike stolen from outside the library. Crime number given. No concerns.")
    b.event(pa, 20, "Concern for welfare", "Found locked out after school, mum 15 minutes late from work. All well.")
    sz = b.record("school", z)
    b.event(sz, 70, "Suspension", "One-day internal suspension for vaping in the toilets. Parents supportive.")
    ez = b.record("ed-tor", z)
    b.event(
        ez,
        35,
        "A&E attendance",
        "Hand injury punching a wall after losing a football match; remorseful, parents present.",
    )
    return b.expect(None)


# T3 Two boys with one of the commonest names and the same date of birth: only one of them is at risk.
def tr03() -> Scenario:
    b = _b("TR03", "same name and date of birth: flag only the right child", SRC_MERGE, TRAP)
    a = b.person(
        "at_risk", "Mohammed", "Ali", age=(15, 140), sex="M", home=Home("7", "Cattedown Road", "Plymouth", "PL4 0PN")
    )
    z = b.person(
        "other", "Muhammad", "Ali", age=(15, 140), sex="M", home=Home("33", "Whiteford Road", "Plymouth", "PL3 5LZ")
    )
    ea = b.record("ed-plh", a)
    b.event(ea, 80, "Self harm presentation", "Ligature marks to neck after being bullied; discharged to family.")
    b.event(ea, 15, "Self harm presentation", "Second presentation: cuts to arms, says life is not worth living.")
    pa = b.record("police", a)
    b.event(pa, 40, "Missing person", "Missing overnight, found on the Hoe sea wall at 04:00.")
    ca = b.record("camhs", a)
    b.event(ca, 60, "CAMHS referral - not accepted", "Low mood and self-harm; waiting list, signposted.")
    sz = b.record("school", z, given="Mohammed")
    b.event(sz, 50, "Attendance - authorised", "Absent for Eid; authorised.")
    gz = b.record("gp", z)
    b.event(gz, 30, "GP appointment", "Asthma review, well controlled.")
    return b.expect(a, ["ed-plh", "police", "camhs"])


# T4 Two girls with nicknamed given names and swapped day/month birthdays, in different towns.
def tr04() -> Scenario:
    b = _b("TR04", "nickname and swapped birthday in another town: do not merge", SRC_MERGE, TRAP)
    a = b.person(
        "girl_a",
        "Kayleigh",
        "Morgan",
        born=dt.date(2011, 2, 9),
        sex="F",
        home=Home("4", "Barrack Road", "Exeter", "EX2 6AB"),
    )
    z = b.person(
        "girl_b",
        "Kayley",
        "Morgan",
        born=dt.date(2011, 9, 2),
        sex="F",
        home=Home("60", "Newport Road", "Barnstaple", "EX32 9BG"),
    )
    pa = b.record("police", a)
    b.event(
        pa,
        45,
        "Missing person",
        "Stayed at a friend's after a party without telling mum; found next morning "
        "at the friend's house, parents there. No concerns.",
    )
    sz = b.record("school", z)
    b.event(sz, 60, "Attendance - unauthorised", "Three days unauthorised absence - family holiday in term time.")
    cz = b.record("camhs", z)
    b.event(cz, 30, "CAMHS referral", "Exam anxiety; school counsellor involved; low risk.")
    return b.expect(None)


SCENARIOS = [cn24, bn24, cn25, bn25, cn26, bn26, cn27, bn27, cn28, bn28, cn29, bn29, cn30, bn30, cn31, bn31,
             cn32, bn32, tr01, tr02, tr03, tr04]  # fmt: skip
