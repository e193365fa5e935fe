"""The scenario catalogue, part six: a fourth held-out set (CN59-CN68, BN59-BN68, TR09-TR10), `FRESH4_CODES`.

Written on 2026-12-01 by an author who did not read the rules, the phrase lists, the indicator reader, the engine,
the evaluation or the README's results and diagnosis tables (only the README's format and themes table, model.py,
the catalogues' conventions and the fresh3 part), so that `openmash bench flags --only` on these codes gives an
honest figure for scenarios the rules were never fitted to. Themes are ones the earlier parts do not have (each
scenario's ``source``): medical neglect of a child with type 1 diabetes; asthma in a damp, smoky flat with the
preventer never collected; a mother with a learning disability and a "friend" who moved in and took her money;
sentinel injuries in a cruising baby blamed on a toddler brother; a dangerous dog in a hoarded home; harmful
sexual behaviour by an older brother; abuse linked to faith or belief (a child said to have a bad spirit); a birth
mother and her violent partner back in a kinship carer's home against the special guardianship plan; a shotgun
certificate holder in a household with domestic abuse and suicidal talk; children left alone overnight while the
mother works nights. Each concerning scenario spreads across two to four agencies (some of it in an adult's
record), each in its own words (DKA admissions, diabetes individual healthcare plans, repeat prescriptions not
collected, damp and mould repair orders, clutter ratings, body maps, firearms licensing, SGO support reviews),
with the usual noise: short forms (Teg, Kacie/Kacey, Harls, Freddy, Ellie), a misspelled surname, day and month
swapped, blank dates of birth and NHS numbers, addresses in capitals or abbreviated. See catalogue.py for the
conventions.
"""

from __future__ import annotations

import datetime as dt

from openmash.patterns.scenarios.catalogue import SRC_MERGE, B, C, _b
from openmash.patterns.scenarios.model import TRAP, Home, Scenario

SRC_DIABETES = (
    "NICE CG89 'Child maltreatment: when to suspect' (failure to give essential prescribed treatment) and NICE NG18 "
    "(type 1 diabetes in children): repeated diabetic ketoacidosis, insulin not collected, school kit left empty"
)
SRC_ASTHMA = (
    "Royal College of Physicians, 'Why asthma still kills: the National Review of Asthma Deaths' (2014), and the "
    "coroner's Prevention of Future Deaths report after the death of Awaab Ishak (2022): damp, mould, smoking, "
    "preventer not collected, reliever overused, reviews missed"
)
SRC_LD_PARENT = (
    "NSPCC learning from case reviews on parents with a learning disability, and the Working Together with "
    "Parents Network good practice guidance (2021): a 'friend' moving in, taking the benefits, the child displaced"
)
SRC_SENTINEL = (
    "NICE CG89 (an injury with an implausible explanation, including blaming a young sibling) and the Panel's "
    "review of non-accidental injury in babies under one (2022): repeated 'minor' sentinel injuries in a baby"
)
SRC_DOG_HOARD = (
    "Dangerous Dogs Act 1991 (XL Bully restrictions, 2024), local child safeguarding practice reviews after fatal "
    "dog attacks on children, and Ofsted 'In the child's time' (2014) on home conditions: hoarding and dog bites"
)
SRC_HSB = (
    "Ofsted, 'Review of sexual abuse in schools and colleges' (2021), the Children's Commissioner, 'Protecting "
    "children from harm' (2015, abuse by siblings) and NSPCC learning on harmful sexual behaviour"
)
SRC_FAITH = (
    "HM Government, 'National action plan to tackle child abuse linked to faith or belief' (2012), and the Laming "
    "inquiry (2003): a child said to be possessed, fasting and night-time 'deliverance' prayers"
)
SRC_KINSHIP = (
    "Nuffield Family Justice Observatory work on special guardianship (2019-2023) and the DfE kinship care strategy "
    "'Championing kinship care' (2023): a birth parent and a violent partner back in the kinship carer's home"
)
SRC_FIREARMS = (
    "Home Office statutory guidance to chief officers on firearms licensing (2021, updated 2023) and the coroner's "
    "Prevention of Future Deaths report after the Keyham shootings, Plymouth (2023): a certificate holder's "
    "domestic abuse and suicidal talk known to others but not to licensing"
)
SRC_HOME_ALONE = (
    "NSPCC learning from case reviews on neglect (supervisory neglect) and Ofsted 'In the child's time' (2014): "
    "young children left alone overnight while a parent works"
)


