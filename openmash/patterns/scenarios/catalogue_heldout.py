"""The scenario catalogue, part four: a held-out set (CN33-CN48, BN33-BN48, TR05-TR06).

Written after the rules of the engine had been tuned on CN01-CN32, by an author who did not read the rules, the
phrase lists or the indicator reader, so that `openmash bench flags --only` on these codes gives an honest
figure for scenarios the rules were never fitted to. Themes are drawn from published national and local child
safeguarding practice reviews and guidance (each scenario's ``source``); the wording is the author's own
rendering of how each agency writes (police STORM/Niche logs, health visitor contacts, CPOMS entries, GP
consultations, probation case notes, housing approaches), deliberately not the wording of parts one to three.
See catalogue.py for the conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_SUDI = (
    "Child Safeguarding Practice Review Panel, 'Out of routine: a review of sudden unexpected death in infancy "
    "(SUDI) in families where the children are considered at risk of significant harm' (2020): sofa sleeping, "
    "alcohol, smoking, disrupted routines"
)
SRC_DENTAL = (
    "NICE CG89 'Child maltreatment: when to suspect' (medical and dental neglect) and NSPCC learning from case "
    "reviews on neglect: untreated dental disease, treatment not brought to, late presentation"
)
SRC_PERPLEXING = (
    "RCPCH, 'Perplexing presentations (PP) / fabricated or induced illness (FII) in children' (2021): symptoms "
    "reported but never observed, restricted diets, requests for aids, school absence"
)
SRC_CSA_FAMILY = (
    "Children's Commissioner, 'Protecting children from harm' (2015) and the Panel's 'I wanted them all to "
    "notice' (2024): a child's signs of sexual abuse in the family environment, shown more than told"
)
SRC_DISABILITY = (
    "Child Safeguarding Practice Review Panel, 'Safeguarding children with disabilities and complex health needs "
    "in residential settings' (2022, 2023): injuries to children who cannot tell, weight loss, short breaks "
    "cancelled"
)
SRC_HBA = (
    "HM Government, 'Multi-agency statutory guidance for dealing with forced marriage' (2023) and so-called "
    "'honour'-based abuse guidance; Marriage and Civil Partnership (Minimum Age) Act 2022"
)
SRC_EHE = (
    "Child Safeguarding Practice Review Panel, briefing on children in elective home education (2024): children "
    "withdrawn from school soon after safeguarding concerns, unseen by education, known only to health"
)
SRC_GROOMING = (
    "NSPCC learning from case reviews on online abuse and the Panel's annual report 2022-23: grooming through "
    "gaming platforms, gifts, secrecy, requests for images"
)
SRC_HOMELESS = (
    "Ofsted, 'Growing up neglected' (2018) and R (G) v Southwark (House of Lords, 2009): 16- and 17-year-olds "
    "presenting as homeless are children in need"
)
SRC_RECURRENT = (
    "Broadhurst et al., 'Vulnerable birth mothers and recurrent care proceedings' (2017) and the Panel's review "
    "of non-accidental injury in babies under one (2022): late booking after previous removals, a violent partner"
)
SRC_INGESTION = (
    "Local child safeguarding practice reviews of toddlers who swallowed a parent's prescribed methadone, and "
    "ACMD 'Hidden Harm' (2003): take-home opioid doses, no lockbox, missed reviews"
)
SRC_POSTSEP = (
    "Domestic Abuse Act 2021 (children as victims in their own right) and the Panel's annual reports: "
    "post-separation abuse and harassment carried on through child contact"
)
SRC_PERINATAL = (
    "MBRRACE-UK, 'Saving lives, improving mothers' care' (perinatal mental health chapters) and NICE CG192: "
    "stopping medication after birth, postpartum psychosis, a partner away"
)
SRC_SUPERVISION = (
    "NICE CG89 (neglect: failure to supervise, delayed presentation of a burn) and Ofsted 'In the child's time' "
    "(2014): a toddler found outside alone, cannabis cultivation in the home"
)
SRC_FALTERING = (
    "NICE NG75 'Faltering growth' (2017) and NICE CG89: weight falling through centiles with appointments not "
    "brought to and food-seeking at nursery"
)
SRC_GIRLS_CCE = (
    "Child Safeguarding Practice Review Panel, 'It was hard to escape' (2020) and the Children's Society on girls "
    "in county lines: debt bondage, internal concealment, older 'boyfriends'"
)


# 33 Unsafe sleep in a struggling household (SUDI)
def cn33() -> Scenario:
    b = _b("CN33", "unsafe infant sleep in a family under strain", SRC_SUDI, C, "BN33")
    h = Home("3/22", "Looe Street", "Plymouth", "PL4 0EA")
    baby = b.person("child", "Francesca", "Haworth", age=58, sex="F", home=h)
    mum = b.adult("mother", "Chelsea", "Haworth", age=(22, 90), sex="F", home=h)
    b.adult("father", "Liam", "Sutcliffe", age=(26, 30), sex="M", home=h)
    hv = b.record("hv", baby, given="Frankie")
    b.event(
        hv,
        47,
        "New Birth Visit",
        "NBV done at day 11. No cot up yet, baby sleeping in the car seat in the lounge; parents say a cot is coming "
        "from a friend. Both smoke, flat smells of smoke. Dad looked hungover, mum tearful. Safer sleep leaflet left.",
    )
    b.event(
        hv,
        12,
        "6-8 week review",
        "Mum says Frankie 'mostly sleeps on the settee on Liam' after his late shifts. Empty cider cans on the "
        "table at 11am; mum says she has a few drinks to get to sleep. Weight static since last weigh. EPDS 15.",
    )
    pol = b.record("police", baby)
    b.event(
        pol,
        30,
        "Occurrence - Domestic (verbal)",
        "Neighbour called re screaming from flat 3. Both adults heavily intoxicated on arrival, female says male "
        "took her phone. Infant asleep wedged between sofa cushions. Words of advice. PPN1 (child) submitted.",
    )
    hs = b.record("housing", mum)
    b.event(
        hs,
        20,
        "Disrepair inspection",
        "Black mould and damp to the bedroom; household now sleeping in the lounge on a mattress on the floor. "
        "Category 1 hazard, notice served on landlord.",
    )
    return b.expect(baby, ["hv", "police"])


def bn33() -> Scenario:
    b = _b("BN33", "unsafe infant sleep in a family under strain", SRC_SUDI, B, "CN33")
    h = Home("41", "Beacon Park Road", "Plymouth", "PL2 2QX")
    baby = b.person("child", "Arlo", "Bellamy", age=60, sex="M", home=h)
    hv = b.record("hv", baby)
    b.event(
        hv,
        47,
        "New Birth Visit",
        "NBV. Arlo sleeps in a Moses basket in the parents' room, feet to foot, room cool. Non-smoking home. "
        "Safer sleep talked through, both parents confident. Maternal grandmother visiting daily.",
    )
    b.event(
        hv,
        12,
        "6-8 week review",
        "Thriving, 50th centile. Mum mentioned Arlo once dozed on dad on the settee while she showered; dad stayed "
        "awake and put him back in the basket. Safer sleep reinforced. EPDS 4.",
    )
    pol = b.record("police", baby)
    b.event(
        pol,
        30,
        "Occurrence - noise complaint",
        "Complaint of loud music from a christening party. Attended 21:40, hosts turned it off. Baby asleep "
        "upstairs with his sober grandmother. No offences, no concerns for the children.",
    )
    return b.expect(None)


# 34 Dental and medical neglect of a primary-school child
def cn34() -> Scenario:
    b = _b("CN34", "dental and medical neglect", SRC_DENTAL, C, "BN34")
    h = Home("15", "Sticklepath Hill", "Barnstaple", "EX31 2BU")
    kid = b.person("child", "Brooke", "Luscombe", born=dt.date(2019, 4, 11), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        140,
        "CPOMS - Welfare",
        "Brooke crying with toothache again, holding her jaw, could not eat lunch. Told mum at pick-up; mum says "
        "she 'can't get a dentist'. Third time this term.",
    )
    b.event(
        sch,
        60,
        "CPOMS - Welfare",
        "Breath very offensive, front teeth blackened. Glasses broken since September and taped. Hair matted, head "
        "lice letters sent home three times with no change.",
    )
    b.event(sch, 28, "CPOMS - Attendance", "Attendance 79% YTD. Late most mornings, arrives without breakfast.")
    gp = b.record("gp", kid, nhs=False)
    b.event(
        gp,
        120,
        "Consultation (surgery)",
        "7yo, dental abscess lower right with facial swelling. Amoxicillin. Not registered with any dentist; "
        "advised 111 dental line. Mum says she has no money for the bus.",
    )
    b.event(
        gp,
        75,
        "Letter received - community dental service",
        "Six carious teeth for extraction under GA. Not brought to pre-assessment twice; discharged to GP under "
        "the service's was-not-brought policy.",
    )
    ed = b.record("ed-tor", kid, swap_dob=True)
    b.event(
        ed,
        45,
        "Paediatric ED attendance",
        "R facial cellulitis from a dental abscess, swelling for 5 days before she was brought. Admitted for IV "
        "antibiotics. Mum left the ward for long periods, child alone overnight.",
    )
    return b.expect(kid, ["school", "gp", "ed-tor"])


def bn34() -> Scenario:
    b = _b("BN34", "dental and medical neglect", SRC_DENTAL, B, "CN34")
    h = Home("8", "Ashleigh Road", "Barnstaple", "EX32 8JY")
    kid = b.person("child", "Ottilie", "Vickery", age=(7, 150), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(sch, 140, "CPOMS - Attendance", "Authorised absence: dental hospital appointment in Bristol, letter seen.")
    b.event(
        sch,
        60,
        "CPOMS - Welfare",
        "Ottilie self-conscious about her teeth. Parents explained she has amelogenesis imperfecta and crowns are "
        "planned at the dental hospital. Class talk on differences went well.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        120,
        "Letter received - dental hospital",
        "Amelogenesis imperfecta confirmed, father affected too. Preformed crowns under GA planned for spring. All "
        "appointments attended.",
    )
    ed = b.record("ed-tor", kid)
    b.event(
        ed,
        45,
        "Paediatric ED attendance",
        "Facial swelling noticed at breakfast, parents brought her straight in. Abscess on a tooth already under "
        "treatment; oral antibiotics, home with parents, dental hospital emailed.",
    )
    return b.expect(None)


# 35 Perplexing presentation: seizures never witnessed, diet cut to a few foods
def cn35() -> Scenario:
    b = _b("CN35", "perplexing presentation (possible FII)", SRC_PERPLEXING, C, "BN35")
    h = Home("27", "Magdalen Road", "Exeter", "EX2 4TA")
    kid = b.person("child", "Zakariya", "Hussain", age=(9, 200), sex="M", home=h)
    gp = b.record("gp", kid, given="Zak")
    b.event(
        gp,
        200,
        "Telephone encounter",
        "Mum reports 6-8 'absence seizures' a day; none ever seen by school staff or by us. EEG last year normal. "
        "Mum asking for urgent neurology and a wheelchair.",
    )
    b.event(
        gp,
        110,
        "Consultation (surgery)",
        "Mum reports new allergies to wheat, dairy, egg and all fruit; Zak now eats six foods. Weight has fallen "
        "from 50th to 9th centile. She wants a private allergy clinic. Zak says he feels fine, wants to play football.",
    )
    b.event(
        gp,
        40,
        "Medication request",
        "Early repeat request for melatonin, and asks us to take over gabapentin started by a private prescriber "
        "abroad. No letter from that prescriber.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        150,
        "CPOMS - Attendance",
        "Attendance 71%. Mum phones in 'seizures in the night'. No seizure observed in school in two years.",
    )
    b.event(
        sch,
        70,
        "CPOMS - Welfare",
        "Arrived in a wheelchair pushed by mum, then ran about at break with no difficulty. Mum asked staff to stop "
        "him eating school dinners; Zakariya upset, says he is hungry.",
    )
    ed = b.record("ed-rde", kid, nhs=False)
    b.event(
        ed,
        90,
        "ED attendance",
        "Mother reports a prolonged seizure at home, not witnessed by the ambulance crew. Child alert, neuro exam "
        "normal. Fourth ED visit this year; mother says others were at other trusts.",
    )
    return b.expect(kid, ["gp", "school", "ed-rde"])


def bn35() -> Scenario:
    b = _b("BN35", "perplexing presentation (possible FII)", SRC_PERPLEXING, B, "CN35")
    h = Home("5", "Hoopern Street", "Exeter", "EX4 4LY")
    kid = b.person("child", "Idris", "Mahmood", age=(9, 230), sex="M", home=h)
    gp = b.record("gp", kid)
    b.event(
        gp,
        200,
        "Letter received - paediatric neurology",
        "Childhood absence epilepsy, EEG shows 3 Hz spike-wave. Ethosuximide started, epilepsy nurse following up.",
    )
    b.event(gp, 40, "Medication review", "Absences now rare. Growth on the 50th centile. Family managing well.")
    sch = b.record("school", kid)
    b.event(
        sch,
        150,
        "CPOMS - Medical",
        "Individual healthcare plan updated with parents and the epilepsy nurse. Class teacher saw two absences "
        "this term and logged them.",
    )
    b.event(sch, 70, "CPOMS - Attendance", "Authorised: neurology clinic, letter provided. Attendance 96%.")
    ed = b.record("ed-rde", kid)
    b.event(
        ed,
        90,
        "ED attendance",
        "Seizure at school for 6 minutes witnessed by teacher; buccal midazolam given per care plan. Recovered, home "
        "with parents, neurology informed.",
    )
    return b.expect(None)


# 36 Child sexual abuse in the family environment: shown, not told
def cn36() -> Scenario:
    b = _b("CN36", "sexual abuse in the family environment", SRC_CSA_FAMILY, C, "BN36")
    h = Home("19", "Chudleigh Road", "Exeter", "EX2 8TS")
    kid = b.person("child", "Tia", "Passmore", age=(8, 100), sex="F", home=h)
    b.adult("mother", "Kerry", "Passmore", age=(31, 40), sex="F", home=h)
    uncle = b.adult(
        "uncle", "Gary", "Passmore", age=(38, 200), sex="M", home=Home("2", "Marlpit Lane", "Exmouth", "EX8 4BQ")
    )
    sch = b.record("school", kid, given="Tia-Louise")
    b.event(
        sch,
        95,
        "CPOMS - Safeguarding",
        "Tia told her TA that Uncle Gaz plays 'a secret game' when he babysits on Fridays and she must not tell "
        "mummy. Would not say more. Clingy, hiding under tables. Mum says Gary is 'like a dad' to her.",
    )
    b.event(
        sch,
        30,
        "CPOMS - Safeguarding",
        "Friday afternoon: Tia did not want to go home as it is 'Uncle Gaz night'. Drew her bedroom with a big man "
        "in the bed and scribbled over it. DSL to discuss with MASH.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        70,
        "Consultation (surgery)",
        "Wetting the bed again after three years dry; soreness 'down below'. Urine dip clear, MSU no growth. Hygiene "
        "advice, review if it continues.",
    )
    b.event(
        gp,
        20,
        "Consultation (surgery)",
        "Recurrent vulval soreness. Child very reluctant to be examined, clung to mum. No threadworm seen.",
    )
    pol = b.record("police", uncle, pnc=True)
    b.event(
        pol,
        50,
        "Intelligence - Niche",
        "Information that Gary PASSMORE has downloaded indecent images of children (cat C), CEOP referral. "
        "Exmouth address. Not yet actioned.",
    )
    return b.expect(kid, ["school", "gp"])


def bn36() -> Scenario:
    b = _b("BN36", "sexual abuse in the family environment", SRC_CSA_FAMILY, B, "CN36")
    h = Home("62", "Cowley Bridge Road", "Exeter", "EX4 5HQ")
    kid = b.person("child", "Nell", "Squires", age=(8, 130), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        95,
        "CPOMS - Welfare",
        "Nell tearful; parents separating. DSL spoke with mum, both parents working together, school counsellor "
        "sessions offered and accepted.",
    )
    b.event(
        sch,
        30,
        "CPOMS - Welfare",
        "Nell anxious on Friday about her first weekend at dad's new flat, settled after a chat. Dad came to the "
        "class assembly; warm relationship.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        70,
        "Consultation (surgery)",
        "Bedwetting again since parents separated. Urine dip clear. Enuresis leaflet, school nurse enuresis clinic.",
    )
    b.event(
        gp,
        20,
        "Consultation (surgery)",
        "Night-time perianal and vulval itch; mum saw threadworms. Mebendazole for the whole household.",
    )
    return b.expect(None)


# 37 Disabled, non-verbal child: grip bruising, weight loss, short breaks cancelled
def cn37() -> Scenario:
    b = _b("CN37", "injuries and weight loss in a disabled child", SRC_DISABILITY, C, "BN37")
    h = Home("6", "Fairfield Road", "Torquay", "TQ2 7NP")
    kid = b.person("child", "Jacob", "Scoble", born=dt.date(2014, 3, 7), sex="M", home=h)
    b.adult("father", "Neil", "Scoble", age=(44, 10), sex="M", home=h)
    sch = b.record("school", kid, given="Jake")
    b.event(
        sch,
        120,
        "CPOMS - Body map",
        "Four oval bruises on the back of the left upper arm, grip pattern. Jacob is non-verbal and cannot tell "
        "us. Dad says he grabs him to stop him running into the road.",
    )
    b.event(
        sch,
        45,
        "CPOMS - Welfare",
        "Eating ravenously, taking food from other pupils' trays. Uniform too small, shoes split. Trousers falling "
        "down - clearly lost weight.",
    )
    b.event(
        sch,
        15,
        "CPOMS - Safeguarding",
        "Short breaks stay cancelled by dad for the third time. Healing burn on back of right hand; nothing in the "
        "home-school diary.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        100,
        "Did not attend - child (was not brought)",
        "Community paediatrics weight review - not brought, second time.",
    )
    b.event(
        gp,
        35,
        "Consultation (surgery)",
        "Weight 29 kg, was 34 kg in February (50th to 9th centile). Dad says he is a fussy eater. Bloods requested.",
    )
    return b.expect(kid, ["school", "gp"])


def bn37() -> Scenario:
    b = _b("BN37", "injuries and weight loss in a disabled child", SRC_DISABILITY, B, "CN37")
    h = Home("30", "St Marychurch Road", "Torquay", "TQ1 3HY")
    kid = b.person("child", "Rory", "Hext", age=(12, 60), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        120,
        "CPOMS - Body map",
        "Bruise to right forearm from biting his own arm during sensory overload in the hall, witnessed by two "
        "staff; in his positive behaviour support plan. Parents phoned.",
    )
    b.event(
        sch,
        45,
        "CPOMS - Welfare",
        "New ear defenders working well. Eats his packed lunch. Growing out of uniform; mum sent new trousers the "
        "next day.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        100,
        "Appointment rescheduled by clinic",
        "Community paediatrics review moved by the clinic (consultant on leave); attended the new date.",
    )
    b.event(
        gp,
        35,
        "Consultation (surgery)",
        "Weight 41 kg, steady on the 50th centile. Dietitian: restricted diet in keeping with his autism, "
        "supplements taken. Mum coping, short breaks going well.",
    )
    return b.expect(None)


# 38 So-called honour-based abuse and a planned forced marriage
def cn38() -> Scenario:
    b = _b("CN38", "honour-based abuse and forced marriage risk", SRC_HBA, C, "BN38")
    h = Home("44", "Ebrington Street", "Plymouth", "PL4 9AF")
    kid = b.person("child", "Ayesha", "Iqbal", born=dt.date(2011, 5, 9), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        160,
        "CPOMS - Safeguarding",
        "A friend reports Ayesha said she is being 'taken back home' in summer to be engaged to a cousin she has "
        "never met. Ayesha denied it when seen, very frightened, begged us not to call her parents.",
    )
    b.event(
        sch,
        75,
        "CPOMS - Welfare",
        "Older brother now walks her to and from the gate; withdrawn from the residential trip; phone taken off "
        "her. Grades dropping, not eating at lunch.",
    )
    b.event(
        sch,
        20,
        "CPOMS - Attendance",
        "Father asks for 8 weeks' leave from June for a 'family event abroad' - refused. Ayesha says dad keeps her "
        "passport.",
    )
    pol = b.record("police", kid, given="Aisha", swap_dob=True)
    b.event(
        pol,
        90,
        "STORM - Assault (family)",
        "999 from female 15yrs: brother slapped her for talking to a boy on the bus. On arrival family say a "
        "misunderstanding; she retracted in front of father. Spoken to alone briefly, very scared. HBA considered, "
        "PPN.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        50,
        "Consultation (surgery)",
        "15yo, superficial cuts to forearm; says 'it is my fault, I brought shame'. Pleaded that family are not "
        "told. Asked whether a doctor can stop a wedding.",
    )
    return b.expect(kid, ["school", "police", "gp"])


def bn38() -> Scenario:
    b = _b("BN38", "honour-based abuse and forced marriage risk", SRC_HBA, B, "CN38")
    h = Home("12", "Hill Park Crescent", "Plymouth", "PL4 8JP")
    kid = b.person("child", "Mariam", "Akhtar", age=(15, 70), sex="F", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        160,
        "CPOMS - Welfare",
        "Mariam excited to go to Lahore in the summer holidays for her cousin's wedding; back for the start of "
        "Year 11, knows her mock dates. Dad emailed the itinerary.",
    )
    b.event(
        sch,
        75,
        "CPOMS - Welfare",
        "Made a prefect. Older brother collects her on Wednesdays for the orthodontist - note from mum on file.",
    )
    b.event(
        sch,
        20,
        "CPOMS - Attendance",
        "Request for two days' term-time leave for a family wedding abroad - declined per policy; family "
        "accepted and rebooked flights in the holiday.",
    )
    pol = b.record("police", kid)
    b.event(
        pol,
        90,
        "STORM - Witness",
        "Witness to an assault on a bus driver; statement taken with mum present. No concerns for her.",
    )
    gp = b.record("gp", kid)
    b.event(gp, 50, "Consultation (surgery)", "Acne, topical treatment started. Mood good, enjoying school.")
    return b.expect(None)


# 39 Withdrawn to home education days after a school referral
def cn39() -> Scenario:
    b = _b("CN39", "withdrawn to home education after concerns", SRC_EHE, C, "BN39")
    h = Home("3", "Honicknowle Lane", "Plymouth", "PL5 3NS")
    kid = b.person("child", "Reece", "Folland", age=(13, 150), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        210,
        "CPOMS - Safeguarding",
        "Reece came in with a split lip and bruised cheekbone, said he walked into a door. Referred to MASH - "
        "advice to school, NFA.",
    )
    b.event(
        sch,
        201,
        "Removal from roll (EHE)",
        "Letter from father deregistering Reece to home educate, nine days after our referral. No prior "
        "discussion; Reece not seen before removal.",
    )
    b.event(
        sch,
        80,
        "EHE - welfare visit",
        "EHE adviser: father refused entry, said Reece was 'out'. No education plan supplied. Second refusal.",
    )
    ed = b.record("ed-plh", kid, nhs=False)
    b.event(
        ed,
        120,
        "ED attendance",
        "13yo, fractured 5th metacarpal, injury 4 days old. Father says hand caught in a car door. Reece silent, "
        "looked at father before every answer.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        60,
        "Did not attend - child (was not brought)",
        "Fracture clinic and hand therapy not brought to; fracture clinic letter says discharged after two WNB.",
    )
    return b.expect(kid, ["school", "ed-plh", "gp"])


def bn39() -> Scenario:
    b = _b("BN39", "withdrawn to home education after concerns", SRC_EHE, B, "CN39")
    h = Home("21", "Crownhill Road", "Plymouth", "PL5 3BA")
    kid = b.person("child", "Toby", "Grigg", age=(13, 170), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(sch, 210, "CPOMS - Welfare", "Toby upset about name-calling in PE; anti-bullying plan agreed with parents.")
    b.event(
        sch,
        201,
        "Removal from roll (EHE)",
        "Parents chose home education after meeting head of year about the bullying; plan shared, Toby positive "
        "about it.",
    )
    b.event(
        sch,
        80,
        "EHE - welfare visit",
        "EHE adviser saw Toby at home with his work: suitable provision, home-ed science group and Scouts.",
    )
    ed = b.record("ed-plh", kid)
    b.event(
        ed,
        120,
        "ED attendance",
        "Fractured little finger keeping goal at Saturday football, brought the same afternoon by dad and coach. "
        "Consistent account.",
    )
    gp = b.record("gp", kid)
    b.event(gp, 60, "Consultation (surgery)", "Finger healed; fracture clinic discharged him after his final visit.")
    return b.expect(None)


# 40 Online grooming through a gaming platform
def cn40() -> Scenario:
    b = _b("CN40", "online grooming through gaming", SRC_GROOMING, C, "BN40")
    h = Home("9", "Withycombe Village Road", "Exmouth", "EX8 3AE")
    kid = b.person("child", "Oliver", "Ferris", born=dt.date(2014, 6, 21), sex="M", home=h)
    sch = b.record("school", kid, given="Ollie")
    b.event(
        sch,
        100,
        "CPOMS - Online safety",
        "Filtering alert: searched 'how to delete chat history' and 'is it ok to send pics to a friend who is 19'. "
        "Says his friend from Roblox is his 'mentor'.",
    )
    b.event(
        sch,
        40,
        "CPOMS - Welfare",
        "New GBP 200 trainers and gift cards 'from my mentor'. Asleep in lessons; says he is on Discord until 4am "
        "with older friends. Parents not aware.",
    )
    pol = b.record("police", kid, dob="21/06/2013")
    b.event(
        pol,
        55,
        "NCA/CEOP referral - online CSA",
        "CEOP package: adult male account (believed 34) contacting several boys aged 11-13 through a gaming "
        "platform, sending vouchers and asking for images. One identified as Oliver FERRIS at this address. Visit "
        "to parents to be arranged.",
    )
    cam = b.record("camhs", kid)
    b.event(
        cam,
        20,
        "Referral received",
        "GP referral: anxiety, not sleeping, rages when parents take the console away, won't leave his room.",
    )
    return b.expect(kid, ["school", "police"])


def bn40() -> Scenario:
    b = _b("BN40", "online grooming through gaming", SRC_GROOMING, B, "CN40")
    h = Home("14", "Marpool Hill", "Exmouth", "EX8 2LJ")
    kid = b.person("child", "Jack", "Tapper", age=(12, 80), sex="M", home=h)
    sch = b.record("school", kid)
    b.event(
        sch,
        100,
        "CPOMS - Online safety",
        "Filtering alert: looked up a game cheats site in IT. Jack curious about mods. E-safety reminder; parents "
        "told, they have parental controls at home.",
    )
    b.event(
        sch,
        40,
        "CPOMS - Welfare",
        "Tired after a weekend gaming tournament with his cousins, parents' permission. No concerns.",
    )
    pol = b.record("police", kid)
    b.event(
        pol,
        55,
        "Crime report - computer misuse",
        "Father reports Jack's game account hacked and items taken. No contact from any adult, nothing asked of "
        "Jack. Two-factor advice. Filed.",
    )
    return b.expect(None)


# 41 A 16-year-old pushed out of home
def cn41() -> Scenario:
    b = _b("CN41", "homeless 16-year-old asked to leave", SRC_HOMELESS, C, "BN41")
    h = Home("11", "Clifton Road", "Paignton", "TQ3 3LE")
    kid = b.person("child", "Kian", "Darby", age=(16, 120), sex="M", home=h)
    hs = b.record("housing", kid)
    b.event(
        hs,
        70,
        "Homeless approach (16/17)",
        "Kian presented alone. Mum's partner told him to get out three weeks ago; sofa surfing, one night in a car "
        "park. Mum confirms she won't have him back. Referred to children's services under the joint protocol - "
        "no reply yet.",
    )
    b.event(
        hs,
        20,
        "Emergency accommodation placement",
        "Stop-gap B&B in Torquay - not suitable for a 16-year-old. No money for food; given a food bank voucher.",
    )
    pol = b.record("police", kid)
    b.event(
        pol,
        45,
        "Concern for Welfare (CFW)",
        "Youth found asleep in the stairwell of a multi-storey car park 02:10, cold, no coat, not eaten. Says he "
        "is not welcome at home. Taken to a friend's. PPN.",
    )
    b.event(
        pol,
        10,
        "Occurrence - theft (shop)",
        "Detained for taking sandwiches and energy drinks from the Co-op; said he was hungry. Community resolution.",
    )
    sch = b.record("school", kid, dob="")
    b.event(
        sch,
        60,
        "CPOMS - Attendance",
        "Sixth form attendance down to 40%. Same clothes all week, asked the pastoral lead for food.",
    )
    return b.expect(kid, ["housing", "police", "school"])


def bn41() -> Scenario:
    b = _b("BN41", "homeless 16-year-old asked to leave", SRC_HOMELESS, B, "CN41")
    h = Home("7", "Dartmouth Road", "Paignton", "TQ4 5AB")
    kid = b.person("child", "Harley", "Quick", age=(16, 150), sex="M", home=h)
    hs = b.record("housing", kid)
    b.event(
        hs,
        70,
        "Homeless approach (family)",
        "No-fault eviction, landlord selling. Mum and Harley (16) placed together in a two-bed temporary flat; "
        "Harley has his own room. Bidding for a permanent home.",
    )
    pol = b.record("police", kid)
    b.event(
        pol,
        45,
        "Concern for Welfare (CFW)",
        "Youth asleep on the last bus at the depot 23:50 after a shift at the chip shop. Mum answered at once and "
        "collected him. No concerns.",
    )
    sch = b.record("school", kid)
    b.event(sch, 60, "CPOMS - Attendance", "Two days authorised for the family's house move; tutor told in advance.")
    return b.expect(None)


# 42 Pre-birth: late booking after two previous removals, a violent partner
def cn42() -> Scenario:
    b = _b("CN42", "pre-birth risk after previous removals", SRC_RECURRENT, C, "BN42")
    h = Home("5", "Kingsley Road", "Bideford", "EX39 2PF")
    mum = b.adult("mother", "Shauna", "Heard", age=(24, 200), sex="F", home=h)
    man = b.adult("partner", "Jordan", "Blackmore", age=(29, 80), sex="M", home=h)
    mat = b.record("midwifery", mum)
    b.event(
        mat,
        120,
        "Late booking",
        "Booked at 29+4 weeks, first contact this pregnancy. Two older children on care orders and adopted (2021, "
        "2023). Says she didn't know she was pregnant. Partner Jordan answered most questions for her.",
    )
    b.event(mat, 60, "Antenatal - DNA", "Missed growth scan and consultant clinic. Phone switched off.")
    b.event(
        mat,
        25,
        "Antenatal home visit",
        "Partner would not leave the room. Bruise to her wrist, says she caught it on a door. Routine enquiry not "
        "possible.",
    )
    gp = b.record("gp", mum, given="Shona")
    b.event(
        gp,
        100,
        "Consultation (surgery)",
        "Asks to restart sertraline: low since the children were removed. Says partner 'gets jealous'. Declined a "
        "domestic abuse leaflet.",
    )
    pr = b.record("probation", man, pnc=True)
    b.event(
        pr,
        80,
        "Case note - change of circumstances",
        "Jordan now living with his pregnant girlfriend at 5 Kingsley Rd. On licence for ABH and controlling "
        "behaviour against a previous partner; MARAC history. Home visit for child safeguarding to be booked.",
    )
    return b.expect(mum, ["midwifery", "gp", "probation"])


def bn42() -> Scenario:
    b = _b("BN42", "pre-birth risk after previous removals", SRC_RECURRENT, B, "CN42")
    h = Home("28", "Abbotsham Road", "Bideford", "EX39 3AF")
    mum = b.adult("mother", "Holly", "Yeo", age=(27, 60), sex="F", home=h)
    man = b.adult("partner", "Sam", "Chugg", age=(30, 20), sex="M", home=h)
    mat = b.record("midwifery", mum)
    b.event(
        mat,
        120,
        "Booking appointment",
        "Booked at 9+2 weeks, first pregnancy. Routine enquiry alone: no domestic abuse. Partner supportive.",
    )
    b.event(
        mat,
        60,
        "Antenatal - rescheduled by unit",
        "Growth scan moved by the unit (sonographer off sick); attended the new date, baby growing well.",
    )
    gp = b.record("gp", mum)
    b.event(gp, 100, "Consultation (surgery)", "Mild anaemia of pregnancy, iron started. Mood good.")
    pr = b.record("probation", man, pnc=True)
    b.event(
        pr,
        80,
        "Case note - supervision",
        "Community order for drink driving: unpaid work hours completed. Lives with pregnant partner. No domestic "
        "abuse history; safeguarding checks returned nothing.",
    )
    return b.expect(None)


# 43 A toddler swallows a parent's methadone
def cn43() -> Scenario:
    b = _b("CN43", "toddler opioid ingestion", SRC_INGESTION, C, "BN43")
    h = Home("17", "Belgrave Road", "Torquay", "TQ2 5HR")
    kid = b.person("child", "Mollie", "Gorman", born=dt.date(2024, 2, 6), sex="F", home=h)
    mum = b.adult("mother", "Tanya", "Gorman", age=(30, 15), sex="F", home=h)
    ed = b.record("ed-tor", kid, given="Molly", swap_dob=True)
    b.event(
        ed,
        30,
        "Paediatric ED attendance",
        "2yo by ambulance: drowsy, pinpoint pupils, RR 12. Responded to naloxone. Mum found her with an open bottle "
        "from the bathroom. Methadone in the home. Urine tox positive for opiates.",
    )
    sms = b.record("sms", mum)
    b.event(
        sms,
        150,
        "Key work session",
        "On methadone 80 ml, weekly take-home doses. No lockbox yet. Using heroin on top two or three times a week.",
    )
    b.event(
        sms,
        45,
        "Key work session",
        "Missed three pharmacy pick-ups. Urine positive opiates and cocaine. Says the toddler is 'no bother'.",
    )
    hv = b.record("hv", kid)
    b.event(
        hv,
        200,
        "2-2.5 year review - not brought",
        "Second review letter unanswered; mum's phone not in service.",
    )
    b.event(
        hv,
        90,
        "Targeted contact",
        "Home visit: tablets and a sharps bin on the kitchen side within reach. Mum says her partner is 'on a "
        "script'. Advice on safe storage.",
    )
    return b.expect(kid, ["ed-tor", "hv", "sms"])


def bn43() -> Scenario:
    b = _b("BN43", "toddler opioid ingestion", SRC_INGESTION, B, "CN43")
    h = Home("22", "Cary Parade", "Torquay", "TQ2 5FH")
    kid = b.person("child", "Beau", "Ashworth", age=(2, 140), sex="M", home=h)
    ed = b.record("ed-tor", kid)
    b.event(
        ed,
        30,
        "Paediatric ED attendance",
        "2yo by ambulance after a 3-minute febrile convulsion, temp 39.4, otitis media. Alert on arrival. Parents "
        "sure nothing swallowed, all medicines locked away. Home with safety-net advice.",
    )
    hv = b.record("hv", kid)
    b.event(
        hv,
        200,
        "2-2.5 year review - rescheduled",
        "Review cancelled by the HV team (staffing) and rebooked; mum rang to confirm the new date.",
    )
    b.event(
        hv,
        90,
        "2-2.5 year review",
        "Done at home: meeting milestones, stair gates up, medicines in a locked cupboard. No concerns.",
    )
    gp = b.record("gp", kid)
    b.event(gp, 20, "Consultation (surgery)", "Follow-up after febrile seizure; ear infection settled. Leaflet given.")
    return b.expect(None)


# 44 Post-separation abuse carried on through the child
def cn44() -> Scenario:
    b = _b("CN44", "post-separation abuse through child contact", SRC_POSTSEP, C, "BN44")
    h = Home("31", "Decoy Road", "Newton Abbot", "TQ12 1DY")
    kid = b.person("child", "Harrison", "Bradbury", age=(9, 45), sex="M", home=h)
    mum = b.adult("mother", "Lindsey", "Bradbury", age=(35, 100), sex="F", home=h)
    elsewhere = Home("9", "Jetty Marsh Road", "Newton Abbot", "TQ12 2SL")
    b.adult("father", "Craig", "Bradbury", age=(38, 5), sex="M", home=elsewhere)
    pol = b.record("police", kid)
    b.event(
        pol,
        130,
        "Occurrence - Breach of non-molestation order",
        "Father turned up at mother's new (confidential) address at handover, shouted threats through the door; "
        "child present and crying. Arrested, bailed with conditions.",
    )
    b.event(
        pol,
        40,
        "STORM - Domestic (harassment)",
        "Mother reports 40+ messages a day from ex-partner sent through the child's tablet; child asked by dad to "
        "photograph the house. DASH high.",
    )
    sch = b.record("school", kid, given="Harry")
    b.event(
        sch,
        100,
        "CPOMS - Safeguarding",
        "Harry says daddy makes him promise to tell where mummy goes and who visits; scared he will be 'in "
        "trouble'. Father at the gate asking to take Harry - not on the collection list, refused, left shouting.",
    )
    b.event(
        sch,
        35,
        "CPOMS - Welfare",
        "Wet himself in class, jumps at loud noises, says he does not want to go to dad's this weekend.",
    )
    idva = b.record("idva", mum)
    b.event(
        idva,
        38,
        "DASH RIC - high / MARAC referral",
        "Lindsey scored 17. Ex-partner monitoring her through the child; tracker found on her car. Safety plan, "
        "MARAC referral made.",
    )
    return b.expect(kid, ["police", "school", "idva"])


def bn44() -> Scenario:
    b = _b("BN44", "post-separation abuse through child contact", SRC_POSTSEP, B, "CN44")
    h = Home("10", "Coombeshead Road", "Newton Abbot", "TQ12 1PZ")
    kid = b.person("child", "Jenson", "Mortimore", age=(9, 70), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        130,
        "Occurrence - civil dispute",
        "Disagreement at a contact handover, father 20 minutes late, voices briefly raised. Both calm on arrival, "
        "no threats, no DA history, no offences. Child happy with both. Advised to use the agreed handover point.",
    )
    sch = b.record("school", kid)
    b.event(
        sch,
        100,
        "CPOMS - Welfare",
        "Parents separated amicably, both on the collection list. Jenson talks happily about weekends at dad's.",
    )
    b.event(sch, 35, "CPOMS - Welfare", "Both parents came to parents' evening together. No concerns.")
    return b.expect(None)


# 45 Perinatal mental illness: medication stopped, psychotic ideas about the baby
def cn45() -> Scenario:
    b = _b("CN45", "perinatal mental illness and a new baby", SRC_PERINATAL, C, "BN45")
    h = Home("2/15", "Gold Street", "Tiverton", "EX16 6PY")
    baby = b.person("child", "Isaac", "Pring", age=40, sex="M", home=h)
    mum = b.adult("mother", "Bethany", "Pring", age=(25, 70), sex="F", home=h)
    amh = b.record("amh", mum, given="Beth")
    b.event(
        amh,
        150,
        "Perinatal MH assessment",
        "Bipolar affective disorder; postpartum psychosis after first pregnancy (2022). Advised to stay on lithium; "
        "Bethany intends to stop it to breastfeed. Partner works offshore.",
    )
    b.event(
        amh,
        14,
        "Crisis team contact",
        "Partner rang from offshore: Bethany has not slept for three nights, says the baby has been 'swapped' and "
        "is not hers. Declined home treatment visit. Partner away until Friday.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        28,
        "New Birth Visit",
        "Mum talking fast, says she doesn't need sleep, has stopped her tablets. Isaac still below birth weight at "
        "day 12. Breastfeeding not established.",
    )
    b.event(
        hv,
        8,
        "Targeted contact - no access",
        "Mum shouted through the door that baby is asleep and we are 'from the council'. Partner not reachable.",
    )
    return b.expect(baby, ["hv", "amh"])


def bn45() -> Scenario:
    b = _b("BN45", "perinatal mental illness and a new baby", SRC_PERINATAL, B, "CN45")
    h = Home("6", "Blundells Road", "Tiverton", "EX16 4DB")
    baby = b.person("child", "Edie", "Harker", age=42, sex="F", home=h)
    mum = b.adult("mother", "Rosie", "Harker", age=(29, 110), sex="F", home=h)
    amh = b.record("amh", mum)
    b.event(
        amh,
        150,
        "Perinatal MH assessment",
        "Postnatal depression after her first baby, well for three years. Plan: continue sertraline, perinatal team "
        "check-ins. Partner and her mum supportive.",
    )
    b.event(
        amh,
        14,
        "Perinatal MH review",
        "Rosie well, sleeping when baby sleeps, mood stable, lovely bond. Discharge planned at three months.",
    )
    hv = b.record("hv", baby)
    b.event(
        hv,
        28,
        "New Birth Visit",
        "Feeding well, back to birth weight. Mum tired but well, partner on paternity leave. EPDS 6.",
    )
    b.event(
        hv,
        8,
        "Targeted contact - rearranged",
        "Visit moved at mum's request (clash with hearing screen); seen next day, all well.",
    )
    return b.expect(None)


# 46 A toddler found outside alone; delayed burn; cannabis grow at home
def cn46() -> Scenario:
    b = _b("CN46", "toddler unsupervised, delayed burn, drugs at home", SRC_SUPERVISION, C, "BN46")
    h = Home("12", "Goodleigh Road", "Barnstaple", "EX32 7JT")
    kid = b.person("child", "Lennon", "Pidgeon", age=(3, 20), sex="M", home=h)
    b.adult("mother", "Sadie", "Pidgeon", age=(23, 150), sex="F", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        110,
        "Concern for Welfare (CFW)",
        "MOP found a 3yo boy in pyjamas and bare feet on the verge of the A361 roundabout 06:15. Mother found "
        "asleep at home, front door wide open, strong smell of cannabis. She had not known he was out.",
    )
    b.event(
        pol,
        15,
        "Occurrence - Cultivation of cannabis",
        "Warrant executed: 14 plants in the back bedroom, hydroponic lights, bypassed electricity meter. Child's "
        "cot in the next room.",
    )
    gp = b.record("gp", kid, nhs=False)
    b.event(
        gp,
        70,
        "Consultation (surgery)",
        "Partial thickness burn to palm, three days old; mum says he grabbed hair straighteners. Not dressed at "
        "home. Delay in seeking care.",
    )
    hv = b.record("hv", kid, given="Lenny")
    b.event(hv, 180, "Universal contact - no access", "2.5 yr review: three visits, no access.")
    b.event(
        hv,
        50,
        "Targeted contact",
        "Seen at home: single words only, heavy soiled nappy, bin bags of rubbish in the hall. Mum drowsy.",
    )
    return b.expect(kid, ["police", "gp", "hv"])


def bn46() -> Scenario:
    b = _b("BN46", "toddler unsupervised, delayed burn, drugs at home", SRC_SUPERVISION, B, "CN46")
    h = Home("4", "Sticklepath Terrace", "Barnstaple", "EX31 2DG")
    kid = b.person("child", "Rufus", "Tamlyn", age=(3, 40), sex="M", home=h)
    pol = b.record("police", kid)
    b.event(
        pol,
        110,
        "Concern for Welfare (CFW)",
        "3yo separated from dad in the Pannier Market, found by a stallholder and reunited within 10 minutes. Dad "
        "had called us straight away. No concerns.",
    )
    gp = b.record("gp", kid)
    b.event(
        gp,
        70,
        "Consultation (surgery)",
        "Small scald to back of hand from a tipped cup of tea at grandma's; cooled under the tap 20 min and brought "
        "straight in. Superficial, account consistent.",
    )
    hv = b.record("hv", kid)
    b.event(
        hv,
        50,
        "2.5 year review",
        "Chatty, on track, home safe and tidy. Mum told me about the market scare; talked about reins.",
    )
    return b.expect(None)


# 47 Faltering growth with appointments not brought to and food-seeking at nursery
def cn47() -> Scenario:
    b = _b("CN47", "faltering growth and food-seeking", SRC_FALTERING, C, "BN47")
    h = Home("6/40", "Old Tiverton Road", "Exeter", "EX4 6LG")
    kid = b.person("child", "Amarachi", "Okafor", age=(2, 300), sex="F", home=h)
    hv = b.record("hv", kid, given="Amara")
    b.event(
        hv,
        230,
        "Targeted contact",
        "Weight has dropped from 50th to 9th centile since 6 months. Mum says she eats 'whatever'. Bottle of "
        "diluted squash in the cot.",
    )
    b.event(hv, 130, "Universal Plus - weigh", "Now below the 0.4th centile. Referred to paediatric dietitian.")
    b.event(
        hv, 40, "Targeted contact - no access", "No access twice. Neighbour says the family are still living there."
    )
    gp = b.record("gp", kid)
    b.event(gp, 160, "Did not attend - child (was not brought)", "Paediatric dietitian: not brought.")
    b.event(
        gp,
        100,
        "Consultation (surgery)",
        "Thin, wasted buttocks, sore nappy area, quiet and watchful, no stranger wariness. Mum says she eats well. "
        "Urgent paediatric referral.",
    )
    nur = b.record("school", kid, given="Amara")
    b.event(
        nur,
        80,
        "CPOMS - Welfare",
        "Nursery: Amara eats three portions at lunch and hides bread in her pockets to take home. Cries when "
        "collected.",
    )
    return b.expect(kid, ["hv", "gp", "school"])


def bn47() -> Scenario:
    b = _b("BN47", "faltering growth and food-seeking", SRC_FALTERING, B, "CN47")
    h = Home("18", "Blackboy Road", "Exeter", "EX4 6SW")
    kid = b.person("child", "Maeve", "O'Dwyer", age=(2, 310), sex="F", home=h)
    hv = b.record("hv", kid)
    b.event(
        hv,
        230,
        "Targeted contact",
        "Tracking the 2nd centile since birth; both parents of short stature (mum 150 cm). Eating well, development "
        "normal.",
    )
    b.event(
        hv,
        130,
        "Universal Plus - weigh",
        "Still on the 2nd centile, proportionate, fits mid-parental height. Dietitian review asked for reassurance.",
    )
    b.event(hv, 40, "Health visit", "Thriving, chatty, lively. No concerns.")
    gp = b.record("gp", kid)
    b.event(
        gp,
        160,
        "Letter - paediatric dietitian",
        "Seen with both parents: constitutionally small, intake adequate, no follow-up needed.",
    )
    b.event(gp, 100, "Consultation (surgery)", "Viral cough. Well grown for parental heights.")
    nur = b.record("school", kid)
    b.event(
        nur, 80, "CPOMS - Welfare", "Nursery: settling well, enjoys lunch, small for her age and keeps up with all."
    )
    return b.expect(None)


# 48 A girl exploited in county lines: debt, internal concealment, an older 'boyfriend'
def cn48() -> Scenario:
    b = _b("CN48", "criminal exploitation of a girl", SRC_GIRLS_CCE, C, "BN48")
    h = Home("25", "Wardrew Road", "Exeter", "EX4 1EZ")
    kid = b.person("child", "Kaci", "Underhill", born=dt.date(2012, 1, 10), sex="F", home=h)
    yj = b.record("yjs", kid)
    b.event(
        yj,
        140,
        "AssetPlus review",
        "Kaci (referral order, shoplifting) says she 'owes' older lads after a bag of 'stuff' was taken off her; "
        "they will 'sort it' if she holds for them. Out until 3am. 'Boyfriend' is 19.",
    )
    pol = b.record("police", kid, given="Kacey", swap_dob=True)
    b.event(
        pol,
        90,
        "Occurrence - PWITS (Class A)",
        "Female 14 found in a Newquay flat with 23 wraps of crack cocaine concealed internally. Two adult males from "
        "London arrested. NRM referral to be considered.",
    )
    b.event(
        pol,
        30,
        "Missing - high risk",
        "Missing two nights, located at a known drug address in Torquay with facial injuries; would not engage.",
    )
    ed = b.record("ed-rde", kid)
    b.event(
        ed,
        60,
        "ED attendance",
        "14yo with abdominal pain, says there is 'something' inside her, would not say what. Left before "
        "examination with an older male claiming to be her brother.",
    )
    return b.expect(kid, ["yjs", "police", "ed-rde"])


def bn48() -> Scenario:
    b = _b("BN48", "criminal exploitation of a girl", SRC_GIRLS_CCE, B, "CN48")
    h = Home("3", "Prince Charles Road", "Exeter", "EX4 7EA")
    kid = b.person("child", "Niamh", "Whitlock", age=(14, 90), sex="F", home=h)
    yj = b.record("yjs", kid)
    b.event(
        yj,
        140,
        "AssetPlus review",
        "Niamh (community resolution, shoplifting make-up with friends) doing reparation at the food bank, engaging "
        "well. Good relationship with mum. Exploitation screening: nothing found.",
    )
    pol = b.record("police", kid)
    b.event(
        pol,
        90,
        "Occurrence - theft (shop)",
        "Female 14 and two friends took make-up from Boots. Parents attended, girls remorseful. Community resolution.",
    )
    ed = b.record("ed-rde", kid)
    b.event(
        ed,
        60,
        "ED attendance",
        "14yo with right iliac fossa pain, brought by mum. Appendicitis; admitted for laparoscopic appendicectomy.",
    )
    return b.expect(None)


# ------------------------------------------------------------------------------------------------- do-not-merge
# T5 Brother and sister at one address with one name in two genders and overlapping Polish short forms.
def tr05() -> Scenario:
    b = _b("TR05", "brother and sister, one name in two genders: do not merge", SRC_MERGE, TRAP)
    h = Home("14", "Mount Gould Road", "Plymouth", "PL4 7PX")
    boy = b.person("brother", "Aleksander", "Nowak", born=dt.date(2012, 8, 3), sex="M", home=h)
    girl = b.person("sister", "Aleksandra", "Nowak", born=dt.date(2013, 10, 3), sex="F", home=h)
    pb = b.record("police", boy, given="Aleks")
    b.event(
        pb,
        70,
        "Concern for Welfare (CFW)",
        "Skateboarding in the road on Mount Gould Rd with friends, words of advice, taken home to dad. No concerns.",
    )
    sb = b.record("school", boy, given="Olek")
    b.event(sb, 40, "CPOMS - Attendance", "Authorised: two days at grandmother's funeral in Poznan.")
    sg = b.record("school", girl, given="Ola")
    b.event(sg, 60, "CPOMS - Welfare", "Friendship fall-out at break, resolved with a restorative chat. Parents aware.")
    gg = b.record("gp", girl)
    b.event(gg, 25, "Consultation (surgery)", "Sprained ankle at netball, teacher saw it happen. Rest and ice.")
    return b.expect(None)


# T6 Two girls born the same day with one name spelled two ways, in different towns; only one is at risk.
def tr06() -> Scenario:
    b = _b("TR06", "same birthday, Oliwia and Olivia: flag only the right child", SRC_MERGE, TRAP)
    a = b.person("at_risk", "Oliwia", "Kaminska", born=dt.date(2011, 11, 14), sex="F",
                 home=Home("8", "Blackall Road", "Exeter", "EX4 4HE"))  # fmt: skip
    z = b.person("other", "Olivia", "Kaminska", born=dt.date(2011, 11, 14), sex="F",
                 home=Home("52", "Bear Street", "Barnstaple", "EX32 7DB"))  # fmt: skip
    pa = b.record("police", a)
    b.event(
        pa,
        120,
        "Missing - medium risk",
        "14yo missing overnight; found 05:00 in a car at Haldon with two men in their twenties who drove off. "
        "Smelled of alcohol, would not give their names.",
    )
    b.event(
        pa,
        35,
        "Missing - high risk",
        "Missing again three days. Returned with a new phone, will not say where she stayed.",
    )
    ca = b.record("camhs", a)
    b.event(
        ca,
        80,
        "Choice appointment",
        "Cutting to thighs, low mood. Talks about a 'boyfriend' who is 24 and 'looks after her'. Refused further "
        "appointments.",
    )
    sa = b.record("school", a)
    b.event(
        sa,
        50,
        "CPOMS - Safeguarding",
        "Oliwia leaves at lunch and is seen getting into different cars at the bus stop. Attendance 52%.",
    )
    sz = b.record("school", z, given="Oliwia")
    b.event(sz, 70, "CPOMS - Attendance", "Authorised absence: orthodontist in Exeter, appointment card seen.")
    gz = b.record("gp", z)
    b.event(gz, 30, "Consultation (surgery)", "Hay fever. Antihistamine. Well.")
    return b.expect(a, ["police", "camhs", "school"])


SCENARIOS = [cn33, bn33, cn34, bn34, cn35, bn35, cn36, bn36, cn37, bn37, cn38, bn38, cn39, bn39, cn40, bn40,
             cn41, bn41, cn42, bn42, cn43, bn43, cn44, bn44, cn45, bn45, cn46, bn46, cn47, bn47, cn48, bn48,
             tr05, tr06]  # fmt: skip
HELDOUT_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
