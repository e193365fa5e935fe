"""The scenario catalogue, part eight: a sixth held-out set (CN79-CN88, BN79-BN88, TR13-TR14), `FRESH6_CODES`.

Written on 2026-12-01 by an author who did not read the rules, the phrase lists, the indicator reader, the engine,
the evaluation, the other catalogues' scenario texts or the README's results (only model.py and the fifth set's
file format), so that `openmash bench flags --only` on these codes gives an honest figure for scenarios the rules
were never fitted to. Themes (each scenario's ``source``): neglect of a disabled child whose mother declines
support; domestic abuse escalating through "standard" incidents and a mother's injuries; a non-mobile baby with a
mark, an oral injury and a head injury "from rolling"; a man with a history of domestic abuse living unseen with a
mother who says she is single; county-lines exploitation of a 15-year-old; an unnotified private fostering
arrangement; a teenager drawn into extreme right-wing groups; an older boyfriend's coercive control of a
15-year-old; a mother's alcohol dependence seen by a drug and alcohol service, an ambulance crew and the school;
fabricated or induced illness across two hospitals, a GP, a pharmacy and the school. The set brings in three
agencies the earlier parts never used (a dental service, adult social care, school nursing). Each concerning
scenario spreads over months across three to five agencies, some of it only in an adult's record, each agency in
its own shorthand; the usual noise (nicknames, a surname misspelled or another parent's surname, day and month
swapped, blank dates of birth and NHS numbers). Each benign twin has look-alike events whose records explain
them. TR13 is two unrelated boys whose merged records would invent a pattern (no flag); TR14 is two girls whose
dates of birth are each other's day/month swap (a flag on the right girl only). See catalogue.py for the
conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_DISABLED = (
    "NSPCC learning from case reviews on deaf and disabled children, and the Panel's reviews of safeguarding "
    "disabled children with complex health needs (2022-2023): missed health and dental care, weight loss, unmet "
    "personal care, a struggling carer who declines support, the child unable to tell anyone"
)
SRC_DA_ESCALATION = (
    "SafeLives DASH risk identification guidance and the Domestic Abuse Act 2021 (a child affected is a victim in "
    "their own right): repeated 'verbal only' incidents, a mother's unexplained injuries, a partner who never leaves"
)
SRC_NONMOBILE_INJURY = (
    "NICE CG89, 'Child maltreatment: when to suspect maltreatment in under 18s', and the Panel's review of "
    "non-accidental injury in babies under one (2022): a mark, an oral injury and a head injury in a baby who "
    "cannot yet move, each explained away"
)
SRC_UNSEEN_MAN = (
    "Child Safeguarding Practice Review Panel, 'The myth of invisible men' (2021): a mother telling services she is "
    "single while a man with a history of domestic abuse lives in the home"
)
SRC_COUNTY_LINES = (
    "Child Safeguarding Practice Review Panel, 'It was hard to escape' (2020), and Home Office guidance on county "
    "lines (criminal exploitation of children and vulnerable adults): missing episodes in another town, cash, "
    "phones, an injury, older men"
)
SRC_PRIVATE_FOSTERING = (
    "Children Act 1989 Part IX and the Children (Private Arrangements for Fostering) Regulations 2005: a child cared "
    "for 28 days or more by someone who is not a close relative, never notified to the local authority"
)
SRC_RADICALISATION = (
    "Prevent duty guidance (Home Office, 2023) and Channel duty guidance: a teenager drawn to extreme right-wing "
    "online groups, the signs seen separately by school, police, the youth service and the GP"
)
SRC_TEEN_RELATIONSHIP = (
    "Home Office definition of domestic abuse (extended to 16-17-year-olds in 2013) and NSPCC learning on teenage "
    "relationship abuse: an older boyfriend's control of a 15-year-old, injuries, withdrawal from school"
)
SRC_PARENT_ALCOHOL = (
    "ACMD, 'Hidden harm' (2003), and local reviews on parental substance misuse: a mother's alcohol dependence, "
    "disengagement from treatment, a young child left without care and signs of neglect at school"
)
SRC_FII = (
    "RCPCH, 'Perplexing presentations (PP) / fabricated or induced illness (FII) in children' (2021): reported "
    "symptoms no clinician sees, attendances at several hospitals, requests for tests and treatments"
)


# 79 Neglect of a disabled child (special school, dental, GP, adult social care on the mother's record)
def cn79() -> Scenario:
    b = _b("CN79", "neglect of a disabled child", SRC_DISABLED, C, "BN79")
    h = Home("3", "Polwhele Close", "Truro", "TR1 3QE")
    child = b.person("child", "Oakley", "Tregunna", born=dt.date(2016, 3, 7), sex="M", home=h)
    mum = b.adult("mother", "Kerry", "Tregunna", age=(38, 200), sex="F", home=h)
    sc = b.record("school", child, given="Oak")
    b.event(
        sc,
        262,
        "MyConcern - personal care",
        "TA: O arrived in Fri's clothes, pad saturated on arrival (prob not changed o/night), skin red + broken "
        "in groin. Barrier cream applied per IHP. Txt to mum - no reply.",
    )
    b.event(
        sc,
        151,
        "Attendance - unauthorised",
        "4 days no contact. Escort says nobody answering door x2. O. is non-verbal so can't say why he was off.",
    )
    b.event(
        sc,
        44,
        "MyConcern - health/wellbeing",
        "Weighed at clinic day: 3.1kg lighter than Jan. Ravenous at snack, lunchbox empty most days. Wheelchair "
        "footplate broken since summer, shoes too small - toes curled under.",
    )
    dn = b.record("dent", child, swap_dob=True, nhs=False)
    b.event(
        dn,
        203,
        "FTA - failed to attend",
        "2nd FTA for GA assessment (multiple carious lesions). Pt has CP + non-verbal. Letter to parent. Per "
        "policy re-offer once then d/c back to GDP.",
    )
    b.event(
        dn,
        88,
        "Examination",
        "Seen w/ mum. Gross caries, abscess LR6, pt grimacing + pulling away on palpation. Mum: 'he won't let me "
        "brush'. No pain relief given at home. Amoxicillin Rx, GA list re-referral.",
    )
    gp = b.record("gp", child)
    b.event(gp, 170, "Was Not Brought", "LD annual health check - WNB (2nd). Botox review w/ neuro also overdue.")
    b.event(
        gp,
        61,
        "Letter in - community paeds",
        "Neurodisability clinic: not brought x2. Wt centile 25th -> below 2nd. Unclear who prepares meals, mum "
        "described as 'struggling'. GP pls review.",
    )
    ac = b.record("asc", mum, family="Tregunnah")
    b.event(
        ac,
        221,
        "Carer's assessment - declined",
        "Ms Tregunna declined carer's assessment, 'don't want people in the house'. Respite (2 nights/mth) not "
        "taken up. Closed NFA.",
    )
    b.event(
        ac,
        29,
        "Contact - adult",
        "Kerry rang: own back injury, can't lift son to bath or bed any more, says he has slept in his chair some "
        "nights. Signposted to OT duty; no worker capacity for a visit this month.",
    )
    return b.expect(child, ["school", "dent", "gp", "asc"])


def bn79() -> Scenario:
    b = _b("BN79", "neglect of a disabled child", SRC_DISABLED, B, "CN79")
    h = Home("18", "Trevithick Road", "Camborne", "TR14 8LQ")
    child = b.person("child", "Reuben", "Rosevear", born=dt.date(2015, 11, 22), sex="M", home=h)
    mum = b.adult("mother", "Lorna", "Rosevear", age=(44, 30), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        230,
        "MyConcern - personal care",
        "Pad changed on arrival, mild redness - mum had already emailed that a rash started o/night, cream sent in "
        "bag. Resolved by Wed.",
    )
    b.event(
        sc,
        140,
        "Attendance - authorised",
        "5 days: planned RCHT admission for gastrostomy change, mum told us in advance.",
    )
    b.event(
        sc,
        50,
        "Health care plan review",
        "Weight down since feed regime changed; dietitian adjusting volumes. Mum at review. New chair on order "
        "from wheelchair services (he has grown).",
    )
    dn = b.record("dent", child)
    b.event(dn, 190, "Cancelled by patient", "Mum phoned day before - R. an inpatient at Treliske. Rebooked.")
    b.event(
        dn,
        95,
        "Examination",
        "Seen w/ mum. 2 small lesions, fluoride varnish applied. OH good considering - mum using suction brush as "
        "shown.",
    )
    gp = b.record("gp", child)
    b.event(gp, 160, "LD annual health check", "Done with mum. Wt down, under dietitian. Imms up to date.")
    ac = b.record("asc", mum)
    b.event(
        ac,
        210,
        "Carer's assessment - completed",
        "Carer's assessment completed. Respite 2 nights/month agreed, direct payment in place.",
    )
    b.event(
        ac, 35, "Review", "Lorna's back strain: OT fitted ceiling hoist; double-up carers twice daily for transfers."
    )
    return b.expect(None)


# 80 Domestic abuse escalating (police and ED on the mother's record, HV and GP on the toddler's)
def cn80() -> Scenario:
    b = _b("CN80", "domestic abuse escalation", SRC_DA_ESCALATION, C, "BN80")
    h = Home("47", "Lipson Vale", "Plymouth", "PL4 7HJ")
    child = b.person("child", "Poppy", "Crocker", born=dt.date(2025, 6, 4), sex="F", home=h)
    mum = b.adult("mother", "Leanne", "Crocker", age=(29, 80), sex="F", home=h)
    b.adult("partner", "Ryan", "Huxtable", age=(33, 10), sex="M", home=h)
    pol = b.record("police", mum, family="CROKER")
    b.event(
        pol,
        241,
        "Incident - domestic (non crime)",
        "Neighbour rang re shouting. Attended: IP + partner Ryan HUXTABLE both say verbal arg over money, nothing "
        "physical disclosed. Infant asleep upstairs. DASH standard - IP declined most questions.",
    )
    b.event(
        pol,
        112,
        "Incident - abandoned 999",
        "Silent call from IP's mobile, line dropped. On recontact 'pressed it by accident'. Units att 40 min later, "
        "all calm, male had gone. Small red mark on IP's neck, says from a necklace. DASH medium, not MARAC.",
    )
    b.event(
        pol,
        24,
        "Crime - criminal damage",
        "IP reports phone smashed by partner. Does not support prosecution, 'he's just stressed with work'. Per "
        "neighbour the baby was in her high chair in the same room.",
    )
    ed = b.record("ed-plh", mum, nhs=False)
    b.event(
        ed,
        180,
        "ED attendance",
        "29F fell down stairs at home. # L 5th MC. Partner present throughout + answered for her. Says she is "
        "'clumsy'. POP, # clinic f/u.",
    )
    b.event(
        ed,
        58,
        "ED attendance",
        "Bruising both upper arms - says from lifting toddler + buggy on bus. Alone today, tearful, wouldn't talk "
        "about home. RE asked: 'no'. D/c.",
    )
    hv = b.record("hv", child, given="Poppy-Rose")
    b.event(
        hv,
        199,
        "Contact - 9-12 month review",
        "Dad opened door and stayed in room throughout, mum quiet, little eye contact. Unable to ask RE as never "
        "alone. Dev on track.",
    )
    b.event(hv, 71, "Telephone contact", "Mum cancelled 2 visits. On phone spoke v quietly, 'can't talk now', hung up.")
    gp = b.record("gp", child, swap_dob=True)
    b.event(
        gp,
        140,
        "Consultation",
        "Cough/coryza - minor URTI, safety net. Mum has a splint on L hand. Seemed keen to get away, partner "
        "waiting in car.",
    )
    return b.expect(child, ["police", "ed-plh", "hv", "gp"])


def bn80() -> Scenario:
    b = _b("BN80", "domestic abuse escalation", SRC_DA_ESCALATION, B, "CN80")
    h = Home("12", "Efford Crescent", "Plymouth", "PL3 6NJ")
    child = b.person("child", "Arlo", "Trenerry", born=dt.date(2025, 3, 10), sex="M", home=h)
    mum = b.adult("mother", "Gemma", "Trenerry", age=(28, 150), sex="F", home=h)
    b.adult("partner", "Liam", "Trenerry", age=(30, 40), sex="M", home=h)
    pol = b.record("police", mum)
    b.event(
        pol,
        232,
        "Incident - neighbour dispute",
        "Ms TRENERRY reports banging + music from adjoining flat 2am; partner went round, words exchanged with "
        "neighbour. Advice both parties. Not a domestic.",
    )
    b.event(
        pol,
        101,
        "Call - concern for welfare",
        "Caller's partner collapsed at home (diabetic hypo). Passed to SWAST, recovered at scene. No police action.",
    )
    ed = b.record("ed-plh", mum)
    b.event(
        ed,
        176,
        "ED attendance",
        "28F R hand trapped in car door at work, colleague brought her in + witnessed. # 5th MC, buddy strap.",
    )
    b.event(
        ed,
        54,
        "ED attendance",
        "Bruised forearms - thrown from horse at riding school, instructor with her. RE asked alone: no concerns.",
    )
    hv = b.record("hv", child)
    b.event(
        hv,
        195,
        "Contact - 9-12 month review",
        "Seen mum alone for part of visit, RE asked - feels supported, partner on nights so does mornings. Dev normal.",
    )
    b.event(hv, 66, "Telephone contact", "Mum rang to move appt (clashed w/ jabs). Rebooked, attended.")
    gp = b.record("gp", child)
    b.event(gp, 136, "Consultation", "Mild bronchiolitis. Mum's hand in splint (car door). Safety net given.")
    return b.expect(None)


# 81 Injury to a non-mobile baby (HV, GP, ED; the father's surname at the hospital)
def cn81() -> Scenario:
    b = _b("CN81", "injury to a non-mobile baby", SRC_NONMOBILE_INJURY, C, "BN81")
    h = Home("5", "Barton Mews", "Newton Abbot", "TQ12 1XY")
    baby = b.person("child", "Theodore", "Spargo", born=dt.date(2026, 6, 18), sex="M", home=h)
    b.adult("mother", "Shannon", "Spargo", age=(20, 90), sex="F", home=h)
    b.adult("father", "Kai", "Westlake", age=(24, 15), sex="M", home=h)
    hv = b.record("hv", baby, given="Teddy")
    b.event(
        hv,
        93,
        "New birth visit",
        "NBV d11. BF + top-ups, wt regained. Dad says he does most nights. Tiny purplish mark L ear lobe - "
        "parents think cousin (3) grabbed him. Advice: GP if any further marks.",
    )
    b.event(
        hv,
        48,
        "Contact - 6-8 week review",
        "Wt 25th. Cries when lifted under arms, settles slowly. Dad v keen to tell me baby 'bruises easy like his "
        "mum'. Plan: routine 3-4m contact.",
    )
    gp = b.record("gp", baby)
    b.event(
        gp,
        41,
        "6 week baby check",
        "Mum mentions blood in mouth after a feed last wk - small tear upper labial frenulum, healing. Mum "
        "thinks the bottle teat. Otherwise NAD, hips/eyes ok.",
    )
    ed = b.record("ed-rde", baby, given="Teddy", family="Westlake", nhs=False)
    b.event(
        ed,
        12,
        "ED attendance",
        "13/52 boy, brought by father: 'rolled off changing mat onto floor' (~60cm). Boggy swelling R parietal, "
        "alert, feeding. Head inj advice. Father left before paeds review could be done.",
    )
    return b.expect(baby, ["hv", "gp", "ed-rde"])


def bn81() -> Scenario:
    b = _b("BN81", "injury to a non-mobile baby", SRC_NONMOBILE_INJURY, B, "CN81")
    h = Home("22", "Coach Road", "Newton Abbot", "TQ12 1EN")
    baby = b.person("child", "Nell", "Bunney", born=dt.date(2026, 6, 2), sex="F", home=h)
    b.adult("mother", "Rosie", "Bunney", age=(31, 12), sex="F", home=h)
    b.adult("father", "Dan", "Bunney", age=(33, 250), sex="M", home=h)
    hv = b.record("hv", baby)
    b.event(
        hv,
        110,
        "New birth visit",
        "NBV d10. Blue-grey patches over sacrum + buttocks - on NIPE as congenital dermal melanocytosis, marked on "
        "body map in PCHR. Feeding well.",
    )
    b.event(
        hv,
        64,
        "Contact - 6-8 week review",
        "Tongue-tie divided by infant feeding team at 3/52, healed, latch much better. Thriving, 50th.",
    )
    gp = b.record("gp", baby)
    b.event(
        gp, 60, "6 week baby check", "Frenotomy site healed. Slate-grey marks sacrum unchanged from birth record. NAD."
    )
    ed = b.record("ed-rde", baby)
    b.event(
        ed,
        15,
        "ED attendance",
        "15/52 girl, fever 38.6, both parents with her. Viral, urine clear, obs settled. Home w/ fever advice.",
    )
    return b.expect(None)


# 82 A man with a history of domestic abuse living unseen in the home (HV, housing association, police, nursery)
def cn82() -> Scenario:
    b = _b("CN82", "a man unknown to services living in the home", SRC_UNSEEN_MAN, C, "BN82")
    h = Home("9", "Fore Street", "Saltash", "PL12 6JL")
    child = b.person("child", "Maisie", "Pook", born=dt.date(2022, 2, 9), sex="F", home=h)
    mum = b.adult("mother", "Jodie", "Pook", age=(26, 77), sex="F", home=h)
    man = b.adult(
        "man", "Wayne", "Loveridge", age=(37, 300), sex="M", home=Home("2", "Saltash Road", "Plymouth", "PL2 2BB")
    )
    hv = b.record("hv", child)
    b.event(
        hv,
        301,
        "Contact - home visit",
        "Mum says no partner, just her + M. Large men's work boots and hi-vis in hall - 'my brother's'. M chatty, "
        "speech good.",
    )
    ha = b.record("ha", mum)
    b.event(
        ha,
        238,
        "Tenancy visit",
        "Neighbour complaint: a man not on the tenancy coming + going late, van on the verge most nights. Tenant "
        "denies anyone lives there, 'just a mate who pops round'.",
    )
    b.event(
        ha,
        129,
        "Repairs - job raised",
        "Operative: bedroom door kicked through, fist-sized hole in landing plaster. Tenant says her daughter ran "
        "into the door. Recharge raised.",
    )
    pol = b.record("police", man, pnc=True)
    b.event(
        pol,
        160,
        "Intelligence log",
        "Subj LOVERIDGE (2 prev DA convictions v former partners, one with a child present) said by his ex to be "
        "'living with some girl over Saltash with a little one'. Address not confirmed. Grade C.",
    )
    pr = b.record("probation", man, pnc=True)
    b.event(
        pr,
        98,
        "Office contact",
        "PoP states NFA, sofa-surfing at sister's in Plymouth. Evasive re relationships, would not name new "
        "partner. Reminded of duty to disclose.",
    )
    ey = b.record("ey", child, given="Maisy", swap_dob=True)
    b.event(
        ey,
        69,
        "Welfare concern log",
        "Maisy to key person: 'Wayne gets cross and shouts at mummy'. Tues: unknown man came to collect, not on "
        "list - handed over to mum who was sat in the car outside.",
    )
    b.event(
        ey,
        19,
        "Welfare concern log",
        "Bruising to upper L arm, 3 small round marks. Mum: fell off her scooter. Body map done, signed by mum.",
    )
    return b.expect(child, ["hv", "ha", "police", "probation", "ey"])


def bn82() -> Scenario:
    b = _b("BN82", "a man unknown to services living in the home", SRC_UNSEEN_MAN, B, "CN82")
    h = Home("31", "Callington Road", "Saltash", "PL12 6DX")
    child = b.person("child", "Isla", "Vellacott", born=dt.date(2022, 4, 3), sex="F", home=h)
    mum = b.adult("mother", "Chloe", "Vellacott", age=(27, 18), sex="F", home=h)
    uncle = b.adult("uncle", "Jamie", "Vellacott", age=(24, 190), sex="M", home=h)
    hv = b.record("hv", child)
    b.event(
        hv,
        290,
        "Contact - home visit",
        "Mum's brother Jamie staying while between flats - introduced himself, helps with nursery run. Isla well, "
        "talking in short sentences.",
    )
    ha = b.record("ha", mum)
    b.event(
        ha,
        231,
        "Tenancy visit",
        "Neighbour asked about extra adult + van. Tenant had told us in writing of a temporary lodger (brother) - "
        "permitted up to 6 months.",
    )
    b.event(
        ha,
        124,
        "Repairs - job raised",
        "Internal door split after storm (window open, door slammed). Replaced, no recharge.",
    )
    pol = b.record("police", uncle)
    b.event(pol, 150, "Vehicle stop", "Van stopped - defective brake light. Words of advice. Driver no trace on PNC.")
    ey = b.record("ey", child)
    b.event(
        ey,
        66,
        "Collection list update",
        "Mum added uncle Jamie to collection list in person, password set. Isla thrilled to see him at pick up.",
    )
    b.event(ey, 18, "Accident form", "Grazed knee falling in nursery garden. First aid, mum signed form.")
    return b.expect(None)


# 83 County lines (school, police, ED, youth service)
def cn83() -> Scenario:
    b = _b("CN83", "child criminal exploitation (county lines)", SRC_COUNTY_LINES, C, "BN83")
    h = Home("66", "Foxhole Road", "Paignton", "TQ3 3TB")
    child = b.person("child", "Kyle", "Thorne", born=dt.date(2011, 1, 8), sex="M", home=h)
    b.adult("mother", "Sharon", "Thorne", age=(43, 5), sex="F", home=h)
    sc = b.record("school", child, given="Ky")
    b.event(
        sc,
        251,
        "CPOMS - Behaviour",
        "Second phone (cheap brick) confiscated in maths. Ky very agitated to get it back - 'I'll get in trouble "
        "if I don't answer'.",
    )
    b.event(
        sc,
        139,
        "Attendance - unauthorised",
        "Missed PM reg 3 days this wk. Seen by site staff getting into grey Audi at the gates at lunch.",
    )
    b.event(
        sc,
        39,
        "CPOMS - Pastoral",
        "New North Face jacket + Nike Tech, 'my cousin got them'. Asleep in lessons, smells of weed. Tutor to "
        "ring home.",
    )
    pol = b.record("police", child, family="THORN", swap_dob=True)
    b.event(
        pol,
        190,
        "Missing person - medium",
        "MISPER 15yo reported by mother, found 36hrs later in Redruth in a flat with older males, says 'just "
        "visiting mates'. RHI offered.",
    )
    b.event(
        pol,
        76,
        "Stop and search",
        "Searched at Newton Abbot rly stn: GBP340 in sock, 2 handsets, no drugs found. Says saving for a moped. NFA.",
    )
    ed = b.record("ed-tor", child, nhs=False)
    b.event(
        ed,
        101,
        "ED attendance",
        "15M 4cm lac L palm, 'cut on a tin can'. Clean straight edge, looks like a blade. Steristrips. With a "
        "19M (not family) who answered for him.",
    )
    yt = b.record("youth", child, dob="")
    b.event(
        yt,
        54,
        "Detached session",
        "Kyle at the precinct w/ older lads not from round here (Merseyside accents), on bikes, passing small "
        "packages. Kept away from staff which isn't like him.",
    )
    return b.expect(child, ["school", "police", "ed-tor", "youth"])


def bn83() -> Scenario:
    b = _b("BN83", "child criminal exploitation (county lines)", SRC_COUNTY_LINES, B, "CN83")
    h = Home("14", "Preston Down Road", "Paignton", "TQ3 1RN")
    child = b.person("child", "Mason", "Tozer", born=dt.date(2011, 3, 12), sex="M", home=h)
    b.adult("mother", "Claire", "Tozer", age=(40, 70), sex="F", home=h)
    sc = b.record("school", child)
    b.event(sc, 246, "CPOMS - Behaviour", "Phone out in English, confiscated, returned end of day. Usual sanction.")
    b.event(
        sc,
        134,
        "Attendance - authorised",
        "PM absence x3: academy trials at Argyle, letters from club + mum in advance.",
    )
    b.event(
        sc,
        44,
        "CPOMS - Pastoral",
        "New boots + kit from club sponsor. Tired - training 5 nights. Tutor spoke to mum + coach about balance.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        80,
        "Stop account",
        "15yo stopped at Newton Abbot stn, matched description for a shop theft. Not involved - CCTV confirmed. "
        "On way to training with club pass. Apology given.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        96,
        "ED attendance",
        "15M lac L palm from studs in a tackle, coach brought him, mum met them. 4 steristrips.",
    )
    yt = b.record("youth", child)
    b.event(yt, 50, "Session note", "Mason volunteering as young leader at Sat football, great with the juniors.")
    return b.expect(None)


# 84 Unnotified private fostering (school, GP, ED, housing on the carer's record)
def cn84() -> Scenario:
    b = _b("CN84", "unnotified private fostering", SRC_PRIVATE_FOSTERING, C, "BN84")
    h = Home("2/19", "Sidwell Street", "Exeter", "EX4 6NN")
    child = b.person("child", "Tomasz", "Kowalczyk", born=dt.date(2013, 5, 2), sex="M", home=h)
    carer = b.adult("carer", "Beata", "Nowicka", age=(35, 120), sex="F", home=h)
    sc = b.record("school", child, given="Tomek", upn=False)
    b.event(
        sc,
        212,
        "Admission note",
        "In-yr admission. Adult bringing him (Ms Nowicka) is a 'family friend'; mum working in Poland. No "
        "paperwork re PR, no previous school records yet.",
    )
    b.event(
        sc,
        118,
        "MyConcern - low level",
        "Tomek tired, says he sleeps on the sofa, gets the 2 little ones ready + walks them to nursery before "
        "school. No lunch money sent.",
    )
    b.event(
        sc,
        31,
        "Attendance - unauthorised",
        "82% this half term. Ms N not answering - Tomek says she works nights. Mum's number on file not connecting.",
    )
    gp = b.record("gp", child, nhs=False, dob="")
    b.event(
        gp,
        151,
        "New patient registration",
        "Temp reg. Accompanying adult not parent, can't give imms hx or consent, says mother will 'send the "
        "papers'. Boy quiet, adult answered everything.",
    )
    ed = b.record("ed-rde", child, family="Kowalczk")
    b.event(
        ed,
        61,
        "ED attendance",
        "13M partial thickness burn R forearm ~2% TBSA, cooking at home, presented 3 days later. Came with an "
        "adult neighbour, carer 'at work'. Dressing, burns clinic f/u.",
    )
    hs = b.record("housing", carer)
    b.event(
        hs,
        89,
        "Housing options - overcrowding",
        "Ms Nowicka (1-bed) applying for larger. Household: self, own children 4 + 6, and 'a friend's boy who's "
        "with me now'. 4 in 1 bed.",
    )
    return b.expect(child, ["school", "gp", "ed-rde", "housing"])


def bn84() -> Scenario:
    b = _b("BN84", "unnotified private fostering", SRC_PRIVATE_FOSTERING, B, "CN84")
    h = Home("7", "Blackboy Road", "Exeter", "EX4 6SW")
    child = b.person("child", "Filip", "Zielinski", born=dt.date(2013, 7, 6), sex="M", home=h)
    aunt = b.adult("aunt", "Agnieszka", "Zielinska", age=(39, 11), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        206,
        "Admission note",
        "In-yr admission. Living w/ maternal aunt while mum has treatment at RD&E (oncology). Letter from mum + "
        "passport copy; mum joined admission meeting by video.",
    )
    b.event(
        sc,
        114,
        "Pastoral note",
        "Filip tired some days - visits mum on the ward after school. Counsellor offered, accepted.",
    )
    b.event(sc, 34, "Attendance", "95%. Authorised absences for hospital visits.")
    gp = b.record("gp", child)
    b.event(
        gp,
        146,
        "New patient registration",
        "Temp resident w/ aunt. Translated imms record, up to date bar MenACWY - given.",
    )
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        56,
        "ED attendance",
        "13M scald R forearm from kettle, brought same day by aunt, cooled 20 min under tap. Superficial, dressing.",
    )
    hs = b.record("housing", aunt)
    b.event(
        hs,
        84,
        "Housing options - advice",
        "Asks about a bigger home: self, partner, own child + nephew (sister's son) while sister in hospital. Not "
        "overcrowded by standard. Advice given.",
    )
    return b.expect(None)


# 85 Radicalisation (school, police, youth service, GP)
def cn85() -> Scenario:
    b = _b("CN85", "radicalisation", SRC_RADICALISATION, C, "BN85")
    h = Home("40", "Ernesettle Lane", "Plymouth", "PL5 2EY")
    child = b.person("child", "Brandon", "Northcott", born=dt.date(2010, 10, 3), sex="M", home=h)
    b.adult("mother", "Tanya", "Northcott", age=(45, 60), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        229,
        "MyConcern - online safety",
        "Impero capture: 'great replacement' + a manifesto title searched on school laptop. Spoke to B - 'just "
        "curious'. Logged, no further action.",
    )
    b.event(
        sc,
        148,
        "MyConcern - behaviour",
        "PSHE: called Muslim classmates 'invaders', refused to sit by a peer. Detention. Mum informed, says he's "
        "'always been opinionated'.",
    )
    b.event(
        sc,
        59,
        "MyConcern - wellbeing",
        "Dropped his old friends. Sonnenrad patch on bag, same drawn in exercise book. Says he has 'new mates "
        "online' who 'tell the truth'.",
    )
    pol = b.record("police", child, family="NORTHCOTE", swap_dob=True)
    b.event(
        pol,
        121,
        "Incident - public order",
        "Youths putting up stickers (racist wording) on bus shelters, Ernesettle. One detained - BRANDON, words "
        "of advice, stickers seized. To NHT.",
    )
    yt = b.record("youth", child, given="Bran", dob="")
    b.event(
        yt,
        80,
        "Session note",
        "Bran on about a 'fight club' run by older men out of town, sparring and 'training for what's coming'. "
        "Was filming other YP on his phone.",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        38,
        "Consultation - parent",
        "Mum attends alone re son (15): up all night on Telegram, angry outbursts, cut off friends. ?low mood. "
        "He declined to come.",
    )
    return b.expect(child, ["school", "police", "youth", "gp"])


def bn85() -> Scenario:
    b = _b("BN85", "radicalisation", SRC_RADICALISATION, B, "CN85")
    h = Home("3", "Honicknowle Lane", "Plymouth", "PL5 3NG")
    child = b.person("child", "Finn", "Eggins", born=dt.date(2010, 6, 9), sex="M", home=h)
    b.adult("mother", "Helen", "Eggins", age=(47, 3), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        224,
        "MyConcern - online safety",
        "Impero: 'Nazi propaganda posters' - History GCSE coursework on WW2 propaganda, teacher confirmed task. "
        "False positive.",
    )
    b.event(
        sc, 146, "MyConcern - behaviour", "Lively RE debate on immigration; Finn respectful and used evidence well."
    )
    b.event(sc, 56, "MyConcern - wellbeing", "Quieter, exam stress. Learning mentor sessions set up.")
    pol = b.record("police", child)
    b.event(
        pol,
        116,
        "Incident - protest",
        "Climate protest outside Civic Centre, peaceful. Finn (16) there with his mum. No arrests.",
    )
    yt = b.record("youth", child)
    b.event(
        yt, 76, "Session note", "Finn joined the youth centre boxing club, coached by DBS-checked staff. Good attender."
    )
    gp = b.record("gp", child)
    b.event(gp, 46, "Consultation", "Exam stress, late-night gaming w/ friends. Mood fine. Sleep hygiene, self-help.")
    return b.expect(None)


# 86 Teenage relationship abuse (school, school nursing, ED, police on the boyfriend's record)
def cn86() -> Scenario:
    b = _b("CN86", "teenage relationship abuse", SRC_TEEN_RELATIONSHIP, C, "BN86")
    h = Home("11", "Trevarthian Road", "St Austell", "PL25 4BU")
    child = b.person("child", "Tegan", "Retallick", born=dt.date(2011, 1, 11), sex="F", home=h)
    b.adult("mother", "Nicola", "Retallick", age=(41, 100), sex="F", home=h)
    bf = b.adult(
        "boyfriend",
        "Jordan",
        "Penna",
        age=(19, 140),
        sex="M",
        home=Home("4", "Eastbourne Road", "St Austell", "PL25 4SU"),
    )
    sc = b.record("school", child, given="Teg")
    b.event(
        sc,
        219,
        "CPOMS - Pastoral",
        "Friend tells DSL: Teg's bf ('left school ages ago') waits at gate every day, goes through her phone, "
        "made her unfriend her mates on Snap.",
    )
    b.event(
        sc,
        131,
        "CPOMS - Pastoral",
        "Crying in toilets, long sleeves in the heat, wouldn't push them up. Says he 'just loves her loads'. "
        "Would not talk to DSL.",
    )
    b.event(
        sc,
        26,
        "Attendance - unauthorised",
        "Down to 71%. Mum says T stays at bf's 'some nights', doesn't know where he lives.",
    )
    sn = b.record("sn", child, dob="")
    b.event(
        sn,
        171,
        "Drop-in",
        "15F asked about EHC and 'what if he won't use a condom'. Partner 19. Fraser considered, signposted to "
        "sexual health. Declined onward referral.",
    )
    ed = b.record("ed-tor", child, family="Retalick", nhs=False)
    b.event(
        ed,
        69,
        "ED attendance",
        "15F L wrist inj 'fell off a wall'. XR no #. Older male (bf, 19) insisted on staying in cubicle; pt "
        "looked at him before each answer.",
    )
    pol = b.record("police", bf, pnc=True)
    b.event(
        pol,
        94,
        "Intelligence log",
        "PENNA (19): ex-partner says he was controlling, kept her phone + bank card; now 'seeing a schoolgirl'. "
        "No complaint made. Grade B.",
    )
    return b.expect(child, ["school", "sn", "ed-tor", "police"])


def bn86() -> Scenario:
    b = _b("BN86", "teenage relationship abuse", SRC_TEEN_RELATIONSHIP, B, "CN86")
    h = Home("24", "Bodmin Road", "St Austell", "PL25 5AG")
    child = b.person("child", "Amelia", "Hendra", born=dt.date(2011, 2, 5), sex="F", home=h)
    b.adult("mother", "Kate", "Hendra", age=(43, 220), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        214,
        "CPOMS - Pastoral",
        "Upset after splitting up with bf (Yr 10, same age). Friends rallying round, tutor check-in.",
    )
    b.event(
        sc, 126, "CPOMS - Pastoral", "Hoodie on all day - had been unwell + cold. Changed for PE fine, no concerns."
    )
    b.event(sc, 29, "Attendance", "96%. 2 days authorised - tonsillitis.")
    sn = b.record("sn", child)
    b.event(
        sn,
        166,
        "Drop-in",
        "15F asking about periods + contraception generally for PSHE project. Not sexually active. Info given.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed, 64, "ED attendance", "15F L wrist sprain at trampoline park, friend's party, mum with her. XR NAD, splint."
    )
    pol = b.record("police", child)
    b.event(
        pol,
        91,
        "Crime - theft",
        "Mobile taken from bag at St Austell bus stn. Victim (15) reported with mum. CCTV requested.",
    )
    return b.expect(None)


# 87 A mother's alcohol dependence (drug and alcohol service, ambulance on the mother; school and GP on the boy)
def cn87() -> Scenario:
    b = _b("CN87", "parental alcohol misuse", SRC_PARENT_ALCOHOL, C, "BN87")
    h = Home("8", "Bampfylde Way", "Barnstaple", "EX31 1QW")
    child = b.person("child", "Harley", "Brimblecombe", born=dt.date(2019, 12, 4), sex="M", home=h)
    mum = b.adult("mother", "Stacey", "Brimblecombe", age=(34, 10), sex="F", home=h)
    sm = b.record("sms", mum, nhs=False)
    b.event(
        sm,
        268,
        "Comprehensive assessment",
        "Self-ref. ETOH ~18 u/day (vodka), detox 2021 then relapse. Says son is 'at his nan's' when she drinks. "
        "Plan: community detox, start after 2 key work sessions.",
    )
    b.event(sm, 152, "Key work session - DNA", "DNA x2, phone off. Closed under disengagement policy, GP letter sent.")
    am = b.record("amb", mum, family="BRIMBLECOMBE-WARD")
    b.event(
        am,
        199,
        "ePCR",
        "34F fall at home, small occipital lac, strong smell ETOH. Young boy (about 6) let crew in. Pt declined "
        "conveyance; neighbour to sit with her. Safeguarding: 'child present, neighbour supportive'.",
    )
    sc = b.record("school", child, family="Brimblecomb")
    b.event(
        sc,
        228,
        "MyConcern - physical",
        "Same uniform 4 days, smells. Starving at breakfast club, hid extra toast in bag 'for tea'.",
    )
    b.event(
        sc,
        109,
        "Late collection",
        "Not collected at 3.15 x3 this half term. Mum in at 4.10 last time, slurring, smelled of drink. Office "
        "staff uneasy releasing him.",
    )
    b.event(
        sc,
        21,
        "Attendance - unauthorised",
        "9 sessions missed since Sept, mum not picking up. H. says mummy is 'poorly in bed'.",
    )
    gp = b.record("gp", child, swap_dob=True, nhs=False)
    b.event(gp, 92, "Was Not Brought", "Asthma review WNB x2. No salbutamol issued since March.")
    return b.expect(child, ["sms", "amb", "school", "gp"])


def bn87() -> Scenario:
    b = _b("BN87", "parental alcohol misuse", SRC_PARENT_ALCOHOL, B, "CN87")
    h = Home("15", "Pilton Street", "Barnstaple", "EX31 1PQ")
    child = b.person("child", "Ruby", "Glanville", born=dt.date(2019, 8, 17), sex="F", home=h)
    mum = b.adult("mother", "Hayley", "Glanville", age=(35, 66), sex="F", home=h)
    sm = b.record("sms", mum)
    b.event(sm, 264, "Review", "12 months alcohol-free, weekly SMART group. Aftercare done. Discharge planned.")
    b.event(sm, 144, "Discharge", "Planned discharge, recovery sustained. Letter to GP.")
    am = b.record("amb", mum)
    b.event(
        am,
        196,
        "ePCR",
        "35F fall from ladder clearing gutters, ?# R wrist. No ETOH. Daughter at school. Conveyed NDDH.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        226,
        "MyConcern - physical",
        "Same jumper 3 days - washing machine broke, mum told us. Spare uniform lent, all sorted by Monday.",
    )
    b.event(sc, 106, "Late collection", "Collected 20 min late once, car broke down - mum rang ahead.")
    b.event(sc, 23, "Attendance", "97% this term.")
    gp = b.record("gp", child)
    b.event(gp, 86, "Asthma review", "Attended w/ mum. Well controlled, inhalers collected regularly.")
    return b.expect(None)


# 88 Fabricated or induced illness (GP, two EDs, school, pharmacy)
def cn88() -> Scenario:
    b = _b("CN88", "fabricated or induced illness", SRC_FII, C, "BN88")
    h = Home("29", "Hele Road", "Torquay", "TQ2 7PS")
    child = b.person("child", "Evie", "Oatey", born=dt.date(2017, 12, 10), sex="F", home=h)
    b.adult("mother", "Samantha", "Oatey", age=(36, 44), sex="F", home=h)
    gp = b.record("gp", child)
    b.event(
        gp,
        298,
        "Consultation",
        "Mum reports nightly 'seizures', no videos. 3rd request for neuro referral. Exam normal. Referred to reassure.",
    )
    b.event(
        gp,
        181,
        "Telephone consultation",
        "Mum wants referral for feeding tube - E 'can't keep anything down'. Wt 50th centile and rising. "
        "Reassured, declined.",
    )
    b.event(
        gp,
        62,
        "Letter in - paediatric neurology",
        "EEG x2 normal; 48h video telemetry: no events although mum reported 3. Mum disputes results, wants 2nd "
        "opinion in Bristol.",
    )
    et = b.record("ed-tor", child, nhs=False)
    b.event(
        et,
        239,
        "ED attendance",
        "8F '20 min seizure' per mum, alert + chatty on arrival, no post-ictal signs. Obs 4h, home.",
    )
    er = b.record("ed-rde", child, given="Eve", swap_dob=True)
    b.event(
        er,
        119,
        "ED attendance",
        "8F, mother reports haematemesis at home. Hb normal, no blood seen, abdo soft. Mum asking for scope/scans. "
        "D/c. NCRS: 4 ED visits at 2 trusts this yr.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        201,
        "Medical note",
        "Mum wants Evie in a wheelchair on trips. No physical reason known to us; she runs about at play, no "
        "seizure ever seen in school in 2 yrs.",
    )
    b.event(sc, 90, "Attendance", "68% - all marked medical. Appt letters for some, not all.")
    rx = b.record("pharm", child, given="Evie-Grace")
    b.event(
        rx,
        149,
        "Pharmacist intervention",
        "Early request Buccolam - 3rd early supply in 2 months, mum says 'had to use it again'. Rang surgery: no "
        "clinician has witnessed a seizure.",
    )
    return b.expect(child, ["gp", "ed-tor", "ed-rde", "school", "pharm"])


def bn88() -> Scenario:
    b = _b("BN88", "fabricated or induced illness", SRC_FII, B, "CN88")
    h = Home("6", "Shiphay Lane", "Torquay", "TQ2 7DU")
    child = b.person("child", "Isabelle", "Carne", born=dt.date(2017, 11, 1), sex="F", home=h)
    b.adult("mother", "Natalie", "Carne", age=(37, 100), sex="F", home=h)
    gp = b.record("gp", child)
    b.event(
        gp, 296, "Consultation", "Mum showed phone video of episode - looks tonic-clonic. Urgent paeds neuro referral."
    )
    b.event(
        gp, 176, "Telephone consultation", "Tummy aches after meals, wt steady 40th. Diet advice, review if persists."
    )
    b.event(
        gp,
        57,
        "Letter in - paediatric neurology",
        "EEG abnormal, generalised spike-wave. Dx epilepsy, levetiracetam started, rescue plan agreed.",
    )
    et = b.record("ed-tor", child)
    b.event(
        et,
        236,
        "ED attendance",
        "8F prolonged seizure witnessed by crew, buccal midazolam given pre-hospital, post-ictal on arrival. "
        "Admitted paeds.",
    )
    er = b.record("ed-rde", child)
    b.event(er, 116, "ED attendance", "8F D&V, viral gastro, mild dehydration. Oral fluids, d/c.")
    sc = b.record("school", child)
    b.event(sc, 196, "Medical note", "IHP agreed with epilepsy nurse; 6 staff trained in buccal midazolam.")
    b.event(sc, 85, "Attendance", "91%; absences match hospital appts, letters provided.")
    rx = b.record("pharm", child)
    b.event(rx, 146, "Pharmacist intervention", "Extra Buccolam pack for school per epilepsy nurse letter. Supplied.")
    return b.expect(None)


# Do-not-merge traps -------------------------------------------------------------------------------------------
def tr13() -> Scenario:
    b = _b("TR13", "Tyler and Taylor Lethbridge, unrelated boys of one age in neighbouring towns: each record "
           "alone is ordinary, merged they would look like neglect", SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("child_a", "Tyler", "Lethbridge", born=dt.date(2017, 6, 14), sex="M",
                 home=Home("19", "Torridge Hill", "Bideford", "EX39 2BG"))  # fmt: skip
    z = b.person("child_b", "Taylor", "Lethbridge", born=dt.date(2017, 4, 16), sex="M",
                 home=Home("52", "Sticklepath Hill", "Barnstaple", "EX31 2BX"))  # fmt: skip
    ea = b.record("ed-rde", a, dob="")
    b.event(
        ea, 74, "ED attendance", "9M forehead lac, came off scooter at skatepark, dad with him. Glued. Helmet advice."
    )
    sa = b.record("school", a)
    b.event(sa, 131, "Attendance - authorised", "Tyler L (4M): 4 days chickenpox, mum rang daily.")
    sz = b.record("school", z, given="Tyler")
    b.event(sz, 47, "Attendance - unauthorised", "3 late marks after close of reg this wk, mum says alarm clock broke.")
    gz = b.record("gp", z, nhs=False)
    b.event(gz, 102, "Was Not Brought", "Pre-school booster catch-up - not brought, reminder letter.")
    b.merge_traps_differ()
    return b.expect(None)


def tr14() -> Scenario:
    b = _b("TR14", "Casey and Kacey Dingle, unrelated, born on each other's day/month swap: flag only the right "
           "child", SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("at_risk", "Casey", "Dingle", born=dt.date(2012, 9, 3), sex="F",
                 home=Home("10", "Barras Street", "Liskeard", "PL14 6AD"))  # fmt: skip
    z = b.person("other", "Kacey", "Dingle", born=dt.date(2012, 3, 9), sex="F",
                 home=Home("88", "Dolphin Court Road", "Plymouth", "PL3 6DE"))  # fmt: skip
    sa = b.record("school", a)
    b.event(
        sa,
        140,
        "CPOMS - Safeguarding",
        "Casey D (9HB) picked up after school by men in their 20s in a white Golf, 3rd time. Told friends she "
        "gets vapes + weed 'for free'.",
    )
    b.event(sa, 35, "Attendance - unauthorised", "Casey D: out after lunch 4 times this half term.")
    pa = b.record("police", a, given="Kacey", dob="")
    b.event(
        pa,
        72,
        "Missing person - medium",
        "13F missing overnight from Liskeard, found 06:00 at a Plymouth flat with 2 adult males. No account "
        "given. Intoxicated. Returned to mother.",
    )
    ya = b.record("youth", a)
    b.event(
        ya,
        21,
        "Detached session",
        "Casey at the skate park w/ older men, new phone + nails done, said she has 'a bf with a car'.",
    )
    sz = b.record("school", z)
    b.event(sz, 90, "CPOMS - Achievement", "Kacey D (10TR): lead role in school play, brilliant rehearsals.")
    gz = b.record("gp", z, given="Casey")
    b.event(gz, 40, "Consultation", "14F acne, topical tx started, review 8/52.")
    b.merge_traps_differ()
    return b.expect(a, ["school", "police", "youth"])


SCENARIOS = [cn79, bn79, cn80, bn80, cn81, bn81, cn82, bn82, cn83, bn83, cn84, bn84, cn85, bn85, cn86, bn86,
             cn87, bn87, cn88, bn88, tr13, tr14]  # fmt: skip
FRESH6_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