# 59 Medical neglect of a child with type 1 diabetes (ED, community pharmacy, school)
def cn59() -> Scenario:
    b = _b("CN59", "medical neglect of a child with type 1 diabetes", SRC_DIABETES, C, "BN59")
    h = Home("8", "Cowley Bridge Road", "Exeter", "EX4 5AD")
    child = b.person("child", "Tegan", "Moyse", born=dt.date(2015, 2, 7), sex="F", home=h)
    b.adult("mother", "Lisa", "Moyse", age=(37, 220), sex="F", home=h)
    ed = b.record("ed-rde", child, given="Teagan")
    b.event(
        ed,
        130,
        "ED attendance - admitted",
        "11F known T1DM. Vomiting, Kussmaul breathing. pH 7.08, ketones 5.8, BM HI. DKA protocol, admitted to "
        "paeds. Mum says insulin 'ran out at the weekend'. HbA1c 112. Diabetes nurse to follow up.",
    )
    b.event(
        ed,
        35,
        "ED attendance - admitted",
        "2nd DKA in 4/12. Pens in her bag expired in the spring, meter not used for weeks (no readings stored). Mum "
        "left the ward after 1 hour, uncontactable overnight. Discharged to mum with new pens.",
    )
    ph = b.record("pharm", child, nhs=False)
    b.event(
        ph,
        80,
        "Repeat prescription not collected",
        "NovoRapid and Levemir penfills, test strips and ketone strips ready since last month, not collected. "
        "Texted mum x2, no reply.",
    )
    b.event(
        ph,
        20,
        "Repeat prescription not collected",
        "Insulin returned to stock after 8 weeks uncollected (2nd time this year). Surgery informed.",
    )
    sc = b.record("school", child, given="Teg", swap_dob=True)
    b.event(
        sc,
        95,
        "Medical - IHP review",
        "Diabetes individual healthcare plan: parent did not attend the review meeting. Hypo box in the office "
        "empty since Easter, no snacks or spare pen sent in despite 3 letters.",
    )
    b.event(
        sc,
        15,
        "CPOMS - Welfare",
        "Teg hypo at break (2.9), no glucose in school so gave her the office biscuits. Says she 'does her own jabs' "
        "and sometimes skips them 'cos mum says we can't get more'. Attendance 79%.",
    )
    return b.expect(child, ["ed-rde", "pharm", "school"])


def bn59() -> Scenario:
    b = _b("BN59", "medical neglect of a child with type 1 diabetes", SRC_DIABETES, B, "CN59")
    h = Home("31", "Polsloe Road", "Exeter", "EX1 2HW")
    child = b.person("child", "Harriet", "Lerwill", age=(11, 60), sex="F", home=h)
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        130,
        "ED attendance - admitted",
        "11F new presentation: polyuria, weight loss, ketones 4.1, mild DKA. New diagnosis of T1DM. Parents at the "
        "bedside throughout, education started by the diabetes team.",
    )
    ph = b.record("pharm", child)
    b.event(
        ph,
        80,
        "Repeat prescription - transferred",
        "Insulin now supplied with the pump and CGM consumables by home delivery from the hospital; pharmacy "
        "repeats cancelled at the diabetes team's request.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        95,
        "Medical - IHP review",
        "Diabetes IHP agreed with mum, dad and the diabetes nurse. Hypo box and spare pen in the office, checked.",
    )
    b.event(
        sc,
        15,
        "Medical - incident",
        "Hypo at break (3.3) after PE, treated per IHP with glucose tabs, recovered in 15 min. Mum informed, came in "
        "to adjust the pump settings with the school nurse.",
    )
    return b.expect(None)


# 60 Asthma in a damp, smoky flat, preventer not collected (ED, GP, school, and the mother's housing association)
def cn60() -> Scenario:
    b = _b("CN60", "uncontrolled asthma in a damp home, treatment not given", SRC_ASTHMA, C, "BN60")
    h = Home("3/21", "Hele Road", "Torquay", "TQ2 7PU")
    child = b.person("child", "Jenson", "Pengelly", born=dt.date(2021, 4, 9), sex="M", home=h)
    mum = b.adult("mother", "Kerry", "Pengelly", age=(26, 300), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        150,
        "Repair order - damp and mould",
        "Tenant reports black mould in the small bedroom where her little boy sleeps, round the window and behind "
        "the bed. Contractor: no access x2 appointments. Heavy smell of cigarette smoke.",
    )
    b.event(
        ha,
        40,
        "Tenancy visit",
        "Mould spreading across the ceiling of child's room, bedding damp to touch, windows never opened. Tenant "
        "declined the mould wash booking. Ashtrays in the child's room.",
    )
    gp = b.record("gp", child, family="Pengelley")
    b.event(
        gp,
        120,
        "Asthma review - Was Not Brought (WNB)",
        "Annual asthma review WNB (2nd). Salbutamol issued 9 times in 6 months; Clenil (preventer) last issued 8 "
        "months ago. Letter to mum.",
    )
    b.event(
        gp,
        45,
        "Consultation (telephone)",
        "Mum requesting another blue inhaler, 'he goes through them'. Says she can't get to the surgery. Spacer "
        "lost. Advised to bring in for review, not booked.",
    )
    ed = b.record("ed-tor", child, dob="")
    b.event(
        ed,
        90,
        "ED attendance",
        "5M acute asthma, SpO2 91% on arrival, salbutamol back-to-back x3, pred. No spacer at home, preventer 'not "
        "given for ages'. Mum smelt strongly of smoke. Discharged with plan.",
    )
    b.event(
        ed,
        12,
        "ED attendance - admitted",
        "3rd attendance this year. Severe exacerbation, SpO2 88%, required IV magnesium, admitted to paeds. Brought "
        "in by neighbour; mum arrived 3 hours later.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        30,
        "CPOMS - Medical",
        "No inhaler in school this term despite requests. Jenson wheezy and coughing in PE, off 14 days 'with his "
        "chest'. Clothes smell of damp and smoke.",
    )
    return b.expect(child, ["ed-tor", "gp", "school", "ha"])


