"""The scenario catalogue, part nine: a seventh held-out set (CN89-CN98, BN89-BN98, TR15-TR16), `FRESH7_CODES`.

Written on 2026-12-01 by an author (helper `fresh7`) who did not read the rules, the phrase lists, the indicator
reader, the engine, the evaluation or the README's results: only model.py, score.py, the sixth set's file format,
the standard extract's columns and the layout and themes table of README.md, so that `openmash bench flags --only`
on these codes gives an honest figure for scenarios the rules were never fitted to. Themes (each scenario's
``source``): a child missing education after a family's flight into temporary accommodation; pre-birth risk (a
late-booked pregnancy, two previous adoptions, opioid use, a partner on licence for domestic abuse); a pre-school
child alone with a father in relapsing psychosis; financially motivated sexual extortion of a 14-year-old boy and
the self-harm after it; so-called honour-based abuse and a planned forced marriage; labour trafficking of a boy at
a hand car wash (age disputed); an unidentified young carer of a father with multiple sclerosis; a disabled
pre-school child not brought to cardiology, audiology or dental care; sexual abuse in the family environment (a
registered sex offender in a new relationship); peer-on-peer sexual abuse with an image shared. One agency new to
the model (`vcs`, the voluntary and community sector: a migrant and refugee drop-in, food banks, family support
charities). Each concerning scenario spreads over months across three to four agencies, several resting partly on
an adult's record (the pregnant mother's partner's probation record, the father's mental health, ambulance, adult
social care, pharmacy and GP records, the car wash "uncle's" housing association tenancy, the mother's housing
record), each agency in its own shorthand; the usual noise (nicknames, a surname misspelled, given and family names
swapped, a default 01/01 date of birth, day and month swapped, blank dates of birth and NHS numbers). Each benign
twin has look-alike events whose records explain them. TR15 is twin girls at one address, only one at risk (flag
that twin only); TR16 is two cousins named after their grandfather, Jacob and Jake, in neighbouring streets, born
7 May and 5 July of one year (no flag). See catalogue.py for the conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_CME_TA = (
    "DfE statutory guidance 'Children missing education' (2016, updated 2024) and the Panel's annual report "
    "2022-23 (children not in school): a family moving between temporary addresses, a child taken off roll with no "
    "destination school, health registration lapsed, nobody seeing the child"
)
SRC_PREBIRTH = (
    "Child Safeguarding Practice Review Panel, 'The myth of invisible men' (2021) and review of non-accidental "
    "injury in babies under one (2022); Broadhurst et al. on recurrent care proceedings (2017): late booking, "
    "previous removals, substance misuse and a violent partner not disclosed to services"
)
SRC_PARENT_PSYCHOSIS = (
    "Child Safeguarding Practice Review Panel annual report 2023-24 (spotlight: pre-school children of parents with "
    "mental health needs) and NSPCC learning from case reviews on parental mental health: a sole carer's relapse "
    "seen by adult services, the child seen by nobody who linked it"
)
SRC_SEXTORTION = (
    "NSPCC learning from case reviews on online abuse; Child Safeguarding Practice Review Panel annual report "
    "2022-23; National Crime Agency alert on financially motivated sexual extortion of boys (2024): blackmail "
    "after an image was sent, withdrawal, self-harm"
)
SRC_HBA = (
    "HM Government 'Multi-agency statutory guidance for dealing with forced marriage' (2023) and NSPCC learning on "
    "so-called honour-based abuse: a girl's freedom cut back, a long trip abroad, a brother checking her phone, "
    "health appointments where a parent speaks for her"
)
SRC_TRAFFICKING = (
    "Modern Slavery Act 2015 statutory guidance and Home Office guidance on the National Referral Mechanism; local "
    "reviews of exploitation in hand car washes: an age-disputed boy working off a debt, burns, overcrowded "
    "accommodation, an adult who speaks for him"
)
SRC_YOUNG_CARER = (
    "Children and Families Act 2014 s.96 and the Care Act 2014 (whole-family assessment); the Panel's annual report "
    "2022-23 and Ofsted thematic work on young carers: a child doing a disabled parent's care, never identified as "
    "a young carer"
)
SRC_DISABLED_WNB = (
    "Child Safeguarding Practice Review Panel, 'Safeguarding children with disabilities and complex health needs "
    "in residential settings' (2022-2023), and NSPCC learning on 'was not brought': a disabled pre-school child "
    "missing cardiology, audiology and dental care, losing weight"
)
SRC_IFCSA = (
    "Child Safeguarding Practice Review Panel, 'I wanted them all to notice: protecting children from sexual abuse "
    "in the family environment' (2024), and the Children's Commissioner (2015): a registered sex offender's new "
    "relationship, a child's soreness, wetting, drawings and sexualised behaviour"
)
SRC_PEER_ABUSE = (
    "Ofsted, 'Review of sexual abuse in schools and colleges' (2021), and DfE 'Keeping children safe in education' "
    "(child-on-child abuse): a sexual assault at a party, a video shared, a girl withdrawing from school"
)


# 89 Child missing education after moving into temporary accommodation (school, housing, GP, dental)
def cn89() -> Scenario:
    b = _b("CN89", "child missing education", SRC_CME_TA, C, "BN89")
    old = Home("41", "Burnthouse Lane", "Exeter", "EX2 6AZ")
    ta = Home("7/3", "Esplanade Road", "Paignton", "TQ4 6BN")
    child = b.person("child", "Tiernan", "Blewett", born=dt.date(2017, 2, 9), sex="M", home=ta)
    mum = b.adult("mother", "Shona", "Blewett", age=(33, 140), sex="F", home=ta)
    sc = b.record("school", child, family="Blewitt", home=old)
    b.event(
        sc,
        243,
        "Attendance - unauthorised",
        "T. 61% this term. Mum says they are 'between places', staying with friends in Newton Abbot. Txt re EWO "
        "meeting, no reply.",
    )
    b.event(
        sc,
        186,
        "CME - reasonable enquiries",
        "10 days continuous absence, no contact. Home visit: curtains drawn, neighbour says they 'did a flit' 2 wks "
        "ago. Enquiries with LA CME officer started. Kept on roll.",
    )
    b.event(
        sc,
        121,
        "Off roll - CME",
        "Removed from roll after 20 school days + reasonable enquiries. No destination school known, CTF not sent "
        "(no school requested it). LA CME officer has family as 'whereabouts unknown'.",
    )
    hs = b.record("housing", mum)
    b.event(
        hs,
        205,
        "Homeless approach",
        "Ms Blewett presented fleeing ex-partner (he found out where she was). 1 child, 9, with her. Placed B&B "
        "Torquay, shared bathroom. Advised to apply for school place - leaflet given.",
    )
    b.event(
        hs,
        97,
        "TA move",
        "Moved B&B -> Esplanade Rd hostel rm 3 (6 wk B&B limit). Ms B says T. 'home schooling till we get a proper "
        "place'. Arrears on previous TA.",
    )
    b.event(
        hs,
        31,
        "Visit - no access",
        "No answer x3 at room 3. Hostel mgr says boy seen in the day on his own on the seafront + in the "
        "amusements during school hours.",
    )
    gp = b.record("gp", child, nhs=False, home=old)
    b.event(
        gp,
        152,
        "FP69 flag raised",
        "Post returned 'gone away'. FP69 - deduction in 6 mths unless contact. Pre-school booster + MMR2 never "
        "given. No contact since 2023.",
    )
    dn = b.record("dent", child, given="Tiernen", dob="", nhs=False)
    b.event(
        dn,
        58,
        "Urgent dental care",
        "Unregistered 9M brought by mum. Facial swelling LL, multiple carious teeth, says hasn't seen a dentist "
        "'for years'. Ext LLE under LA. Mum gave hostel address. Boy says he 'doesn't go to school here yet'.",
    )
    return b.expect(child, ["school", "housing", "gp", "dent"])


def bn89() -> Scenario:
    b = _b("BN89", "child missing education", SRC_CME_TA, B, "CN89")
    old = Home("16", "Pinhoe Road", "Exeter", "EX4 7HE")
    ta = Home("2/9", "Dartmouth Road", "Paignton", "TQ4 5AB")
    child = b.person("child", "Corey", "Luscombe", born=dt.date(2016, 12, 3), sex="M", home=ta)
    mum = b.adult("mother", "Danielle", "Luscombe", age=(36, 21), sex="F", home=ta)
    sc = b.record("school", child, home=old)
    b.event(
        sc,
        240,
        "Attendance - authorised",
        "C. 88% this term - tonsillitis x2 (GP notes seen). Mum told us landlord is selling, may have to move.",
    )
    b.event(
        sc,
        183,
        "Leaver - moved",
        "Left roll: family moving to Paignton (housing). New school confirmed (Oldway Primary), start date Mon. CTF "
        "sent via S2S same day.",
    )
    hs = b.record("housing", mum)
    b.event(
        hs,
        200,
        "Homeless approach",
        "Ms Luscombe: s21 notice, landlord selling. 1 child, 9. Prevention duty; TA offered in Paignton, school "
        "admissions contacted with her.",
    )
    b.event(hs, 95, "TA move", "Moved into 2-bed self-contained TA, Dartmouth Rd. C. settled at Oldway, mum says.")
    b.event(hs, 29, "Visit", "Seen Ms L + C. (after school). Flat clean, bidding on Devon Home Choice.")
    gp = b.record("gp", child, home=old)
    b.event(gp, 150, "Registration - transferred out", "Pt registered with new practice in Paignton. Records sent.")
    dn = b.record("dent", child)
    b.event(dn, 55, "Examination", "New pt, 9M, with mum. 1 small lesion, FV applied. Recall 6 mths.")
    return b.expect(None)


# 90 Pre-birth: late booking, previous adoptions, opioid use, partner on licence for DA (mother flagged)
def cn90() -> Scenario:
    b = _b("CN90", "pre-birth risk", SRC_PREBIRTH, C, "BN90")
    h = Home("22", "Bodmin Road", "Truro", "TR1 1RB")
    mum = b.person("mother", "Chantelle", "Vosper", born=dt.date(2003, 4, 9), sex="F", home=h, child=False)
    dean = b.adult(
        "partner", "Dean", "Brokenshire", age=(31, 200), sex="M", home=Home("5", "Agar Road", "Truro", "TR1 1JU")
    )
    mw = b.record("midwifery", mum)
    b.event(
        mw,
        112,
        "Booking - late",
        "First contact at 27/40, says didn't know she was pregnant. G3 P2 - both older children adopted (2021, "
        "2023). Declined to name FOB. Smokes 20/day. Dating scan 27+5. Safeguarding MW informed.",
    )
    b.event(mw, 61, "Antenatal - DNA", "DNA 33/40 + GTT. Phone off. Letter sent, CMW to try home.")
    b.event(
        mw,
        19,
        "Antenatal home visit",
        "36/40. Male answered, wouldn't give name, stayed in room throughout. No baby items. Bruise L upper arm - "
        "'walked into the door'. Unable to see alone; routine enquiry not possible.",
    )
    sm = b.record("sms", mum, given="Shantelle", swap_dob=True)
    b.event(
        sm,
        141,
        "Assessment",
        "Re-presenting: smoked heroin daily, crack at w/ends. Pregnancy test +ve today. OST methadone started "
        "30ml. Given MW number, says she'll ring.",
    )
    b.event(
        sm,
        46,
        "Key work - DNA",
        "DNA x2. Last UDS +ve opiates, cocaine. Says 'Deano' moved back in, 'he's sorting himself out'.",
    )
    pb = b.record("probation", dean, pnc=True)
    b.event(
        pb,
        92,
        "Supervision - licence",
        "On licence (ABH on ex-partner, DA perpetrator programme not started). Declared address mother's, Agar Rd. "
        "Police intel: staying at a female's flat on Bodmin Rd. Denies relationship; reminded of disclosure "
        "condition.",
    )
    b.event(
        pb,
        36,
        "Home visit",
        "Not at declared address, mother says he's 'at Chantelle's most nights'. Later admitted, says she's 'just a "
        "mate'. No pregnancy disclosed to OM. Consider DVDS (Clare's Law) - to discuss with police.",
    )
    rx = b.record("pharm", mum, family="Vosper", nhs=False)
    b.event(
        rx,
        74,
        "Supervised consumption - missed doses",
        "Missed 3 consecutive doses (methadone 40ml). Prescriber informed per SOP, script on hold until review.",
    )
    b.event(
        rx,
        24,
        "Pharmacist note",
        "In for dose with a man, heavily pregnant, thin. He answered for her when I asked how she was; left "
        "before I could offer the consultation room.",
    )
    return b.expect(mum, ["midwifery", "sms", "probation", "pharm"])


def bn90() -> Scenario:
    b = _b("BN90", "pre-birth risk", SRC_PREBIRTH, B, "CN90")
    h = Home("9", "Tregolls Road", "Truro", "TR1 2NA")
    mum = b.person("mother", "Rhiannon", "Gilbart", age=(29, 45), sex="F", home=h, child=False)
    tom = b.adult("partner", "Tomas", "Kitto", age=(32, 9), sex="M", home=h)
    mw = b.record("midwifery", mum)
    b.event(
        mw,
        110,
        "Booking - transfer of care",
        "Transferred in at 26/40 from NHS Lothian (moved for partner's job); all scans + bloods done there, notes "
        "received. G1 P0. Partner at booking. On stable methadone 3 yrs, shared care.",
    )
    b.event(
        mw,
        60,
        "Antenatal - rebooked",
        "Rang day before to move 33/40 appt (partner's car in garage). Seen 2 days later.",
    )
    b.event(
        mw,
        18,
        "Antenatal home visit",
        "36/40, seen alone for RE (done, no DA). Nursery ready, cot + car seat. Birth plan agreed.",
    )
    sm = b.record("sms", mum)
    b.event(
        sm,
        140,
        "Transfer in",
        "From Edinburgh service: methadone 40ml 3 yrs, UDS clean 2 yrs. Pregnant, booked in Scotland.",
    )
    b.event(sm, 45, "Key work", "Attended w/ partner. UDS -ve illicits. Neonatal abstinence info + NAS plan with MW.")
    pb = b.record("probation", tom, pnc=True)
    b.event(
        pb,
        90,
        "Supervision - community order",
        "CO 12 mths (drive whilst disqualified, 2025). Relationship + pregnancy disclosed at induction; no DA or "
        "violence history. Unpaid work on track.",
    )
    b.event(
        pb, 35, "Home visit", "Seen at home w/ partner, 35/40 pregnant. Nursery decorated. Completes UPW next month."
    )
    rx = b.record("pharm", mum)
    b.event(
        rx,
        72,
        "Supervised consumption - missed doses",
        "3 doses not collected - pt inpatient at RCHT (reduced FM, monitoring), dosed on ward, hospital pharmacist "
        "confirmed. Resumed on discharge.",
    )
    b.event(
        rx,
        22,
        "Pharmacist note",
        "In with partner for dose, well, 36/40. Takeaways agreed with prescriber for delivery.",
    )
    return b.expect(None)


# 91 Pre-school child alone with a father in relapsing psychosis (AMH, ambulance on the father; EY, GP on the child)
def cn91() -> Scenario:
    b = _b("CN91", "parental mental ill health", SRC_PARENT_PSYCHOSIS, C, "BN91")
    h = Home("63", "Vicarage Road", "Plymouth", "PL7 1LY")
    child = b.person("child", "Tegen", "Hoskin", born=dt.date(2022, 4, 11), sex="F", home=h)
    dad = b.adult("father", "Lewis", "Hoskin", age=(34, 60), sex="M", home=h)
    b.adult("mother", "Amy", "Hoskin", age=(31, 250), sex="F", home=h)
    am = b.record("amh", dad)
    b.event(
        am,
        150,
        "CPA review",
        "Paranoid schizophrenia, 2-weekly paliperidone depot. Partner works away (live-in carer, 2 wks on/2 off); "
        "Lewis sole carer for dau aged 4 on those weeks. Mental state stable. RAG green.",
    )
    b.event(
        am,
        71,
        "Depot - DNA",
        "DNA depot x2. HV no answer. On phone: 'doesn't need it, it's how they track him'. Duty to try again next wk.",
    )
    b.event(
        am,
        23,
        "Care co-ordinator contact",
        "Seen at door only. Unkempt, guarded, says neighbours 'sending signals through the walls'. Child heard "
        "inside. Declined HTT. Not detainable in RC's view; f/u 1/52.",
    )
    ab = b.record("amb", dad, family="HOSKINS")
    b.event(
        ab,
        57,
        "ePCR",
        "Called by neighbour: 34M on shed roof shouting at 'drones'. Calmed, known CMHT, capacity to decline "
        "conveyance. Approx 4yo female in house, neighbour took her in till pt settled. Safeguarding: not made - "
        "neighbour present, mum informed by phone.",
    )
    ey = b.record("ey", child, given="Teegan")
    b.event(ey, 96, "Attendance", "Tegen not in for 6 funded sessions (2 wks), dad not answering phone.")
    b.event(
        ey,
        41,
        "Concern form",
        "Dad collected T. in slippers + pyjama bottoms, talking about 'cameras in the lights'. T. said 'daddy puts "
        "foil on the windows'. Ate 3 lunches. Rang mum - voicemail (working away).",
    )
    gp = b.record("gp", child, swap_dob=True)
    b.event(gp, 128, "Was Not Brought (WNB)", "Pre-school booster WNB (2nd). Reminder sent.")
    b.event(
        gp,
        9,
        "Telephone consultation",
        "Mum rang from work (away till Sun): T. has a cough, and told mum on FaceTime she'd had 'no tea'. Mum says "
        "dad 'not right at the moment'. Cough advice; task to HV to check in.",
    )
    return b.expect(child, ["amh", "amb", "ey", "gp"])


def bn91() -> Scenario:
    b = _b("BN91", "parental mental ill health", SRC_PARENT_PSYCHOSIS, B, "CN91")
    h = Home("14", "Merafield Road", "Plymouth", "PL7 1SH")
    child = b.person("child", "Nessa", "Trethewey", born=dt.date(2022, 6, 2), sex="F", home=h)
    dad = b.adult("father", "Callum", "Trethewey", age=(36, 10), sex="M", home=h)
    b.adult("mother", "Georgia", "Trethewey", age=(33, 70), sex="F", home=h)
    am = b.record("amh", dad)
    b.event(
        am,
        148,
        "CPA review",
        "Bipolar I, lithium, level 0.7 stable. Well 3 yrs. Wife at home, both share care of dau aged 4. Relapse "
        "plan shared with wife + GP.",
    )
    b.event(
        am,
        70,
        "Depot / clinic - rebooked",
        "Lithium bloods moved a week, on holiday in Cornwall. Done on return, in range.",
    )
    b.event(
        am,
        22,
        "Care co-ordinator contact",
        "Seen at home with wife. Euthymic, working, sleeping well. Step down to GP agreed.",
    )
    ab = b.record("amb", dad)
    b.event(
        ab,
        55,
        "ePCR",
        "36M chest pain at work, ECG normal, ?MSK. Conveyed Derriford for trop. Wife collecting dau from nursery.",
    )
    ey = b.record("ey", child)
    b.event(ey, 95, "Attendance", "Nessa not in for 2 wks - family holiday, mum told us in advance.")
    b.event(
        ey,
        40,
        "Concern form",
        "N. said dad 'went in an ambulance'. Mum explained (chest pain, all fine). N. happy, settled.",
    )
    gp = b.record("gp", child)
    b.event(gp, 125, "Immunisation", "Pre-school booster given, mum present.")
    b.event(
        gp, 8, "Telephone consultation", "Mum: N. has a cough, eating + drinking well, no fever. Advice, safety-netted."
    )
    return b.expect(None)


# 92 Sextortion of a 14-year-old boy, then self-harm (school, police, ED, CAMHS)
def cn92() -> Scenario:
    b = _b("CN92", "online sexual extortion and self-harm", SRC_SEXTORTION, C, "BN92")
    h = Home("8", "Efford Crescent", "Plymouth", "PL3 6NH")
    child = b.person("child", "Brodie", "Netherton", born=dt.date(2012, 1, 7), sex="M", home=h)
    b.adult("mother", "Gemma", "Netherton", age=(41, 30), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        77,
        "CPOMS - Behaviour",
        "Brodie N (9KW) phone confiscated in maths - Insta DMs from 'a girl from Bristol' on screen. Very "
        "distressed, begged for it back. Returned EOD.",
    )
    b.event(
        sc,
        34,
        "CPOMS - Wellbeing",
        "Tutor: B. withdrawn, quit football, asleep in lessons. Asked 3 friends for £40 'to pay someone back'.",
    )
    pol = b.record("police", child, given="BRODY", family="NETHERTON", dob="")
    b.event(
        pol,
        52,
        "Crime - blackmail (online)",
        "Mother reports son (14) sent intimate image to account posing as a girl, then demanded £500. Paid £60 in "
        "gift cards. Account deleted. Advice: Report Remove, CEOP. No lines of enquiry, filed.",
    )
    b.event(
        pol,
        27,
        "Concern for welfare",
        "14M found sat on parapet of Laira Bridge 23:40 by passing patrol. Said 'just thinking'. Phone smashed. "
        "Taken home to mother. No MH services involved.",
    )
    ed = b.record("ed-plh", child, swap_dob=True)
    b.event(
        ed,
        14,
        "ED attendance",
        "14M 6 superficial cuts L forearm, self-inflicted, older linear scars. 'Stress'. MH liaison: low risk, "
        "routine CAMHS referral. D/c with mum.",
    )
    cm = b.record("camhs", child, nhs=False)
    b.event(
        cm, 7, "Referral - triage", "Routine referral from ED (self-harm). Wait ~14 wks. Letter: Kooth/Shout details."
    )
    return b.expect(child, ["school", "police", "ed-plh", "camhs"])


def bn92() -> Scenario:
    b = _b("BN92", "online sexual extortion and self-harm", SRC_SEXTORTION, B, "CN92")
    h = Home("30", "Beacon Park Road", "Plymouth", "PL2 2QS")
    child = b.person("child", "Lucas", "Penwarden", born=dt.date(2012, 3, 5), sex="M", home=h)
    b.adult("mother", "Kirsty", "Penwarden", age=(43, 5), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        75,
        "CPOMS - Behaviour",
        "Lucas P (9RM) on phone in maths (Fortnite chat w/ classmates). Confiscated, returned EOD.",
    )
    b.event(sc, 33, "CPOMS - Wellbeing", "Tutor: L. tired this wk - new puppy at home, up in the night. Cheerful.")
    pol = b.record("police", child, given="LUCAS", family="PENWARDEN")
    b.event(
        pol,
        50,
        "Crime - fraud (online)",
        "Mother reports son (14) paid £60 for trainers on a resale site, never arrived. Bank refunding. Advice.",
    )
    b.event(
        pol,
        26,
        "Concern for welfare",
        "Mother rang 22:10, son not home, phone dead. Found 22:40 at friend's house, lost track of time. No concerns.",
    )
    ed = b.record("ed-plh", child)
    b.event(
        ed, 12, "ED attendance", "14M lac L forearm - dropped glass bowl washing up, mum saw it. 3 steri-strips. D/c."
    )
    cm = b.record("camhs", child)
    b.event(
        cm,
        6,
        "Referral - triage",
        "GP referral: ADHD assessment (school + parent Connors). Neurodevelopmental waiting list.",
    )
    return b.expect(None)


# 93 So-called honour-based abuse and a planned forced marriage (school, school nursing, GP, youth service)
def cn93() -> Scenario:
    b = _b("CN93", "honour-based abuse and forced marriage", SRC_HBA, C, "BN93")
    h = Home("112", "Cowick Street", "Exeter", "EX4 1JD")
    child = b.person("child", "Humaira", "Qureshi", born=dt.date(2011, 5, 10), sex="F", home=h)
    b.adult("father", "Tariq", "Qureshi", age=(49, 20), sex="M", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        158,
        "CPOMS - Safeguarding",
        "H. told PE teacher she's not allowed to clubs any more since her brother saw her messaging a boy. Brother "
        "(19) now walks her to + from the gate.",
    )
    b.event(
        sc,
        68,
        "Leave of absence - refused",
        "Father requested 7 wks from late June for 'family wedding' in Pakistan, return date not fixed. Refused per "
        "policy. H. silent in meeting, father spoke for her.",
    )
    b.event(
        sc,
        17,
        "CPOMS - Wellbeing",
        "H. asked tutor whether school would 'know if she didn't come back after summer'. Then 'forget it, it's "
        "fine'. Grades dropping, crying in toilets.",
    )
    sn = b.record("sn", child, given="Humera", nhs=False)
    b.event(
        sn,
        109,
        "Drop-in",
        "Y10 F self-referred: headaches, not sleeping, 'family stress'. Declined contact with parents. Sleep "
        "hygiene, review 2/52.",
    )
    b.event(
        sn,
        44,
        "Drop-in - review not attended",
        "Didn't come to review. Seen in corridor - says brother checks her phone and she 'can't come any more'.",
    )
    gp = b.record("gp", child, family="Qurashi")
    b.event(
        gp,
        87,
        "Consultation",
        "15F with mother, who interpreted. Asks travel vaccs + 'a letter she is healthy' for a summer trip. Pt did "
        "not speak. Offered to see pt alone - mother declined.",
    )
    yt = b.record("youth", child, dob="")
    b.event(
        yt, 131, "Girls' group", "H. not at girls' group 5 wks; friend says she's 'not allowed'. Msg read, no reply."
    )
    b.event(
        yt,
        54,
        "Detached session",
        "H. near library w/ a friend. Said family are 'arranging things' for her in the summer and she 'doesn't "
        "get a say'. Asked us not to tell anyone.",
    )
    return b.expect(child, ["school", "sn", "gp", "youth"])


def bn93() -> Scenario:
    b = _b("BN93", "honour-based abuse and forced marriage", SRC_HBA, B, "CN93")
    h = Home("27", "Okehampton Street", "Exeter", "EX4 1DY")
    child = b.person("child", "Mariam", "Siddiqui", born=dt.date(2011, 3, 4), sex="F", home=h)
    b.adult("father", "Imran", "Siddiqui", age=(47, 100), sex="M", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        155,
        "CPOMS - Safeguarding",
        "M. says older brother walking her home now - mum's request after car knocked a Y8 off his bike on Cowick "
        "St. M. fine with it, still at netball.",
    )
    b.event(
        sc,
        66,
        "Leave of absence - refused",
        "Father asked 2 days before half term for cousin's wedding in Lahore. Refused; family went in half term "
        "instead. M. excited, showed us her outfit.",
    )
    b.event(
        sc,
        15,
        "CPOMS - Wellbeing",
        "M. anxious about mocks, tutor arranged revision timetable. Parents at eve, supportive.",
    )
    sn = b.record("sn", child)
    b.event(sn, 107, "Drop-in", "Y10 F headaches, squinting at board. Referred optician; mum aware and booked.")
    b.event(sn, 42, "Drop-in - review", "New glasses, headaches gone. D/c.")
    gp = b.record("gp", child)
    b.event(
        gp,
        85,
        "Consultation",
        "15F with mum, seen alone part of consult. Travel vaccs for half-term wedding trip. Happy, no concerns.",
    )
    yt = b.record("youth", child)
    b.event(yt, 130, "Girls' group", "M. missing group till after mocks - revising, she messaged us.")
    b.event(yt, 52, "Detached session", "M. + friends at the park, back from Lahore, showed wedding photos.")
    return b.expect(None)


# 94 Labour trafficking of a boy at a hand car wash (police, ED, housing association, voluntary sector)
def cn94() -> Scenario:
    b = _b("CN94", "trafficking and modern slavery", SRC_TRAFFICKING, C, "BN94")
    h = Home("2/14", "Marsh Barton Road", "Exeter", "EX2 8NX")
    child = b.person("child", "Ermal", "Krasniqi", age=(16, 120), sex="M", home=h)
    uncle = b.adult("tenant", "Besnik", "Lleshi", age=(44, 30), sex="M", home=h)
    pol = b.record("police", child, dob="01/01/2007")
    b.event(
        pol,
        122,
        "Stop check - vehicle",
        "VRM stopped Alphington Rd, 4 males. Rear passenger gave ERMAL KRASNIQI 01/01/2007, no ID, 'works at car "
        "wash for my uncle'. Driver (40s) answered for all. No offences. Words of advice.",
    )
    b.event(
        pol,
        39,
        "Intelligence log",
        "Crimestoppers: young lads living above the hand car wash Marsh Barton, sleeping on mattresses, working 7 "
        "days, collected by van. Graded, filed for MSHT desk review.",
    )
    ed = b.record(
        "ed-rde",
        child,
        given="Ermal",
        family="Krasniqi",
        dob="2007-01-01",
        nhs=False,
        home=Home("Unit 4", "Marsh Barton Trading Estate", "Exeter", "EX2 8LN"),
    )
    b.event(
        ed,
        76,
        "ED attendance",
        "'19'M (looks younger) chemical burns both hands/forearms, 'cleaning product at work'. Male with him "
        "interpreted + gave his own number as contact. No GP. Dressings, dressing clinic 48h.",
    )
    b.event(
        ed,
        73,
        "Did not attend - dressing clinic",
        "DNA dressing clinic. Contact number rang - man said 'he is fine now'.",
    )
    ha = b.record("ha", uncle)
    b.event(
        ha,
        91,
        "Tenancy visit",
        "1-bed flat: at least 6 men/youths living there, mattresses in every room, padlock on outside of one "
        "bedroom door. Tenant not present. Youth who answered thin, wouldn't give name. Overcrowding/subletting "
        "breach letter sent.",
    )
    b.event(
        ha,
        28,
        "Repair order",
        "No hot water - reported by neighbour not tenant. Operative: 'lots of lads, nobody spoke English'.",
    )
    vc = b.record("vcs", child, given="Ermali", dob="")
    b.event(
        vc,
        15,
        "Drop-in",
        "Young man (says 17) came to ESOL drop-in with a friend. Asked how to get passport back from his 'boss'; "
        "says he owes €12,000 for the journey and works it off. Left in a hurry when phone rang.",
    )
    return b.expect(child, ["police", "ed-rde", "ha", "vcs"])


def bn94() -> Scenario:
    b = _b("BN94", "trafficking and modern slavery", SRC_TRAFFICKING, B, "CN94")
    h = Home("5", "Ide Lane", "Exeter", "EX2 8PP")
    child = b.person("child", "Arjan", "Gashi", age=(16, 200), sex="M", home=h)
    dad = b.adult("father", "Driton", "Gashi", age=(46, 40), sex="M", home=h)
    pol = b.record("police", child)
    b.event(
        pol,
        120,
        "Stop check - vehicle",
        "VRM stopped Alphington Rd (defective light), 4 in car incl. ARJAN GASHI 16, driver his father. Words of "
        "advice, VDRS issued.",
    )
    b.event(
        pol,
        38,
        "Intelligence log",
        "Call re noise from car wash after 8pm. Owner spoken to, hours agreed with council.",
    )
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        75,
        "ED attendance",
        "16M irritant dermatitis both hands - Sat job at car wash, gloves torn. Dad present. GP registered. "
        "Emollients, advice. Employer to provide gloves.",
    )
    b.event(ed, 72, "Dressing clinic", "Attended w/ dad, healing well. D/c.")
    ha = b.record("ha", dad)
    b.event(ha, 90, "Tenancy visit", "3-bed house, family of 4 as on tenancy. Well kept. No issues.")
    b.event(ha, 27, "Repair order", "Boiler fault reported by tenant. Repaired same day.")
    vc = b.record("vcs", child)
    b.event(
        vc, 14, "Drop-in", "Came with his mum to her ESOL class, asked about college bricklaying courses. Info given."
    )
    return b.expect(None)


# 95 An unidentified young carer of a father with MS (adult social care, pharmacy, GP on the father; school, GP)
def cn95() -> Scenario:
    b = _b("CN95", "young carer", SRC_YOUNG_CARER, C, "BN95")
    h = Home("4", "Higher Fore Street", "Redruth", "TR15 2AP")
    child = b.person("child", "Lacey", "Chudleigh", born=dt.date(2015, 8, 6), sex="F", home=h)
    dad = b.adult("father", "Gareth", "Chudleigh", age=(46, 110), sex="M", home=h)
    ac = b.record("asc", dad)
    b.event(
        ac,
        201,
        "Care Act assessment",
        "Progressive MS: help needed with transfers, meds, meals. Declined care package ('my daughter helps'). "
        "Lives with dau (11) only. Review 6 mths.",
    )
    b.event(
        ac,
        48,
        "Review - telephone",
        "Says managing. Dau does 'bits' - shopping, tablets, helps him in the shower on bad days. Declines package "
        "(cost). NFA.",
    )
    rx = b.record("pharm", dad, given="Gary")
    b.event(
        rx,
        132,
        "CD collection - refused",
        "Girl (~11) sent to collect Oramorph + pregabalin. Not supplied to under-16 per SOP. Rang pt: 'no one else "
        "can come'. Delivered next day.",
    )
    b.event(
        rx,
        63,
        "Pharmacist note",
        "Same girl in, school uniform, 11:00 on a weekday, with dad's script. Says she fills his dosette 'because "
        "he drops them'.",
    )
    gd = b.record("gp", dad)
    b.event(
        gd,
        81,
        "Home visit",
        "MS relapse, bed-bound 2 wks. Dau (11) answered door, made the tea, gave his meds. PHQ-9 19. Sertraline "
        "increased.",
    )
    sc = b.record("school", child, given="Lacie", swap_dob=True)
    b.event(sc, 151, "Attendance - unauthorised", "L. 79%, late most days. Says she has 'stuff to do at home'.")
    b.event(
        sc,
        89,
        "CPOMS - Wellbeing",
        "Asleep in lessons, PE kit never in, homework not done. Said dad 'had a fall' and she was up with him.",
    )
    b.event(sc, 24, "Attendance - unauthorised", "3 days no contact. Dad rang day 4: 'she's been looking after me'.")
    gc = b.record("gp", child, nhs=False)
    b.event(
        gc,
        110,
        "Consultation",
        "11F attended ALONE - headaches. Says dad can't get out. Tension-type headache. Advised to bring an adult "
        "next time.",
    )
    return b.expect(child, ["asc", "pharm", "school", "gp"])


def bn95() -> Scenario:
    b = _b("BN95", "young carer", SRC_YOUNG_CARER, B, "CN95")
    h = Home("19", "Clinton Road", "Redruth", "TR15 2LN")
    child = b.person("child", "Poppy-Ann", "Rowe", born=dt.date(2015, 10, 21), sex="F", home=h)
    dad = b.adult("father", "Stuart", "Rowe", age=(48, 15), sex="M", home=h)
    b.adult("mother", "Joanne", "Rowe", age=(45, 190), sex="F", home=h)
    ac = b.record("asc", dad)
    b.event(
        ac,
        199,
        "Care Act assessment",
        "MS: carers twice daily for transfers + personal care, wife is main carer. Dau (11) referred to Young "
        "Carers with family's agreement.",
    )
    b.event(
        ac,
        46,
        "Review - telephone",
        "Package working. Wife says dau enjoys Young Carers club, no caring tasks beyond helping tidy.",
    )
    rx = b.record("pharm", dad)
    b.event(rx, 130, "CD collection", "Wife collected Oramorph, ID checked. Dau with her.")
    b.event(rx, 61, "Pharmacist note", "Dosette (MDS) set up for pt, delivered weekly.")
    gd = b.record("gp", dad)
    b.event(gd, 80, "Home visit", "MS relapse. Wife + carers managing. Steroids. Mood OK.")
    sc = b.record("school", child)
    b.event(
        sc, 150, "Attendance - authorised", "P. 94%. 2 days authorised - went with dad to neuro in Bristol (mum asked)."
    )
    b.event(sc, 88, "CPOMS - Wellbeing", "Tired Monday, said Young Carers trip on Sunday was 'the best'. Fine.")
    b.event(sc, 22, "Attendance - authorised", "1 day - dental appt, letter seen.")
    gc = b.record("gp", child)
    b.event(gc, 108, "Consultation", "11F with mum - headaches, likely screen time. Advice.")
    return b.expect(None)


# 96 A disabled pre-school child not brought (health visiting, GP, early years, dental)
def cn96() -> Scenario:
    b = _b("CN96", "disabled child not brought", SRC_DISABLED_WNB, C, "BN96")
    h = Home("6/21", "Wolseley Road", "Plymouth", "PL2 3BL")
    child = b.person("child", "Archer", "Widdicombe", born=dt.date(2022, 9, 2), sex="M", home=h)
    b.adult("mother", "Stacey", "Widdicombe", age=(30, 90), sex="F", home=h)
    hv = b.record("hv", child)
    b.event(
        hv,
        209,
        "Contact - no access",
        "2nd NA for 3.5 yr review (DS, AVSD repaired). Card left. Mum txt 'busy with the others'.",
    )
    b.event(
        hv,
        102,
        "Home visit",
        "Seen. Wt 0.4th on DS chart (was 9th). Hearing aids 'lost', not replaced. 4 children in 2-bed flat, "
        "cluttered. Mum says he 'won't eat'; dietitian offered, declined.",
    )
    gp = b.record("gp", child, given="Archie", swap_dob=True)
    b.event(gp, 178, "Was Not Brought (WNB)", "Letter from BRHC: paed cardiology f/u post AVSD repair not brought x2.")
    b.event(
        gp,
        119,
        "Letter in - audiology",
        "Not brought to 3 audiology appts, discharged per policy. Nursery say aids not worn.",
    )
    ey = b.record("ey", child, given="Archie", family="Widdecombe")
    b.event(
        ey,
        139,
        "Concern form",
        "A. in Friday's clothes, nappy soaked through. Very hungry at snack. Hearing aids not in again - mum says "
        "lost.",
    )
    b.event(
        ey,
        44,
        "Attendance",
        "Not attended 3 wks of funded sessions. SENCo's EHCP planning meeting cancelled by mum twice.",
    )
    dn = b.record("dent", child, dob="", nhs=False)
    b.event(
        dn,
        71,
        "FTA - failed to attend",
        "FTA x2 special care dental (DS, cardiac - needs AB cover review). D/c to GDP per policy.",
    )
    return b.expect(child, ["hv", "gp", "ey", "dent"])


def bn96() -> Scenario:
    b = _b("BN96", "disabled child not brought", SRC_DISABLED_WNB, B, "CN96")
    h = Home("3", "Ford Park Road", "Plymouth", "PL4 6RB")
    child = b.person("child", "Idris", "Penhallow", born=dt.date(2022, 7, 19), sex="M", home=h)
    b.adult("mother", "Carys", "Penhallow", age=(34, 15), sex="F", home=h)
    hv = b.record("hv", child)
    b.event(hv, 205, "Contact - rearranged", "3.5 yr review moved - I. inpatient at BRHC for cardiac cath. Rebooked.")
    b.event(
        hv,
        100,
        "Home visit",
        "Seen. Wt 9th on DS chart, tracking. New hearing aids fitted, wearing. Home calm, mum well supported.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        176,
        "Letter in - cardiology",
        "Clinic cancelled by hospital (consultant sick), rebooked. Seen since: repair good.",
    )
    b.event(gp, 118, "Letter in - audiology", "Reviewed, aids re-moulded. Good use reported by nursery.")
    ey = b.record("ey", child)
    b.event(
        ey, 137, "Concern form", "Nappy leak after nap, changed, spare clothes from bag. Mum informed, no concerns."
    )
    b.event(ey, 43, "Attendance", "Off 3 wks - cardiac admission, mum kept us updated. EHCP meeting held at home.")
    dn = b.record("dent", child)
    b.event(dn, 70, "Examination", "Seen w/ mum, special care dental. Caries-free. FV. Recall 6 mths.")
    return b.expect(None)


# 97 Sexual abuse in the family environment: a registered sex offender's new relationship (probation, GP, school, SN)
def cn97() -> Scenario:
    b = _b("CN97", "sexual abuse in the family environment", SRC_IFCSA, C, "BN97")
    h = Home("11", "Carlyon Road", "St Austell", "PL25 4LD")
    child = b.person("child", "Lowenna", "Trewin", born=dt.date(2018, 2, 24), sex="F", home=h)
    b.adult("mother", "Claire", "Trewin", age=(35, 300), sex="F", home=h)
    mark = b.adult(
        "partner",
        "Mark",
        "Spry",
        age=(42, 180),
        sex="M",
        home=Home("3/8", "Menacuddle Street", "St Austell", "PL25 4QQ"),
    )
    pb = b.record("probation", mark, pnc=True)
    b.event(
        pb,
        163,
        "Supervision",
        "RSO (2014 conviction, sexual activity with a child). Reports new relationship with 'Claire', says she has "
        "'no kids'. Reminded of notification + disclosure requirements.",
    )
    b.event(
        pb,
        58,
        "Home visit",
        "Not at own flat on 3 visits. Neighbour: 'mostly at his girlfriend's, Carlyon Rd'. Says her daughter "
        "'stays at her dad's'. MOSOVO informed.",
    )
    gp = b.record("gp", child)
    b.event(
        gp, 131, "Consultation", "8F dysuria + vulval soreness, 2nd in 3 mths. Dip neg. Mum: 'bubble baths'. Advice."
    )
    b.event(
        gp,
        49,
        "Consultation",
        "Secondary enuresis (was dry from 3), nightmares. Mum: new partner 'brilliant with her'. Ref enuresis clinic.",
    )
    sc = b.record("school", child, given="Lowena")
    b.event(
        sc,
        94,
        "CPOMS - Safeguarding",
        "L. drew 'Mark' in her bed, wouldn't say more. Mum: Mark is her new partner, 'she's getting used to him'.",
    )
    b.event(
        sc,
        29,
        "CPOMS - Behaviour",
        "Sexualised language well beyond age in Y3; touched another child in toilets. Parent meeting booked.",
    )
    sn = b.record("sn", child, dob="")
    b.event(
        sn,
        20,
        "Enuresis clinic",
        "Seen w/ mum. Wetting day + night. L. very quiet, said she doesn't like bedtime 'when mummy is at work'. "
        "Mum works nights at a care home 3x/wk.",
    )
    return b.expect(child, ["probation", "gp", "school", "sn"])


def bn97() -> Scenario:
    b = _b("BN97", "sexual abuse in the family environment", SRC_IFCSA, B, "CN97")
    h = Home("40", "Truro Road", "St Austell", "PL25 5JE")
    child = b.person("child", "Elowen", "Hancock", born=dt.date(2018, 4, 2), sex="F", home=h)
    b.adult("mother", "Sarah", "Hancock", age=(37, 20), sex="F", home=h)
    partner = b.adult("partner", "Neil", "Carveth", age=(40, 60), sex="M", home=h)
    pb = b.record("probation", partner, pnc=True)
    b.event(
        pb,
        160,
        "Supervision",
        "CO (drink drive, 2025), alcohol treatment req. Lives with partner + her dau (8), disclosed at induction. No "
        "violence or sexual offending.",
    )
    b.event(pb, 56, "Home visit", "Seen at home, partner present. ATR completed. Positive.")
    gp = b.record("gp", child)
    b.event(gp, 128, "Consultation", "8F UTI, known VUR (urology f/u). Culture +ve E. coli. Abx per urology plan.")
    b.event(gp, 47, "Consultation", "Wetting since UTI, constipated. Laxatives + ref enuresis clinic.")
    sc = b.record("school", child)
    b.event(sc, 92, "CPOMS - Wellbeing", "E. drew her family incl. mum's partner Neil + the dog. Happy, chatty.")
    b.event(sc, 27, "CPOMS - Behaviour", "Silly toilet humour with friends in Y3, reminded of expectations. Resolved.")
    sn = b.record("sn", child)
    b.event(
        sn,
        18,
        "Enuresis clinic",
        "Seen w/ mum. Constipation + VUR. Alarm + bladder diary. E. chatty, keen on the star chart.",
    )
    return b.expect(None)


# 98 Peer-on-peer sexual abuse with a video shared (school, police, school nursing, youth service)
def cn98() -> Scenario:
    b = _b("CN98", "peer-on-peer sexual abuse", SRC_PEER_ABUSE, C, "BN98")
    h = Home("25", "Kenwyn Road", "Truro", "TR1 3SH")
    child = b.person("child", "Ffion", "Rundle", born=dt.date(2012, 3, 1), sex="F", home=h)
    b.adult("mother", "Lisa", "Rundle", age=(42, 10), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        86,
        "CPOMS - Bullying",
        "F. upset, says Y10 boys sharing 'a video of her' on a Snapchat group. Phones checked, nothing found; boys "
        "deny. Monitor.",
    )
    b.event(
        sc, 41, "CPOMS - Wellbeing", "Attendance 71% since Easter. Eats lunch in library. Asked to move tutor group."
    )
    b.event(sc, 12, "Attendance - unauthorised", "Off 6 days. Mum: 'anxiety'.")
    pol = b.record("police", child, family="RUNDELL", dob="")
    b.event(
        pol,
        71,
        "Third party report",
        "Parent of another child reports that at a house party (adults away) a 14F was held down by two lads and "
        "filmed. Named as FFION RUNDELL. Visited: F. declined to give account, mother supports her decision. "
        "Filed pending further info.",
    )
    sn = b.record("sn", child, nhs=False)
    b.event(
        sn,
        51,
        "Drop-in",
        "14F pregnancy test (neg). Gillick/Fraser considered. Wouldn't say who with: 'it happened at a party, it "
        "wasn't really my choice'. Discussed with named nurse.",
    )
    yt = b.record("youth", child)
    b.event(
        yt,
        24,
        "Youth club session",
        "F. left club when a group of Y10 boys came in laughing, one passing a phone round. Said 'everyone's seen it'.",
    )
    return b.expect(child, ["school", "police", "sn", "youth"])


def bn98() -> Scenario:
    b = _b("BN98", "peer-on-peer sexual abuse", SRC_PEER_ABUSE, B, "CN98")
    h = Home("58", "Malpas Road", "Truro", "TR1 1QH")
    child = b.person("child", "Tamsin", "Oliver", born=dt.date(2012, 5, 9), sex="F", home=h)
    b.adult("mother", "Helen", "Oliver", age=(44, 33), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        84,
        "CPOMS - Bullying",
        "T. upset: friend posted a clip of her falling off a bench on Snapchat. Friend removed it + apologised, "
        "restorative meeting. Resolved.",
    )
    b.event(sc, 40, "CPOMS - Wellbeing", "Attendance 96%. Library at lunch for chess club (new).")
    b.event(sc, 10, "Attendance - authorised", "Off 3 days, flu. Mum rang daily.")
    pol = b.record("police", child)
    b.event(
        pol,
        70,
        "Police attendance - ASB",
        "Noise complaint, house party (Y9-Y10s), adults away. Underage drinking; young people taken home incl. "
        "TAMSIN OLIVER 14, parents spoken to. No offences disclosed.",
    )
    sn = b.record("sn", child)
    b.event(sn, 50, "Drop-in", "14F heavy painful periods. Advice, GP for review. Mum aware.")
    yt = b.record("youth", child)
    b.event(yt, 23, "Youth club session", "T. left early for dance class as usual. Running the tuck shop rota.")
    return b.expect(None)


# Do-not-merge traps -------------------------------------------------------------------------------------------
def tr15() -> Scenario:
    b = _b("TR15", "Lily-Rose and Lily-Mae Couch, twin girls at one address, both 'Lily' in some records: flag only "
           "Lily-Rose, whose self-harm and missing episodes are seen by CAMHS, the school and the ED", SRC_MERGE, TRAP)  # fmt: skip
    h = Home("17", "Priory Road", "Newton Abbot", "TQ12 1PN")
    a = b.person("at_risk", "Lily-Rose", "Couch", born=dt.date(2012, 10, 4), sex="F", home=h)
    z = b.person("other", "Lily-Mae", "Couch", born=dt.date(2012, 10, 4), sex="F", home=h)
    sa = b.record("school", a, given="Lily")
    b.event(
        sa,
        96,
        "CPOMS - Wellbeing",
        "Lily C (9SD, the twin in 9SD) - cuts on wrist seen in PE, says 'cat scratch'. Very low, not eating lunch.",
    )
    b.event(
        sa, 33, "Attendance - unauthorised", "Lily C (9SD) left site at lunch x3 this wk, found by mum at the river."
    )
    ca = b.record("camhs", a, nhs=False)
    b.event(
        ca,
        60,
        "Choice appointment",
        "14F: self-harm (cutting) 6 mths, passive SI, sleeps 3h. Twin sister doing well - 'everyone compares us'. "
        "Partnership appts offered.",
    )
    b.event(ca, 18, "DNA - partnership appointment", "DNA. Mum rang: L-R refused to get in car. Rebooked.")
    ea = b.record("ed-tor", a, given="Lily R", dob="")
    b.event(ea, 10, "ED attendance", "14F paracetamol OD ~16 tabs, 4h level below line. Psych liaison before d/c.")
    sz = b.record("school", z, given="Lily")
    b.event(sz, 80, "CPOMS - Achievement", "Lily C (9KM): county netball squad. Brilliant.")
    gz = b.record("gp", z, given="Lily")
    b.event(gz, 40, "Consultation", "14F sprained ankle at netball. RICE, review if not improving.")
    b.merge_traps_differ()
    return b.expect(a, ["school", "camhs", "ed-tor"])


def tr16() -> Scenario:
    b = _b("TR16", "Jacob and Jake Penrose, cousins named after their grandfather, in neighbouring Redruth streets, "
           "born 7 May and 5 July of one year: each record alone is ordinary, merged they would look like neglect",
           SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("child_a", "Jacob", "Penrose", born=dt.date(2015, 5, 7), sex="M",
                 home=Home("12", "Chapel Street", "Redruth", "TR15 2BY"))  # fmt: skip
    z = b.person("child_b", "Jake", "Penrose", born=dt.date(2015, 7, 5), sex="M",
                 home=Home("3", "Chapel Street Close", "Redruth", "TR15 2BZ"))  # fmt: skip
    ea = b.record("ed-tor", a, given="Jake")
    b.event(
        ea,
        64,
        "ED attendance",
        "11M buckle # L wrist, trampoline at friend's party, mum with him. Backslab, fracture clinic.",
    )
    da = b.record("dent", a, given="Jake", nhs=False)
    b.event(da, 120, "FTA - failed to attend", "FTA routine check - mum rang after, mixed up dates. Rebooked.")
    sz = b.record("school", z)
    b.event(sz, 140, "Attendance - authorised", "Jake P: 5 days tonsillitis, GP letter.")
    pz = b.record("police", z, given="JAKE", swap_dob=True)
    b.event(
        pz,
        30,
        "Concern for welfare",
        "10M separated from dad at Redruth fair, found at info tent within 20 mins, reunited. No concerns.",
    )
    gz = b.record("gp", z, given="Jacob")
    b.event(
        gz,
        95,
        "Was Not Brought (WNB)",
        "Asthma review - dad rang same day, at hospital with grandad. Rebooked, attended.",
    )
    b.merge_traps_differ()
    return b.expect(None)


SCENARIOS = [cn89, bn89, cn90, bn90, cn91, bn91, cn92, bn92, cn93, bn93, cn94, bn94, cn95, bn95, cn96, bn96,
             cn97, bn97, cn98, bn98, tr15, tr16]  # fmt: skip
FRESH7_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