def bn60() -> Scenario:
    b = _b("BN60", "uncontrolled asthma in a damp home, treatment not given", SRC_ASTHMA, B, "CN60")
    h = Home("5/9", "Barton Hill Road", "Torquay", "TQ2 8JH")
    child = b.person("child", "Arlo", "Trebilcock", age=(5, 150), sex="M", home=h)
    mum = b.adult("mother", "Sophie", "Trebilcock", age=(30, 20), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        150,
        "Repair order - damp and mould",
        "Mould round the bedroom window after the gutter failed. Gutter replaced, mould wash done, extractor fitted.",
    )
    b.event(ha, 40, "Tenancy visit", "Post-works check: dry, no mould. Tenant happy, airing daily.")
    gp = b.record("gp", child)
    b.event(
        gp,
        120,
        "Asthma review",
        "Seen with mum. Preventer collected monthly, technique good with spacer. Viral-triggered wheeze this winter. "
        "Non-smoking household. Personalised asthma action plan updated.",
    )
    ed = b.record("ed-tor", child)
    b.event(
        ed,
        90,
        "ED attendance",
        "5M viral-induced wheeze, SpO2 95%, responded to salbutamol via spacer. Parents following the action plan, "
        "brought him in promptly. Discharged.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        30,
        "CPOMS - Medical",
        "Arlo's named inhaler and spacer in the class medical bag, asthma plan on file. Off 3 days with a cold, mum "
        "phoned each morning.",
    )
    return b.expect(None)


# 61 A mother with a learning disability and a "friend" who moved in (school, GP, housing association, police)
def cn61() -> Scenario:
    b = _b("CN61", "a parent with a learning disability exploited by a man who moved in", SRC_LD_PARENT, C, "BN61")
    h = Home("2/16", "Ernesettle Crescent", "Plymouth", "PL5 2EY")
    child = b.person("child", "Kacie", "Hambly", born=dt.date(2017, 1, 10), sex="F", home=h)
    mum = b.adult("mother", "Tracey", "Hambly", age=(38, 77), sex="F", home=h)
    man = b.adult("lodger", "Gary", "Stidston", age=(52, 140), sex="M",
                  home=Home("40", "Kings Tamerton Road", "Plymouth", "PL5 2DA"))  # fmt: skip
    ha = b.record("ha", mum)
    b.event(
        ha,
        110,
        "Tenancy visit - unauthorised occupant",
        "Male 'Gaz' living at the property, not on the tenancy. Tenant (known LD, support plan on file) says he is "
        "'a friend who helps with the bills'. He answered for her throughout.",
    )
    b.event(
        ha,
        50,
        "Rent arrears - contact",
        "Arrears now GBP 1,140. UC housing costs going to a new bank account tenant says she 'hasn't got the card "
        "for'. Tenant tearful, asked officer not to tell Gaz she'd rung.",
    )
    gp = b.record("gp", mum)
    b.event(
        gp,
        70,
        "Learning disability annual health check",
        "Attended with male 'friend' who answered all questions. Bruising to both upper arms, says she fell. Seen "
        "alone briefly: 'he looks after my money and my tablets'. Weight down 6kg.",
    )
    pol = b.record("police", man, pnc=True)
    b.event(
        pol,
        40,
        "Intelligence report",
        "STIDSTON believed to be living with a vulnerable female (LD) and her daughter on Ernesettle Cres. Previous: "
        "fraud by abuse of position and theft from a disabled adult (2019). Grade B2.",
    )
    sc = b.record("school", child, given="Kacey")
    b.event(
        sc,
        60,
        "CPOMS - Welfare",
        "Kacey says she sleeps on the sofa with mum now 'because Gaz has my room'. No dinner money for 3 weeks, "
        "asking for toast at breakfast club. Mum did not attend parents' evening.",
    )
    b.event(
        sc,
        18,
        "CPOMS - Safeguarding",
        "Kacey told TA Gaz 'walks round with no clothes on' and shouts at mum till she cries, and that she has to "
        "be quiet in the bath because he comes in. Upset, asked us not to tell mum.",
    )
    return b.expect(child, ["school", "ha", "gp", "police"])


def bn61() -> Scenario:
    b = _b("BN61", "a parent with a learning disability exploited by a man who moved in", SRC_LD_PARENT, B, "CN61")
    h = Home("7/3", "Budshead Road", "Plymouth", "PL5 2QY")
    child = b.person("child", "Lola", "Kinsman", age=(9, 250), sex="F", home=h)
    mum = b.adult("mother", "Angela", "Kinsman", age=(36, 20), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        110,
        "Tenancy visit - new household member",
        "Tenant's brother moved in as her carer; added to the household on the tenancy, adult social care support "
        "plan updated. Tenant's advocate present at the visit.",
    )
    b.event(
        ha,
        50,
        "Rent account - contact",
        "Council appointeeship now manages tenant's benefits at her request (LD team arranged). Account in credit.",
    )
    gp = b.record("gp", mum)
    b.event(
        gp,
        70,
        "Learning disability annual health check",
        "Attended with her LD team support worker. Well, weight stable. Happy with her brother living with her.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        60,
        "CPOMS - Welfare",
        "Lola says her uncle has moved in 'to help mum' and makes her packed lunch. Bright and settled. Mum and uncle "
        "both came to parents' evening.",
    )
    return b.expect(None)


# 62 Repeated minor injuries in a cruising baby, blamed on his 3-year-old brother (health visitor, nursery, ED)
def cn62() -> Scenario:
    b = _b("CN62", "sentinel injuries in a baby blamed on a toddler sibling", SRC_SENTINEL, C, "BN62")
    h = Home("12", "Beaumont Road", "Plymouth", "PL4 9BE")
    baby = b.person("child", "Harley", "Oxenham", age=305, sex="M", home=h)
    b.person("brother", "Mason", "Oxenham", age=(3, 100), sex="M", home=h)
    b.adult("mother", "Leanne", "Oxenham", age=(23, 260), sex="F", home=h)
    hv = b.record("hv", baby)
    b.event(
        hv,
        120,
        "Home visit - 6-8 month review",
        "Scratch to L cheek and small bruise on top of L ear. Mum says big brother (3) 'gets jealous and pinches "
        "him'. Not yet crawling. Advice on supervision, body map completed.",
    )
    ey = b.record("ey", baby, given="Harls")
    b.event(
        ey,
        70,
        "Body map - existing injury",
        "3 small round bruises to R upper arm on arrival. Mum said his brother 'was rough with him at bathtime'. "
        "Harley quiet and clingy.",
    )
    b.event(
        ey,
        28,
        "Body map - existing injury",
        "Mark on L forearm on arrival, mum says Mason bit him. Practitioner notes mark is wide for a toddler's "
        "bite. Mum said she would 'keep them apart'.",
    )
    ed = b.record("ed-plh", baby, family="Oxenam", dob="")
    b.event(
        ed,
        9,
        "ED attendance",
        "10/12 M, contact burn to R palm 1.5cm, presented next day. Mum: 'his brother pushed his hand on the oven "
        "door'. Cruising. Dressing, discharged. No safeguarding checks documented.",
    )
    return b.expect(baby, ["hv", "ey", "ed-plh"])


def bn62() -> Scenario:
    b = _b("BN62", "sentinel injuries in a baby blamed on a toddler sibling", SRC_SENTINEL, B, "CN62")
    h = Home("44", "Lipson Road", "Plymouth", "PL4 8PW")
    baby = b.person("child", "Ezra", "Rundle", age=315, sex="M", home=h)
    b.person("brother", "Reggie", "Rundle", age=(3, 40), sex="M", home=h)
    hv = b.record("hv", baby)
    b.event(
        hv,
        120,
        "Home visit - 6-8 month review",
        "Meeting milestones, sitting, starting to crawl. No marks. Good interaction between Ezra and his brother.",
    )
    ey = b.record("ey", baby)
    b.event(
        ey,
        70,
        "Accident form",
        "Ezra pulled himself up on the shelf and bumped his forehead, witnessed by key person. Cold compress, red "
        "mark only. Mum informed at collection and signed.",
    )
    ed = b.record("ed-plh", baby)
    b.event(
        ed,
        9,
        "ED attendance",
        "10/12 M, finger trapped in the kitchen door when his brother shut it, witnessed by mum and grandma. "
        "Presented within the hour. X-ray: no fracture. Consistent, appropriate.",
    )
    return b.expect(None)


# 63 A dangerous dog in a hoarded home: bites to a 6-year-old (ED, school, housing association)
def cn63() -> Scenario:
    b = _b("CN63", "a dangerous dog in a hoarded home", SRC_DOG_HOARD, C, "BN63")
    h = Home("19", "Honicknowle Lane", "Plymouth", "PL5 3NF")
    child = b.person("child", "Tyler", "Pugsley", born=dt.date(2020, 3, 4), sex="M", home=h)
    mum = b.adult("mother", "Sharon", "Pugsley", age=(41, 10), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        100,
        "Tenancy visit - hoarding",
        "Clutter Image Rating 7 in lounge and kitchen, bags to the ceiling, narrow pathways, cooker unusable. Dog "
        "faeces in the back bedroom. Large XL bully type dog ('Tank'), no exemption certificate shown.",
    )
    b.event(
        ha,
        30,
        "ASB report",
        "Neighbour: dog loose on the landing lunged at her grandson; strong smell from the flat through the shared "
        "wall. Tenant not answering calls.",
    )
    pol = b.record("police", mum, pnc=False)
    b.event(
        pol,
        60,
        "Dog incident",
        "XL bully type dog loose on Honicknowle Ln attacked a dog being walked. Owner PUGSLEY located. Dog not seized "
        "at the time, exemption status to be checked. No further action recorded.",
    )
    ed = b.record("ed-plh", child, given="Tyler", swap_dob=True)
    b.event(
        ed,
        140,
        "ED attendance",
        "6M dog bite R forearm, 'family dog, he was playing with it'. Two puncture wounds. Washout, co-amoxiclav.",
    )
    b.event(
        ed,
        20,
        "ED attendance",
        "2nd dog bite this year: puncture wounds to L cheek and ear, same family dog. Child very frightened. Flea "
        "bites on legs noted. Plastics review, discharged home.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        45,
        "CPOMS - Welfare",
        "Tyler smells strongly of urine and dog, flea bites on his legs, hungry. Says he 'has to stay in my room "
        "because of Tank' and eats his tea on the bed.",
    )
    return b.expect(child, ["ed-plh", "school", "ha"])


def bn63() -> Scenario:
    b = _b("BN63", "a dangerous dog in a hoarded home", SRC_DOG_HOARD, B, "CN63")
    h = Home("6", "Crownhill Road", "Plymouth", "PL5 3SH")
    child = b.person("child", "Finlay", "Hosking", age=(6, 90), sex="M", home=h)
    mum = b.adult("mother", "Kelly", "Hosking", age=(34, 160), sex="F", home=h)
    ha = b.record("ha", mum)
    b.event(
        ha,
        100,
        "Tenancy visit",
        "Home clean and tidy. Family dog (spaniel) registered and microchipped, garden secure. No concerns.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        60,
        "Dog incident",
        "6yo boy bitten on the arm by an off-lead dog in Central Park; owner identified and dealt with, dog seized "
        "under the Dangerous Dogs Act. Mum with the child throughout.",
    )
    ed = b.record("ed-plh", child)
    b.event(
        ed,
        60,
        "ED attendance",
        "6M dog bite L forearm in the park (unknown dog), police aware. Washout, antibiotics. Mum present.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        45,
        "CPOMS - Welfare",
        "Finlay nervous of dogs since the bite in the park. Mum asked for support; ELSA sessions started.",
    )
    return b.expect(None)


# 64 Harmful sexual behaviour by an older brother, seen by school, GP and police (a 7-year-old girl)
def cn64() -> Scenario:
    b = _b("CN64", "harmful sexual behaviour by an older sibling", SRC_HSB, C, "BN64")
    h = Home("27", "Mount Pleasant Road", "Newton Abbot", "TQ12 1AS")
    child = b.person("child", "Poppy", "Yeo", born=dt.date(2019, 6, 2), sex="F", home=h)
    b.person("brother", "Bradley", "Yeo", age=(14, 200), sex="M", home=h)
    b.adult("mother", "Nicola", "Yeo", age=(39, 60), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        90,
        "CPOMS - Safeguarding",
        "Sexualised play with dolls in the role-play area, using words not expected at 7. Asked where she learnt it, "
        "said 'it's the secret game, I'm not allowed to say'. Mum informed, said 'she's seen something on YouTube'.",
    )
    b.event(
        sc,
        25,
        "CPOMS - Welfare",
        "Poppy soiled herself twice this week, withdrawn, does not want to go home on Tuesdays and Thursdays (mum on "
        "late shift, 'Bradley looks after me').",
    )
    gp = b.record("gp", child, nhs=False)
    b.event(
        gp,
        60,
        "Consultation (surgery)",
        "3rd presentation this year with vulval soreness. Mum attributes to bubble bath. Poppy very anxious, would "
        "not let GP examine. Swab offered, declined by mum.",
    )
    pol = b.record("police", child, family="Yoe", dob="")
    b.event(
        pol,
        40,
        "Concern for welfare - child found",
        "Girl aged about 7 found by a dog walker at 20:30 in Baker's Park in her pyjamas, crying, said she 'didn't "
        "want to go back'. Taken home: brother (14) babysitting alone, mother at work. Words of advice.",
    )
    return b.expect(child, ["school", "gp", "police"])


def bn64() -> Scenario:
    b = _b("BN64", "harmful sexual behaviour by an older sibling", SRC_HSB, B, "CN64")
    h = Home("3", "Highweek Street", "Newton Abbot", "TQ12 1TG")
    child = b.person("child", "Isabella", "Cheriton", age=(7, 120), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        90,
        "CPOMS - Welfare",
        "Asked questions about where babies come from after mum's new baby arrived; age-appropriate curiosity. Mum "
        "informed, already talking about it at home with a library book.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        60,
        "Consultation (surgery)",
        "Vulval itch worse at night; threadworms seen by mum. Whole family treated with mebendazole, hygiene advice. "
        "Settled at follow-up.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        40,
        "Concern for welfare - lost child",
        "7yo separated from her parents at the carnival on Courtenay St; parents had alerted stewards, reunited in "
        "10 minutes.",
    )
    return b.expect(None)


# 65 Abuse linked to faith or belief: a 9-year-old said to have a bad spirit (school, GP, police)
def cn65() -> Scenario:
    b = _b("CN65", "abuse linked to faith or belief", SRC_FAITH, C, "BN65")
    h = Home("4/2", "Well Street", "Exeter", "EX4 6QR")
    child = b.person("child", "Merveille", "Nsimba", born=dt.date(2017, 9, 14), sex="F", home=h)
    b.adult("aunt", "Ruth", "Nsimba", age=(44, 50), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        75,
        "CPOMS - Welfare",
        "Merveille told TA she is not allowed to eat on Fridays 'because the pastor says there is a bad spirit in "
        "me'. Falling asleep in lessons, says she prays all night. Aunt says she is 'a difficult child'.",
    )
    b.event(
        sc,
        20,
        "CPOMS - Safeguarding",
        "Red marks round both wrists. Says 'from the prayer night, they hold my arms so the spirit comes out'. Her "
        "cousins are not taken to the prayer nights.",
    )
    gp = b.record("gp", child, family="N'Simba", nhs=False)
    b.event(
        gp,
        50,
        "Consultation (surgery)",
        "Weight dropped from 50th to 9th centile in 6 months. Aunt says she 'refuses food'. Child silent, aunt "
        "answered for her. Bloods requested; not brought.",
    )
    pol = b.record("police", child, given="Merveil", dob="")
    b.event(
        pol,
        30,
        "Concern for welfare",
        "Neighbours report a child screaming and chanting from the flat at 02:00 on several nights. Attended: 6 "
        "adults praying over a girl (9), said it was a 'deliverance'. Child tired, no injuries seen. Advice given.",
    )
    return b.expect(child, ["school", "gp", "police"])


def bn65() -> Scenario:
    b = _b("BN65", "abuse linked to faith or belief", SRC_FAITH, B, "CN65")
    h = Home("15", "Blackboy Road", "Exeter", "EX4 6SW")
    child = b.person("child", "Grace", "Makiese", age=(9, 100), sex="F", home=h)
    sc = b.record("school", child)
    b.event(
        sc,
        75,
        "CPOMS - Welfare",
        "Grace tired on Monday after the church's Easter vigil with her family; talked happily about singing in the "
        "choir. Parents informed, no concerns.",
    )
    gp = b.record("gp", child)
    b.event(
        gp,
        50,
        "Consultation (surgery)",
        "Weight loss and tummy pain: coeliac serology positive, gluten-free diet started with dietitian; weight "
        "back on her centile at review. Both parents attend.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        30,
        "Noise complaint",
        "Music and singing from a family birthday party at 23:30. Host turned it down on request; children asleep "
        "upstairs, all well.",
    )
    return b.expect(None)


# 66 Kinship care: the birth mother and her violent partner back in the special guardian's home (nursery, police,
# children's social care; the grandmother's GP)
def cn66() -> Scenario:
    b = _b("CN66", "kinship care undermined by a birth parent's return", SRC_KINSHIP, C, "BN66")
    h = Home("22", "Fore Street", "Brixham", "TQ5 8AD")
    child = b.person("child", "Lacey", "Penwill", born=dt.date(2023, 2, 5), sex="F", home=h)
    nan = b.adult("grandmother", "Brenda", "Penwill", age=(63, 200), sex="F", home=h)
    b.adult("mother", "Jade", "Penwill", age=(24, 30), sex="F", home=h)
    cs = b.record("csc", child, upn=False)
    b.event(
        cs,
        160,
        "SGO support review",
        "Special guardian (maternal grandmother) reports placement stable. Birth mother's contact to remain "
        "supervised at the family centre per SGO support plan (mother's partner Liam CROCKER: DA history).",
    )
    b.event(
        cs,
        35,
        "Contact - supervised (DNA)",
        "Birth mother did not attend supervised contact x3. Special guardian says mum 'has moved to Exeter'.",
    )
    ey = b.record("ey", child, swap_dob=True)
    b.event(
        ey,
        80,
        "Concern form",
        "Lacey collected by a young woman not on the list who said she was Mum; nan phoned and agreed. Lacey said "
        "'mummy Jade sleeps at nanny's now'.",
    )
    b.event(
        ey,
        15,
        "Body map - existing injury",
        "Bruise to L forehead on arrival, nan says she fell off the sofa. Lacey said 'Liam shouted and mummy cried'. "
        "Nan looked exhausted, said she 'can't say no to Jade'.",
    )
    pol = b.record("police", child, dob="")
    b.event(
        pol,
        50,
        "Domestic incident - child present",
        "22 FORE ST: Jade PENWILL and partner Liam CROCKER arguing, he punched a hole in the wall. Toddler asleep "
        "upstairs. Householder (grandmother) said Jade was 'just visiting'. DASH standard.",
    )
    gp = b.record("gp", nan)
    b.event(
        gp,
        60,
        "Consultation (surgery)",
        "COPD exacerbation. Says she is 'exhausted'; her daughter and the daughter's boyfriend are 'staying to help "
        "with the little one'. Not sleeping, low mood.",
    )
    return b.expect(child, ["csc", "ey", "police"])


def bn66() -> Scenario:
    b = _b("BN66", "kinship care undermined by a birth parent's return", SRC_KINSHIP, B, "CN66")
    h = Home("9", "Bolton Street", "Brixham", "TQ5 9BZ")
    child = b.person("child", "Maddison", "Brokenshire", age=(3, 200), sex="F", home=h)
    nan = b.adult("grandmother", "Carol", "Brokenshire", age=(61, 40), sex="F", home=h)
    cs = b.record("csc", child, upn=False)
    b.event(
        cs,
        160,
        "SGO support review",
        "Placement with maternal grandmother stable. Birth mother attending supervised contact fortnightly and doing "
        "well in recovery; plan unchanged.",
    )
    b.event(
        cs,
        35,
        "Contact - supervised",
        "Warm contact at the family centre; birth mother on time, appropriate. Special guardian collected Maddison.",
    )
    ey = b.record("ey", child)
    b.event(
        ey,
        80,
        "Collection note",
        "Maddison collected by grandad (on the collection list, password given). Happy, chatty.",
    )
    pol = b.record("police", child)
    b.event(
        pol,
        50,
        "Concern for welfare",
        "Grandmother called 101: birth mother turned up asking to see the child; left calmly when asked, no "
        "offences. Grandmother followed the SGO plan and informed the social worker.",
    )
    gp = b.record("gp", nan)
    b.event(gp, 60, "Chronic disease review", "COPD stable on inhalers. Coping well, support from her husband.")
    return b.expect(None)


# 67 A shotgun certificate holder with domestic abuse and suicidal talk (school, police, IDVA, GP)
def cn67() -> Scenario:
    b = _b("CN67", "firearms in a household with domestic abuse and suicidal talk", SRC_FIREARMS, C, "BN67")
    h = Home("1", "Ham Drive", "Plymouth", "PL2 2NJ")
    child = b.person("child", "Freddie", "Tamblyn", born=dt.date(2016, 10, 3), sex="M", home=h)
    dad = b.adult("father", "Neil", "Tamblyn", age=(45, 210), sex="M", home=h)
    mum = b.adult("mother", "Claire", "Tamblyn", age=(41, 15), sex="F", home=h)
    pd = b.record("police", dad, pnc=True)
    b.event(
        pd,
        200,
        "Firearms licensing - grant/renewal",
        "Shotgun certificate renewed, 3 shotguns, cabinet seen. GP medical marker letter sent, no reply on file; "
        "renewal granted on expiry of 28 days.",
    )
    b.event(
        pd,
        70,
        "Domestic incident",
        "Verbal argument reported by neighbour, both parties deny anything physical. DASH standard, no offences. "
        "Firearms holder status not reviewed at the time.",
    )
    pc = b.record("police", child, given="Freddy")
    b.event(pc, 70, "Domestic incident - child present", "9yo son in the house, in his bedroom, not spoken to.")
    gp = b.record("gp", dad)
    b.event(
        gp,
        90,
        "Consultation (surgery)",
        "Low mood since redundancy, drinking most nights. 'Sometimes think they'd all be better off without me.' "
        "Declines referral. Sertraline started.",
    )
    iv = b.record("idva", mum)
    b.event(
        iv,
        30,
        "Initial contact - self-referral",
        "Claire says Neil told her 'if you leave I'll take us all out' and keeps a shotgun by the bed. Jealous, "
        "checks her phone. Too frightened to report to police. DASH 13.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        15,
        "CPOMS - Safeguarding",
        "Freddie told his teacher dad showed him how to load the gun and said 'we might all go to heaven together'. "
        "Very anxious, not sleeping, asking to stay in at break.",
    )
    return b.expect(child, ["school", "police", "idva", "gp"])


def bn67() -> Scenario:
    b = _b("BN67", "firearms in a household with domestic abuse and suicidal talk", SRC_FIREARMS, B, "CN67")
    h = Home("Higher Barton Farm", "Bere Alston Road", "Tavistock", "PL19 8NS")
    child = b.person("child", "Alfie", "Coumbe", age=(10, 20), sex="M", home=h)
    dad = b.adult("father", "Martin", "Coumbe", age=(47, 300), sex="M", home=h)
    pd = b.record("police", dad, pnc=False)
    b.event(
        pd,
        200,
        "Firearms licensing - grant/renewal",
        "Shotgun certificate renewed (pest control on own farm). GP confirmed no relevant medical history. Home visit: "
        "cabinet secure, keys held separately.",
    )
    gp = b.record("gp", dad)
    b.event(gp, 90, "Consultation (surgery)", "Lower back pain after lifting feed sacks. Physio referral. Mood good.")
    sc = b.record("school", child)
    b.event(
        sc,
        15,
        "CPOMS - Welfare",
        "Alfie talked in circle time about clay pigeon shooting with his dad at the club and the safety course he "
        "did. Happy, settled.",
    )
    pc = b.record("police", child)
    b.event(pc, 70, "Concern for welfare - lost child", "10yo lost at Tavistock Goose Fair; reunited with dad at once.")
    return b.expect(None)


# 68 Children left alone overnight while their mother works nights (police, school, ED)
def cn68() -> Scenario:
    b = _b("CN68", "young children left alone overnight", SRC_HOME_ALONE, C, "BN68")
    h = Home("10", "Chapel Street", "Tiverton", "EX16 6BU")
    child = b.person("child", "Ellie-Mae", "Tonkin", born=dt.date(2018, 5, 11), sex="F", home=h)
    b.person("sister", "Ruby", "Tonkin", age=(4, 60), sex="F", home=h)
    b.adult("mother", "Stacey", "Tonkin", age=(29, 120), sex="F", home=h)
    pol = b.record("police", child, given="Ellie", swap_dob=True)
    b.event(
        pol,
        65,
        "Concern for welfare - children alone",
        "01:40 8yo girl knocked at neighbour's door in pyjamas, smoke alarm sounding (toast under the grill). She and "
        "her 4yo sister alone; mother at work on nights at a care home, returned 08:15. Words of advice, PPN.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        40,
        "CPOMS - Welfare",
        "Ellie-Mae very tired, late 11 times. Says she 'looks after Ruby at night when mum's at work' and walks her "
        "to the nursery door in the mornings. Makes their tea herself.",
    )
    ed = b.record("ed-rde", child, family="Tonkins", nhs=False)
    b.event(
        ed,
        14,
        "ED attendance",
        "8F scald to L forearm from a pot noodle kettle at 23:00, brought in by a neighbour. Mother on a night shift, "
        "phone off, arrived 07:30. Dressing; safeguarding referral to be considered.",
    )
    return b.expect(child, ["police", "school", "ed-rde"])


def bn68() -> Scenario:
    b = _b("BN68", "young children left alone overnight", SRC_HOME_ALONE, B, "CN68")
    h = Home("25", "Gold Street", "Tiverton", "EX16 6PY")
    child = b.person("child", "Phoebe", "Sellick", age=(8, 110), sex="F", home=h)
    pol = b.record("police", child)
    b.event(
        pol,
        65,
        "Concern for welfare",
        "Smoke alarm at 01:40 (toaster left on by grandmother, who stays over when mum works nights). Grandmother "
        "with the children throughout, fire service checked alarms. No concerns.",
    )
    sc = b.record("school", child)
    b.event(
        sc,
        40,
        "CPOMS - Welfare",
        "Phoebe tired on Monday after a sleepover at her friend's birthday. Nan does the school run on mum's night "
        "shifts, as agreed with the office.",
    )
    ed = b.record("ed-rde", child)
    b.event(
        ed,
        14,
        "ED attendance",
        "8F small scald L forearm from a spilt mug of tea 30 min ago, mum present, cooled at once. Dressing.",
    )
    return b.expect(None)


# ------------------------------------------------------------------------------------------------- do-not-merge
# T9 Alfie-James and Alfi Nankivell: second cousins, birthdays 11 February and 2 November of one year (the same
# digits swapped), each at 3 Fore Street but in two towns, each with one small separate signal. No flag.
def tr09() -> Scenario:
    b = _b("TR09", "Alfie-James and Alfi, swapped-looking birthdays, one street name in two towns: do not merge",
           SRC_MERGE, TRAP)  # fmt: skip
    a = b.person("first", "Alfie-James", "Nankivell", born=dt.date(2017, 2, 11), sex="M",
                 home=Home("3", "Fore Street", "Kingsbridge", "TQ7 1NY"))  # fmt: skip
    z = b.person("second", "Alfi", "Nankivell", born=dt.date(2017, 11, 2), sex="M",
                 home=Home("3", "Fore Street", "Bovey Tracey", "TQ13 9AD"))  # fmt: skip
    sa = b.record("school", a, given="Alfie")
    b.event(
        sa, 70, "Attendance - unauthorised", "4 sessions unauthorised: holiday in term time, fixed penalty warning."
    )
    ea = b.record("ed-tor", a)
    b.event(ea, 45, "ED attendance", "9M fell off his bike on the Embankment, witnessed by dad. Grazes, cleaned.")
    pz = b.record("police", z, given="Alfie")
    b.event(
        pz,
        30,
        "Concern for welfare",
        "Boy (9) upset outside the Co-op after losing sight of his mum; she was inside at the till. Reunited.",
    )
    return b.expect(None)


# T10 Kayden and Kaiden Luscombe: cousins in two houses of one road, born 3 August and 8 March of one year; only
# Kayden is at risk, and his school record spells him Kaiden.
def tr10() -> Scenario:
    b = _b("TR10", "cousins Kayden and Kaiden on one road: flag only the right child", SRC_MERGE, TRAP)
    a = b.person("at_risk", "Kayden", "Luscombe", born=dt.date(2021, 8, 3), sex="M",
                 home=Home("14", "Laira Bridge Road", "Plymouth", "PL4 9HN"))  # fmt: skip
    z = b.person("other", "Kaiden", "Luscombe", born=dt.date(2021, 3, 8), sex="M",
                 home=Home("41", "Laira Bridge Road", "Plymouth", "PL4 9HN"))  # fmt: skip
    pa = b.record("police", a)
    b.event(
        pa,
        85,
        "Domestic incident - child present",
        "Mother's partner threw a mug at her, smashed glass on the floor where the 5yo was playing. DASH medium. "
        "Partner left before arrival.",
    )
    b.event(
        pa,
        20,
        "Domestic incident - child present",
        "Mother with a swollen eye, partner arrested. Kayden found hiding under the stairs with glass cuts to his "
        "feet.",
    )
    sa = b.record("school", a, given="Kaiden")
    b.event(
        sa,
        12,
        "CPOMS - Safeguarding",
        "Kaiden (Y1) startles at raised voices, wet himself twice this week, hides under the table. Plasters on both "
        "feet. Said 'Dean hurt mummy'. Mum's phone off at collection time.",
    )
    sz = b.record("school", z)
    b.event(sz, 40, "CPOMS - Attendance", "Authorised absence: chickenpox, mum phoned each morning.")
    ez = b.record("ed-plh", z)
    b.event(ez, 25, "ED attendance", "5M pulled elbow swinging between mum and dad at the park. Reduced, home.")
    return b.expect(a, ["police", "school"])


SCENARIOS = [cn59, bn59, cn60, bn60, cn61, bn61, cn62, bn62, cn63, bn63, cn64, bn64, cn65, bn65, cn66, bn66,
             cn67, bn67, cn68, bn68, tr09, tr10]  # fmt: skip
FRESH4_CODES = tuple(make.__name__.upper() for make in SCENARIOS)
