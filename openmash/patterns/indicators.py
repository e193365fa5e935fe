"""Reading an agency event into safeguarding indicators: the text understanding behind cross-agency patterns (issue 8).

Framework-free (no Django, no database): a pure function over an event's kind, its type text and its description, so
that millions of events can be read fast and every reading can be tested.

Inputs and outputs
------------------
``read_event(kind, type_text, description, *, rules=None) -> list[Finding]``

- ``kind``: the OpenMASH event kind the feed mapping gave the event (``openmash/feeds/choices.py`` ``EventKind``);
  ``other`` when the agency's type was not known to the mapping.
- ``type_text``: the agency's own words for the event type ("DA incident", "Was Not Brought", "Concern - injury").
- ``description``: the agency's free text.
- Returns one ``Finding`` per indicator read (never two for one indicator), in this order: indicators read from the
  type text, then the kind's defaults (``KIND_INDICATORS``), then the description in the order written. A finding
  keeps the exact words matched (``evidence``, at most 80 characters, never the whole text) and where they came
  from (``source``: ``event_type`` for the type text and the kind, ``description`` for the free text).
- A **negated** reading ("no injuries seen", "denies any drug use", "NAI ruled out") is not returned at all.
- An **explained** reading ("bruise consistent with documented bleeding disorder", "authorised absence for a family
  funeral", "appointment cancelled by the hospital") is returned with ``explained=True`` and the explaining words in
  ``explanation``: a rule never counts it, but a page can show why it was set aside.
- Errors: ``PhraseRuleError`` when a phrase file is not valid (it names the key and the phrase at fault).

How negation and explanation work (the scope rules)
---------------------------------------------------
Negation (after NegEx, Chapman et al. 2001): a negation cue *before* the indicator's words ("no", "no evidence of",
"denies", "nothing to suggest", "not known to") negates it when at most ``window`` words lie between them (six for
phrase cues such as "no evidence of", three for "no"/"nil"/"without", two for "not") and no break lies between.
A cue *after* the words ("NAI ruled out", "allegation unfounded", "bruising not seen", "injuries: nil") negates
it within four words (two for "not seen"/"nil", none for "excluded": "fracture excluded"); the windows are data. Breaks end a scope: the end of a sentence
(. ! ? ; or a line break), "but", "however", "although", "whereas", "except", "apart from", "which", "who", a comma
or "and" followed by a new subject or verb ("no injuries, mum was drunk" leaves "drunk" standing). Pseudo-negations
are read and ignored so that they do not negate: "no longer", "not only", "cannot rule out", "not ruled out", "no
explanation" (which is a concern, not a reassurance), "no further action". A cue inside an indicator's own words
never negates ("no food", "not brought", "no answer at the door" are indicators).

Explanation: an explanation cue read anywhere in the event (type text or description), and not itself negated by a
cue right next to it ("no known bleeding disorder" explains nothing), explains every finding of the indicators it ``applies_to``, including
the kind's defaults: "fell at football training, witnessed by coach" explains the injury and the emergency
attendance but not a "smell of cannabis" in the same note. A counter-explanation read in the event ("unexplained",
"inconsistent with the history", "not witnessed", "delay in presentation", "non-mobile", "suspected NAI", "no reason
given") cancels every explanation for the indicators it applies to: reviews found repeated acceptance of parents'
explanations (Arthur Labinjo-Hughes and Star Hobson, 2022), so an explanation only counts when nothing in the record
contradicts it. A kind's default is set aside only by an explanation (never by negation: a police "DA incident"
where the victim "denies any assault" is still a domestic abuse incident), and a kind default is replaced by a more
precise reading of the same family (a mental-health contact whose text is about the mother reads as parental mental
health, not the child's).

The phrase file (YAML; ``phrases/default.yaml``; loaded with ``yaml.safe_load`` by ``load_phrase_rules``)
----------------------------------------------------------------------------------------------------------------
The shipped rules are ``phrases/default.yaml`` with the files of ``SHIPPED_EXTRA_PHRASES_PATHS`` (``signs.yaml``,
``household.yaml``) merged onto it, each written as ``extends: default``; a partnership's ``extends: default`` file extends them all.
``version``, ``extends`` (optional: ``default`` adds this file's phrases to the shipped ones), ``indicators`` (code
-> ``phrases``, ``acronyms``), ``ignore`` (phrases read and set aside, e.g. "DNA sample" is not "did not attend"),
``negation`` (``before`` and ``after``: lists of ``{window, phrases}``; ``pseudo``; ``breaks``), ``explanations``
and ``counter_explanations`` (lists of ``{applies_to: [codes], phrases}``), ``kinds`` (optional: event kind -> codes,
over ``KIND_INDICATORS``). Phrase syntax: matched without regard to case and only as whole words; a space matches
any run of spaces, hyphens, slashes or underscores; ``-`` an optional separator; ``*`` any letters (``bruis*``; a
``*`` standing alone is any one word); ``(a|b)`` either, ``(a|b)?`` optional, ``x?`` optional letter; ``'`` an
optional apostrophe; ``<n>`` a number; ``...`` up to six words within a sentence, never across "said", "that",
"but" or another person ("son", "child": "mum said her son has anxiety" is not the mother's anxiety); ``re:`` a raw
regular expression over lower-case text (no capturing groups). ``acronyms`` are matched with their capitals ("ED"
but not "Ed"). Where two phrases start at the same word the longer is read ("fractured skull" is a head injury and
a fracture, not just a fracture), and a phrase listed under two indicators gives both.

Speed: the brackets of each phrase are expanded into its spellings and all phrases of a kind are compiled into one
regular expression shaped as a trie (one branch per first letter, shared prefixes merged, no groups), so a text is
scanned three times (indicators, acronyms, cues) in C; which phrase a matched span is comes from a small per-letter
regex with groups, once per distinct span (cached). The Python work is per match, not per phrase: about 60,000
events a second on one core for one-to-three-sentence descriptions when the first phrase files were measured; with
today's phrase files about 21,000 (2026-12-01, `openmash bench reader`, machine loaded; target 50,000: missed).
Compiling the shipped rules (default.yaml and signs.yaml) took 7 s of CPU on the loaded 2-core machine (2.6 s there
for default.yaml alone; about 1.5 s idle before signs.yaml), once per process (``default_rules``); signs.yaml adds
about a tenth to the CPU time per event (31 against 28 microseconds, 2026-12-01). With a cache directory
(``compiled_cache_set``, ``OPENMASH_PHRASE_CACHE_DIR``) a new process loads the shipped rules' tries and every
compiled expression instead (0.14 s of CPU for ``default_rules``, each classifier when first needed).

Sources of the indicator catalogue and the phrases
--------------------------------------------------
- DfE, *Working Together to Safeguard Children 2023* (the forms of abuse and neglect; contextual and extra-familial
  harm: exploitation, county lines, trafficking, radicalisation, online harm, child-on-child abuse; was-not-brought;
  the "factors identified at assessment" of the DfE Children in Need census, DOMAIN.md 2.3, as the national
  vocabulary of concerns: alcohol, drugs, domestic abuse, mental health, missing, CSE, CCE, trafficking, gangs,
  self-harm, neglect, emotional abuse, FGM, abuse linked to faith or belief, privately fostered).
- NICE CG89, *Child maltreatment: when to suspect maltreatment in under 18s* (bruising, bites, burns and scalds,
  fractures, intracranial and eye injuries, "any injury to a child who is not independently mobile", explanations
  that are absent, inconsistent or changing, delay in presentation, fabricated or induced illness, neglect:
  hygiene, hunger, dental neglect, not brought to appointments, lack of supervision; emotional abuse).
- Child Safeguarding Practice Review Panel national reviews: *The Myth of Invisible Men* (2021: men in the
  household unknown to services: new partners, unknown males, hidden adults); *Child Protection in England*
  (Arthur Labinjo-Hughes and Star Hobson, 2022: bruising explained away, relatives' concerns discounted, home
  education after concerns, critical thinking about parents' accounts); the Panel's annual reports (non-fatal
  strangulation, non-mobile infants, neglect and "was not brought", children missing education).
- Home Office statutory guidance on FGM (risk factors: travel to a country of prevalence for a ceremony or long
  holiday, a mother or sister who has undergone FGM) and on forced marriage; Prevent duty guidance (radicalisation).
- Operation Encompass, DASH/MARAC and the Domestic Abuse Act 2021 for domestic-abuse vocabulary; agencies' own
  abbreviations: DV, DA, A&E, ED, NAI, CSE, CCE, DNA, WNB, EHE, CME, MH, FGM, MARAC, MISPER, s47, CP.
- ``phrases/signs.yaml`` (kinds of sign, each with negation and explanation): the Panel's *Out of routine* (SUDI,
  2020) and safer-sleep protocols (sofa and armchair sharing, bed-sharing after alcohol or drugs, no safe sleep
  space); RCPCH *Perplexing presentations / FII* (2021) alerting signs (symptoms only a parent reports, many
  hospitals, repeated normal tests, diets restricted without medical advice), each weak and counted only beside
  others by the rules; NICE CG89 and the CSA Centre's *Signs and indicators* template (secrets and "special games",
  sexual knowledge beyond age, anogenital soreness or discharge without a medical cause, distress at intimate care,
  secondary enuresis); self-harm and suicidal ideation; the forced marriage statutory guidance (2023: shame and
  honour, passports taken, weddings arranged abroad); NICE NG75 faltering growth (below the 2nd or 0.4th centile,
  centile lines crossed, wasted buttocks) and hunger (hoarding, food-seeking, over-diluted feeds); the Panel's *It
  was hard to escape* (2020), Childline and Ivison Trust on debt bondage (owing older people, holding things for
  them, internal concealment, out in the early hours, found in another town); the child's own account (made to spy
  on a parent, frightened of going to a parent's house); and what is not a new concern (a clinic or discharge letter
  about an injury already recorded, a witnessed mechanism brought the same day, a completed sentence for an
  unrelated offence, home education judged suitable, unless the record contradicts it).
- ``phrases/household.yaml`` (signs recorded by agencies that see the home and the adults: housing, pharmacies, GPs
  and adult services, early years, youth work): young carers (Children and Families Act 2014 s.96; 'No wrong
  doors': intimate care, a parent's medicines or controlled drugs, a parent saying a child "helps", a carer known to
  no service; set aside where an assessment, a care package or a young carers service is recorded, unless the
  record says the support is declined or absent); coercive and controlling behaviour as others see it (Home Office
  statutory guidance 2023; the Domestic Abuse Housing Alliance: a partner checking her phone, holding the money,
  keeping her in, answering for her; holes punched in doors and walls, a smashed phone; a young child's play that
  re-enacts violence); parental alcohol misuse in clinical shorthand (AUDIT 16 and over, bottles or cans a day,
  detox); domestic servitude and child trafficking (Home Office modern slavery statutory guidance 2023: a child
  described as a household's help, kept out of school to work, working long hours or unpaid, looking to the
  accompanying adult before answering); self-harm as others see it (a ligature knotted round the neck, cuts "seen"
  on the arms).
- ``phrases/family.yaml`` (harm hidden in a child's care, home and family): medical neglect (NICE CG89: prescribed
  treatment not given or collected, repeated DKA, equipment not replaced; the National Review of Asthma Deaths);
  supervisory neglect (NICE CG89: children left alone or in the care of a young child, found wandering); poor and
  unsafe home conditions (``home_conditions``: the Graded Care Profile 2, the Clutter Image Rating, damp and mould
  after Awaab Ishak, dangerous dogs); the exploitation of a vulnerable parent (``adult_exploited``: cuckooing,
  the Care Act 2014 guidance on financial abuse); firearms or weapons with risk (``weapons_access``: the Home Office
  firearms licensing guidance 2023); sibling harm and an older child's harmful sexual behaviour (NICE CG89 on
  implausible explanations; Hackett's continuum); abuse linked to faith or belief (the DfE National Action Plan,
  2012). Each is set aside by the reasons a record gives (collected the next day, DKA at diagnosis, repairs done,
  an exemption certificate, an appointee, a certificate revoked).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "INDICATORS",
    "INJURY_INDICATORS",
    "KIND_INDICATORS",
    "KIND_REFINED_BY",
    "NOT_READ",
    "Finding",
    "Indicator",
    "PhraseRuleError",
    "PhraseRules",
    "compiled_cache_set",
    "default_rules",
    "load_phrase_rules",
    "read_as_ordinary",
    "read_event",
]

DEFAULT_PHRASES_PATH = Path(__file__).with_name("phrases") / "default.yaml"
# Further shipped phrase files, each ``extends: default``, merged onto default.yaml in this order to make the shipped
# rules (a partnership file with ``extends: default`` extends all of them). signs.yaml: kinds of sign read from
# practice guidance (unsafe infant sleep, perplexing presentations, a young child's signs of sexual abuse, self-harm,
# honour-based abuse, faltering growth, debt bondage, a child's own account, follow-up letters). household.yaml: signs
# seen by agencies that see the home and the adults (young carers, coercive control, alcohol shorthand, servitude).
# family.yaml: harm hidden in a child's care, home and family (medical and supervisory neglect, unsafe home
# conditions, exploitation of a vulnerable parent, weapons with risk, sibling harm, abuse linked to faith or belief).
SHIPPED_EXTRA_PHRASES_PATHS: tuple[Path, ...] = (
    Path(__file__).with_name("phrases") / "signs.yaml",
    Path(__file__).with_name("phrases") / "household.yaml",
    Path(__file__).with_name("phrases") / "family.yaml",
    # concern.yaml: a low-level practitioner concern in any agency's general words ("concerns about", "shared with the
    # DSL", "inconsistent account"), with the words that say there is none or settle it (its header gives the sources)
    Path(__file__).with_name("phrases") / "concern.yaml",
    # practice.yaml: signs in clinical and case-note shorthand (a centile fall written "9th (was 50th)", dental
    # neglect, medical advice refused, a child not seen alone, private fostering papers, a delayed presentation)
    Path(__file__).with_name("phrases") / "practice.yaml",
)
EVIDENCE_MAX = 80


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue: its code, a plain-English label and a one-line description."""

    code: str
    label: str
    description: str


def _catalogue(*rows: tuple[str, str, str]) -> dict[str, Indicator]:
    return {code: Indicator(code, label, description) for code, label, description in rows}


# The indicator catalogue (sources: the module docstring). Codes are stable identifiers stored with every reading.
INDICATORS: dict[str, Indicator] = _catalogue(
    ("injury", "Injury", "An injury to the child, or a concern of non-accidental injury (NAI), not otherwise typed."),
    ("head_injury", "Head injury", "An injury to the head or brain, including shaking and intracranial bleeding."),
    ("bruising", "Bruising", "Bruises, black eyes, petechiae, finger-tip or grip marks (NICE CG89)."),
    ("burn", "Burn or scald", "A burn or scald, including cigarette, contact and immersion burns."),
    ("fracture", "Fracture", "A fracture or broken bone (ribs and long bones in infants especially)."),
    ("physical_abuse", "Violence or assault", "Hitting, punching, kicking, strangling or other assault on a person."),
    ("domestic_abuse", "Domestic abuse", "Domestic abuse or violence, coercive control, DASH/MARAC, Encompass."),
    ("parental_conflict", "Parental conflict", "Arguments or conflict between adults in the home, below abuse."),
    ("missing_episode", "Missing episode", "A child missing from home, care or school, or running away."),
    (
        "missed_health_appointment",
        "Missed health appointment (was not brought)",
        "A child not brought to a health appointment, immunisation or review (DNA, WNB).",
    ),
    ("school_absence", "School absence", "Persistent, unauthorised or falling school attendance."),
    (
        "missing_education",
        "Child missing education",
        "Off roll, no school place, not in education, or elective home education after concerns (CME, EHE).",
    ),
    ("exclusion", "Suspension or exclusion", "A suspension, fixed-term or permanent exclusion, or a managed move."),
    ("substance_misuse", "Substance misuse", "Drug or alcohol misuse by a parent, carer or the child."),
    (
        "parental_mental_health",
        "Parental mental ill health",
        "Mental ill health of a parent or adult carer, including perinatal illness and detention under the MHA.",
    ),
    ("child_mental_health", "Child's mental health", "The child's mental health: CAMHS, low mood, anxiety, eating."),
    ("self_harm", "Self-harm or suicidal thoughts", "Self-harm, ligatures, overdose or suicidal thoughts."),
    (
        "housing_instability",
        "Housing instability",
        "Eviction, homelessness, temporary accommodation, sofa surfing or frequent moves.",
    ),
    (
        "adult_offending",
        "Offending (violent, sexual or other)",
        "An arrest, charge or conviction, especially violent or sexual offending or a risk to children; "
        "weighs most for an adult in the child's household.",
    ),
    ("sexual_harm", "Sexual harm", "Sexual abuse or assault, harmful sexual behaviour, STIs or sexualised behaviour."),
    ("exploitation", "Exploitation", "Child sexual or criminal exploitation (CSE, CCE), county lines, gangs."),
    ("trafficking", "Trafficking or modern slavery", "Trafficking, modern slavery, NRM, unaccompanied children."),
    ("online_harm", "Online harm", "Sexting, sharing images, online grooming or contact with adults online."),
    ("child_on_child_abuse", "Child-on-child abuse", "Bullying, peer assault or harmful behaviour between children."),
    ("fgm_risk", "FGM risk", "Female genital mutilation, or its risk factors (travel for a special ceremony)."),
    ("forced_marriage", "Forced marriage or honour-based abuse", "Forced or child marriage, so-called honour abuse."),
    ("radicalisation", "Radicalisation", "Extremist views or material, Prevent or Channel referrals."),
    ("faith_based_abuse", "Abuse linked to faith or belief", "Witchcraft, spirit possession or exorcism beliefs."),
    (
        "neglect",
        "Neglect",
        "Poor home conditions, hunger, poor hygiene, untreated lice or dental decay, lack of supervision.",
    ),
    ("emotional_abuse", "Emotional abuse", "Belittling, rejection, threats, or a child frightened to go home."),
    ("ed_attendance", "Emergency attendance", "An unscheduled attendance: A&E/ED, urgent care, ambulance, OOH."),
    (
        "hospital_admission",
        "Hospital admission",
        "A child admitted to hospital, not planned. Not a concern by itself; counted with emergency attendances "
        "for repeated presentations at different hospitals.",
    ),
    (
        "apparent_life_threatening_event",
        "Apparent life-threatening event (infant)",
        "An infant reported to have stopped breathing, gone blue, limp or floppy (ALTE, BRUE, apnoea), with no "
        "medical cause recorded (NICE CG89: repeated episodes seen only by one carer, or with bleeding from the nose "
        "or mouth).",
    ),
    (
        "anogenital_symptoms",
        "Recurrent urinary or anogenital symptoms",
        "Recurrent urinary infections, persistent or recurrent dysuria, genital or anal soreness, bleeding or "
        "discharge in a child with no medical explanation recorded (NICE CG89: consider sexual abuse). A weak sign "
        "that counts only with other concerns.",
    ),
    (
        "pregnancy",
        "Pregnancy or unborn baby",
        "A pregnancy or unborn baby, concealed pregnancy or late booking for antenatal care.",
    ),
    (
        "fabricated_illness",
        "Fabricated or induced illness (FII)",
        "Perplexing presentations: many attendances with no cause found, symptoms seen only by a parent.",
    ),
    (
        "non_engagement",
        "Non-engagement",
        "No access, the child not seen, services refused, or disguised compliance.",
    ),
    ("new_partner", "New or unknown adult", "A new partner or unknown adult in the household (hidden men)."),
    ("police_welfare", "Police welfare concern", "A police welfare check, concern for welfare or notification."),
    ("child_protection", "Child protection activity", "A CP plan or conference, s47 enquiry, strategy discussion."),
    ("private_fostering", "Private fostering", "A child living with someone who is not a relative or parent."),
    (
        "young_carer",
        "Young carer",
        "A child caring for a parent or relative beyond their age (intimate care, lifting, managing medicines, "
        "collecting a parent's controlled drugs), or a carer not identified or supported (Children and Families Act "
        "2014 s.96). Set aside where the record shows the caring is assessed and supported.",
    ),
    (
        "home_conditions",
        "Poor or unsafe home conditions",
        "Hoarding (a Clutter Image Rating of 4 or more), squalor or infestation, damp and mould where a child sleeps "
        "or its treatment refused, no heating, a home unfit to live in, or a dangerous dog (a child bitten by the "
        "family dog, a dog loose or attacking). Counted for a child from an adult's record at the same address "
        "(NICE CG89; Graded Care Profile 2; the coroner's report on Awaab Ishak, 2022).",
    ),
    (
        "adult_exploited",
        "A parent or carer exploited",
        "A vulnerable adult in the child's home exploited: cuckooing, a 'friend' or lodger not on the tenancy who "
        "controls her money or benefits, financial or material abuse of a parent with a learning disability (Home "
        "Office cuckooing guidance 2023; Care Act 2014 statutory guidance).",
    ),
    (
        "weapons_access",
        "Firearms, weapons or threats to kill the family",
        "A firearm or weapon to hand with risk, or threats to kill the family: a gun kept by the bed or out of its "
        "cabinet, a child shown how to load one, \"we'll all go to heaven together\", a holder's status not reviewed "
        "after domestic abuse (Home Office firearms licensing statutory guidance 2023; domestic homicide reviews). "
        "A licence alone is not read.",
    ),
    (
        "practitioner_concern",
        "Practitioner concern",
        "A practitioner recorded a worry about the child or the care they get (concerns raised, a safeguarding "
        "concern logged or shared with the safeguarding lead, a disclosure, an inconsistent account, a worsening "
        "presentation, a referral on). A low-level concern: it counts only with others (Working Together 2023). "
        "Set aside where the record says there is no concern or settles it.",
    ),
)

INJURY_INDICATORS: frozenset[str] = frozenset({"injury", "head_injury", "bruising", "burn", "fracture"})

# Default indicators of each OpenMASH event kind (openmash/feeds/choices.py EventKind). Kinds mapped to nothing are
# read from their text only: a health contact or a sexual-health contact is not a concern by itself. An admission
# reads as ``hospital_admission``, which no rule counts but repeated presentations at different hospitals.
KIND_INDICATORS: dict[str, tuple[str, ...]] = {
    "domestic_abuse": ("domestic_abuse",),
    "missing": ("missing_episode",),
    "exploitation": ("exploitation",),
    "offending": ("adult_offending",),
    "crime_victim": (),
    "police_welfare": ("police_welfare",),
    "ed_attendance": ("ed_attendance",),
    "admission": ("hospital_admission",),
    "health_contact": (),
    "missed_appointment": ("missed_health_appointment",),
    "self_harm": ("self_harm",),
    "mental_health": ("child_mental_health",),
    "sexual_health": (),
    "condition": (),
    "safeguarding_flag": (),
    "school_absence": ("school_absence",),
    "exclusion": ("exclusion",),
    "child_protection": ("child_protection",),
    "other": (),
}

# A kind's default set aside when the text reads a more precise indicator of the same family.
KIND_REFINED_BY: dict[str, frozenset[str]] = {
    "child_mental_health": frozenset({"parental_mental_health"}),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator read from one event.

    - ``indicator``: a code of ``INDICATORS``; ``evidence``: the exact words matched (at most 80 characters), or the
      agency's type text for a kind's default; ``source``: ``event_type`` or ``description``.
    - ``explained``: the record explains it (a rule never counts it); ``explanation``: the explaining words.
    """

    indicator: str
    evidence: str
    source: str
    explained: bool = False
    explanation: str = ""


class PhraseRuleError(ValueError):
    """A phrase file is not valid: the message names the key (e.g. ``indicators.bruising.phrases.3``) at fault."""


# ---------------------------------------------------------------------------------------------------------------
# Phrase compilation
# ---------------------------------------------------------------------------------------------------------------

_SEP_PLUS = r"[\s\-/_]+"
_SEP_STAR = r"[\s\-/_]*"
# a gap: up to six words, never across a sentence end or a word that starts another clause or person
_GAP_STOP = r"(?:said|says|reported|reports|told|that|but|however|son|daughter|child|baby|brother|sister)(?!\w)"
_GAP = rf"[^\w.!?;\n]+(?:(?!{_GAP_STOP})\w+[^\w.!?;\n]+){{0,6}}?"
_WORDISH = set("abcdefghijklmnopqrstuvwxyz0123456789*()<>'") | {"é", "è", "ç"}


def _is_wordish(ch: str | None) -> bool:
    return ch is None or ch.isalnum() or ch in _WORDISH


_EXPAND_LIMIT = 150


def _phrase_atoms(phrase: str, where: str) -> list[list[str]]:
    """The atom sequences (one per spelling the brackets allow) of one phrase, for the trie.

    An atom is a single literal character where possible (so the trie shares prefixes and branches on letters), or
    a regex fragment (a separator, a wildcard, a gap). Brackets are expanded into separate spellings up to
    ``_EXPAND_LIMIT`` per phrase; beyond that an inner bracket stays one regex atom.
    """
    if phrase.startswith("re:"):
        raw = phrase[3:].strip()
        if not raw:
            raise PhraseRuleError(f"{where}: empty regular expression")
        try:
            compiled = re.compile(raw)
        except re.error as exc:
            raise PhraseRuleError(f"{where}: {raw!r} is not a valid regular expression ({exc})") from None
        if compiled.groups:
            raise PhraseRuleError(f"{where}: {raw!r} has capturing groups; use (?:...)")
        return [[f"(?:{raw})"]]
    text = " ".join(phrase.split())
    if not text:
        raise PhraseRuleError(f"{where}: empty phrase")
    if not (text[0].isalnum() or text[0] == "("):
        raise PhraseRuleError(f"{where}: {phrase!r} must start with a letter, a digit or '('")
    nodes, pos = _parse_seq(text, 0, where, phrase, top=True)
    if pos != len(text):
        raise PhraseRuleError(f"{where}: {phrase!r} has an unmatched ')'")
    try:
        re.compile(_render(nodes))
    except re.error as exc:  # pragma: no cover - the parser only builds valid fragments
        raise PhraseRuleError(f"{where}: {phrase!r} does not compile ({exc})") from None
    return [_clean(atoms) for atoms in _expand(nodes)]


def _clean(atoms: list[str]) -> list[str]:
    """Separators next to a gap are the gap's own; two separators in a row (an empty optional word) become one."""
    seps = (_SEP_PLUS, _SEP_STAR)
    cleaned: list[str] = []
    for i, atom in enumerate(atoms):
        redundant = (cleaned and cleaned[-1] in (_GAP, *seps)) or (i + 1 < len(atoms) and atoms[i + 1] == _GAP)
        if atom in seps and redundant:
            if cleaned and cleaned[-1] == _SEP_STAR and atom == _SEP_PLUS:
                cleaned[-1] = _SEP_PLUS
            continue
        cleaned.append(atom)
    while cleaned and cleaned[-1] in seps:
        cleaned.pop()
    return cleaned


def _render(nodes: list) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        else:
            alternatives, optional = node
            out.append("(?:" + "|".join(_render(alt) for alt in alternatives) + ")" + ("?" if optional else ""))
    return "".join(out)


def _count(nodes: list) -> int:
    total = 1
    for node in nodes:
        if not isinstance(node, str):
            alternatives, optional = node
            total *= sum(_count(alt) for alt in alternatives) + (1 if optional else 0)
    return total


def _expand(nodes: list, limit: int = _EXPAND_LIMIT) -> list[list[str]]:
    """Every spelling of a parsed phrase as a list of atoms. Brackets are expanded from the left while the number of
    spellings stays within ``limit``; a bracket beyond that is kept as one regex atom."""
    results: list[list[str]] = [[]]
    for node in nodes:
        if isinstance(node, str):
            for r in results:
                r.append(node)
            continue
        alternatives, optional = node
        count = sum(_count(alt) for alt in alternatives) + (1 if optional else 0)
        if len(results) * count > limit:
            atom = _render([node])
            for r in results:
                r.append(atom)
            continue
        options: list[list[str]] = []
        for alt in alternatives:
            options.extend(_expand(alt, limit))
        if optional:
            options.append([])
        results = [r + option for r in results for option in options]
    return results


def _parse_seq(text: str, pos: int, where: str, phrase: str, *, top: bool) -> tuple[list, int]:
    """Parse phrase text from ``pos`` up to a ``|`` or ``)`` (or the end): atoms (str) and brackets
    (``(alternatives, optional)``), and the position reached."""
    nodes: list = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in "|)":
            if top:
                what = "'|' outside brackets" if ch == "|" else "an unmatched ')'"
                raise PhraseRuleError(f"{where}: {phrase!r} has {what}")
            return nodes, pos
        if ch == "(":
            alternatives, pos = _parse_group(text, pos + 1, where, phrase)
            nodes.append((alternatives, False))
        elif ch == "?":
            if not nodes:
                raise PhraseRuleError(f"{where}: {phrase!r} has '?' with nothing before it")
            last = nodes.pop()
            nodes.append((last[0], True) if isinstance(last, tuple) else ([[last]], True))
            pos += 1
        else:
            atom, pos = _char_atom(text, pos)
            nodes.append(atom)
    return nodes, pos


def _parse_group(text: str, pos: int, where: str, phrase: str) -> tuple[list, int]:
    """The alternatives of a bracket whose ``(`` is just before ``pos``, and the position after its ``)``."""
    alternatives: list = []
    while True:
        sub, pos = _parse_seq(text, pos, where, phrase, top=False)
        if not sub:
            raise PhraseRuleError(f"{where}: {phrase!r} has an empty alternative in brackets")
        alternatives.append(sub)
        if pos >= len(text):
            raise PhraseRuleError(f"{where}: {phrase!r} has an unclosed '('")
        pos += 1
        if text[pos - 1] == ")":
            return alternatives, pos


def _char_atom(text: str, pos: int) -> tuple[str, int]:
    """The atom at ``pos`` (not a bracket or '?'), and the position after it."""
    if text.startswith("...", pos):
        return _GAP, pos + 3
    if text.startswith("<n>", pos):
        return r"\d+", pos + 3
    ch = text[pos]
    prev = text[pos - 1] if pos > 0 else None
    nxt = text[pos + 1] if pos + 1 < len(text) else None
    if ch == " ":
        before_ok = prev is None or _is_wordish(prev) or prev in "|("
        after_ok = nxt is None or _is_wordish(nxt) or nxt in "|)?"
        return (_SEP_PLUS if before_ok and after_ok else _SEP_STAR), pos + 1
    if ch == "-":
        return _SEP_STAR, pos + 1
    if ch == "*":
        attached = prev is not None and (prev.isalnum() or prev in ")'")
        return (r"\w*" if attached else r"\w+"), pos + 1
    if ch == "'":
        return "'?", pos + 1
    return re.escape(ch), pos + 1


class _Trie:
    """Phrases as a trie of atoms, emitted as one regular expression with an empty marker group at each phrase end."""

    __slots__ = ("root",)

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}

    def add(self, atoms: list[str], payload: Any) -> None:
        node = self.root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node.setdefault(None, []).append(payload)

    def add_all(self, spellings: list[list[str]], payload: Any) -> None:
        for atoms in spellings:
            self.add(atoms, payload)

    def emit(self, *, markers: bool = True, word_start: bool = False) -> tuple[str, list[tuple]]:
        """The regex and the payloads by group number (index 0 unused). Without markers the regex has no groups: a
        scan for spans, far cheaper per match than one with thousands of groups. With ``word_start`` each phrase
        must start a word, checked after its first letter so that the regex engine can skip ahead to the letters
        phrases start with (worth it when those are few, e.g. the capitals of acronyms)."""
        payloads: list[tuple] = [()]
        marker = "()" if markers else ""

        def walk(node: dict, last_atom: str, root: bool = False) -> str:
            alternatives = []
            keys = [k for k in node if k is not None]
            # unexpanded brackets first (a longer phrase before a shorter one it shares letters with), then letters
            # (the engine's fast literal check), then wildcards and separators
            # (at the root, raw regular expressions last: letters dispatch faster)
            keys.sort(key=lambda a: (0 if a.startswith("(?:") and not root else 1 if len(a) == 1 else 2, a))
            for atom in keys:
                head = atom
                if root and word_start:
                    head = atom + r"(?<!\w.)" if len(atom) == 1 else r"(?<!\w)" + atom
                alternatives.append(head + walk(node[atom], atom))
            if None in node:
                payloads.append(tuple(dict.fromkeys(node[None])))
                end = r"(?!\w)" if (last_atom[-1:].isalnum() or last_atom.endswith(("*", ")", "+", "?"))) else ""
                alternatives.append(end + marker)
            if len(alternatives) == 1:
                return alternatives[0]
            return "(?:" + "|".join(alternatives) + ")"

        if not self.root:
            return "(?!x)x", payloads
        return walk(self.root, "", True), payloads


#: The directory where the compiled expressions are kept between processes (``compiled_cache_set``); None:
#: compiled in every process.
_CODE_CACHE: list[Path | None] = [None]
_CODE_HEADER = b"openmash-sre-2\n"


def compiled_cache_set(directory: Path | str | None) -> None:
    """Keep the compiled expressions of phrase rules (the three scans and the per-letter classifiers) in
    `directory` (created when first written), so that a new process (each `openmash import`, each after-import hook
    run in its own process) loads them in milliseconds instead of compiling them again: the shipped rules' three
    scans are about 1.9 million characters and the classifiers of the first letters read in 10,000 police events
    as many again; Python's ``re`` parses and compiles them in pure Python, about 6 s of CPU each on the shared
    2-core machine (2026-12-01). None turns the cache off. Set from ``OPENMASH_PHRASE_CACHE_DIR`` by the patterns
    app (``apps.py``)."""
    _CODE_CACHE[0] = Path(directory) if directory else None


def _scan_compile(pattern: str) -> re.Pattern:
    """``re.compile(pattern)``, through the cache of ``compiled_cache_set`` when one is set.

    What is kept is exactly what ``re._compiler.compile`` hands to ``_sre.compile`` (the flags, the number of groups
    and the engine's code), under a name made from the pattern and the interpreter's version and engine magic
    number, so a changed rule, a new Python or a new ``re`` engine never meets an old file. A file is checked (its
    SHA-256) and the engine validates the code again when it is loaded; on any problem (missing, short,
    unreadable, another layout) the pattern is compiled as usual and the file written again (atomically: a
    temporary file renamed). A pattern with named groups is compiled as usual (the phrase expressions have only
    unnamed ones: the classifiers' empty markers). Errors: ``re.error`` as ``re.compile``; a cache directory that
    cannot be written is ignored."""
    directory = _CODE_CACHE[0]
    if directory is None:
        return re.compile(pattern)
    try:
        import _sre
        from re import _compiler, _parser
    except ImportError:  # pragma: no cover - not CPython
        return re.compile(pattern)
    typecode = "I" if _sre.CODESIZE == 4 else "H"
    ident = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.byteorder}\n{pattern}".encode()
    path = directory / f"re-{hashlib.sha256(ident).hexdigest()[:40]}.sre"
    top = len(_CODE_HEADER)
    try:
        raw = path.read_bytes()
        digest, numbers, body = raw[top : top + 32], raw[top + 32 : top + 44], raw[top + 44 :]
        if raw[:top] == _CODE_HEADER and hashlib.sha256(numbers + body).digest() == digest:
            flags, groups = int.from_bytes(numbers[:8], "little"), int.from_bytes(numbers[8:], "little")
            code = array(typecode)
            code.frombytes(body)
            return _sre.compile(pattern, flags, code.tolist(), groups - 1, {}, (None,) * groups)
    except (OSError, ValueError, RuntimeError, TypeError, OverflowError, MemoryError):
        pass
    parsed = _parser.parse(pattern, 0)
    if parsed.state.groupdict:
        return re.compile(pattern)
    flags, groups = parsed.state.flags, parsed.state.groups
    code = _compiler._code(parsed, 0)
    compiled = _sre.compile(pattern, flags, code, groups - 1, {}, (None,) * groups)
    numbers = flags.to_bytes(8, "little") + groups.to_bytes(4, "little")
    body = array(typecode, code).tobytes()
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".re-", delete=False) as out:
            temporary = out.name
            out.write(_CODE_HEADER + hashlib.sha256(numbers + body).digest() + numbers + body)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return compiled


@dataclass(frozen=True)
class _Cue:
    kind: str  # before | after | pseudo | break | explain | counter
    value: Any  # window (before/after), applies_to frozenset (explain/counter)


class _Matcher:
    """One trie of phrases compiled twice: ``scan`` (no groups) finds the spans; ``classify`` (one empty group per
    phrase end) says which phrase a span is, once per distinct matched text (cached): a match object costs time in
    proportion to the pattern's groups, so the groups are paid for only on a text not seen before."""

    __slots__ = ("scan", "trie", "strip_empty", "classifiers", "cache", "empty", "store")

    CACHE_MAX = 200_000

    def __init__(self, trie: _Trie, *, strip_empty: bool, word_start: bool = False, scan: str | None = None) -> None:
        self.empty = not trie.root
        if scan is None:  # `scan`: the expression emitted before (``_shipped_cached``)
            scan_rx, _ = trie.emit(markers=False, word_start=word_start)
            scan = scan_rx if word_start else rf"(?<!\w)(?:{scan_rx})"
        self.scan = _scan_compile(scan)
        self.trie = trie
        self.strip_empty = strip_empty
        self.classifiers: dict[str, tuple[re.Pattern, list[tuple]]] = {}
        self.cache: dict[str, tuple] = {}
        #: where this matcher's classifiers are kept between processes (a file name prefix; ``_shipped_cached``)
        self.store: Path | None = None

    def _classifier(self, first: str) -> tuple[re.Pattern, list[tuple]]:
        """The classifying regex for phrases starting with the letter ``first`` ("" for those starting with a
        pattern), compiled when first needed: small, so a cache miss costs little."""
        found = self.classifiers.get(first)
        if found is None and self.store is not None:
            found = self.classifiers[first] = _classifier_kept(self, first)
        if found is None:
            root = self.trie.root
            sub = _Trie()
            if first:
                sub.root = {first: root[first]} if first in root else {}
            else:
                sub.root = {k: root[k] for k in list(root.keys()) if k is not None and len(k) != 1}  # no decoding
            rx, payloads = sub.emit(markers=True)
            if self.strip_empty:
                payloads = [tuple(p for p in group if p) for group in payloads]
            found = self.classifiers[first] = (_scan_compile(rx), payloads)
        return found

    def _payload(self, words: str) -> tuple:
        for first in (re.escape(words[0]), ""):
            rx, payloads = self._classifier(first)
            m = rx.fullmatch(words)
            if m is not None and m.lastindex:
                return payloads[m.lastindex]
        return ()

    def find(self, text: str) -> list[tuple[int, int, tuple]]:
        """(start, end, payloads) of every phrase in ``text``, left to right, never overlapping."""
        out = []
        cache = self.cache
        for m in self.scan.finditer(text):
            words = m.group()
            payload = cache.get(words)
            if payload is None:
                payload = self._payload(words)
                if len(cache) >= self.CACHE_MAX:
                    cache.clear()
                cache[words] = payload
            out.append((m.start(), m.end(), payload))
        return out


@dataclass(frozen=True)
class PhraseRules:
    """Compiled phrase rules (``load_phrase_rules``). Immutable but for its match caches; safe to share."""

    main: _Matcher = field(repr=False)
    acronyms: _Matcher = field(repr=False)
    cues: _Matcher = field(repr=False)
    kind_indicators: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrase_count: int = 0


_BREAK_SUBJECTS = (
    "he|she|they|it|we|i|mum|mother|dad|father|stepdad|step-dad|stepfather|partner|boyfriend|girlfriend|police|"
    "officers|school|staff|nursery|gp|the|his|her|their|child|baby|parents?|family|there|this|grandmother|nan|"
    "appeared|reported|said|was|is|had|has|later"
)
_PUNCT = re.compile(rf"[!?;\n]|\.(?!\w)|,(?=\s*(?:{_BREAK_SUBJECTS})(?!\w))")

_TOP_KEYS = {"version", "extends", "indicators", "ignore", "negation", "explanations", "counter_explanations", "kinds"}


def _as_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PhraseRuleError(f"{where}: must be a list of phrases")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise PhraseRuleError(f"{where}.{i}: must be a phrase (text), not {type(item).__name__}")
    return value


def _as_map(value: Any, where: str, allowed: set[str] | None = None) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PhraseRuleError(f"{where}: must be a mapping")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise PhraseRuleError(f"{where}.{key}: unknown key (expected one of: {', '.join(sorted(allowed))})")
    return value


def _codes(value: Any, where: str) -> frozenset[str]:
    codes = _as_list(value, where)
    if not codes:
        raise PhraseRuleError(f"{where}: must name at least one indicator")
    for i, code in enumerate(codes):
        if code not in INDICATORS:
            raise PhraseRuleError(f"{where}.{i}: {code!r} is not an indicator code")
    return frozenset(codes)


def _window(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20:
        raise PhraseRuleError(f"{where}: must be a whole number of words from 0 to 20")
    return value


def _merge(base: dict, extra: dict) -> dict:
    """``extends: default``: the extra file's phrases are added to the base's (kinds are replaced per kind)."""
    merged = {k: v for k, v in base.items()}
    indicators = {k: dict(v or {}) for k, v in (base.get("indicators") or {}).items()}
    for code, spec in (extra.get("indicators") or {}).items():
        target = indicators.setdefault(code, {})
        for sub, items in (spec or {}).items():
            target[sub] = list(target.get(sub) or []) + list(items or [])
    merged["indicators"] = indicators
    ignore = dict(base.get("ignore") or {})
    for sub, items in (extra.get("ignore") or {}).items():
        ignore[sub] = list(ignore.get(sub) or []) + list(items or [])
    merged["ignore"] = ignore
    negation = dict(base.get("negation") or {})
    for sub, items in (extra.get("negation") or {}).items():
        negation[sub] = list(negation.get(sub) or []) + list(items or [])
    merged["negation"] = negation
    for key in ("explanations", "counter_explanations"):
        merged[key] = list(base.get(key) or []) + list(extra.get(key) or [])
    merged["kinds"] = {**(base.get("kinds") or {}), **(extra.get("kinds") or {})}
    return merged


def load_phrase_rules(text: str | None = None) -> PhraseRules:
    """Validate and compile phrase rules from YAML text (the shipped ``phrases/default.yaml`` when ``text`` is None).

    Raises ``PhraseRuleError`` naming the key and phrase at fault (unknown indicator code, unknown key, a phrase
    that is not text, an unbalanced bracket, an invalid ``re:`` expression, a bad window).
    """
    if text is None:
        return _compile(_shipped_data())
    data = _extended(_parse(text, "the phrase rules"), _shipped_data)
    return _compile(data)


def _parse(text: str, what: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PhraseRuleError(f"{what} are not valid YAML: {exc}") from None
    return _as_map(data, "(top level)", _TOP_KEYS)


def _extended(data: dict, base) -> dict:
    """``data`` merged onto ``base()`` when it says ``extends: default``; as it is otherwise."""
    extends = data.get("extends")
    if extends is None:
        return data
    if extends != "default":
        raise PhraseRuleError(f"extends: {extends!r} is not known (only 'default')")
    _as_map(data.get("indicators"), "indicators")
    _as_map(data.get("ignore"), "ignore", {"phrases", "acronyms"})
    _as_map(data.get("negation"), "negation", {"before", "after", "pseudo", "breaks"})
    return _merge(base(), data)


def _shipped_data() -> dict:
    """default.yaml with every file of ``SHIPPED_EXTRA_PHRASES_PATHS`` merged onto it (each must extend default)."""
    data = _parse(DEFAULT_PHRASES_PATH.read_text(encoding="utf-8"), DEFAULT_PHRASES_PATH.name)
    for path in SHIPPED_EXTRA_PHRASES_PATHS:
        extra = _parse(path.read_text(encoding="utf-8"), path.name)
        if extra.get("extends") != "default":
            raise PhraseRuleError(f"{path.name}: a shipped extra phrase file must say 'extends: default'")
        data = _extended(extra, lambda merged=data: merged)
    return data


def _compile(data: dict) -> PhraseRules:
    main, acro, cues = _Trie(), _Trie(), _Trie()
    count = _compile_indicators(data, main, acro)
    _compile_negation(data, cues)
    _compile_explanations(data, cues)
    kinds = dict(KIND_INDICATORS)
    for kind, codes in _as_map(data.get("kinds"), "kinds").items():
        kinds[str(kind)] = tuple(sorted(_codes(codes, f"kinds.{kind}"))) if codes else ()
    return PhraseRules(
        main=_Matcher(main, strip_empty=True),
        acronyms=_Matcher(acro, strip_empty=True, word_start=True),
        cues=_Matcher(cues, strip_empty=False),
        kind_indicators=kinds,
        phrase_count=count,
    )


def _compile_indicators(data: dict, main: _Trie, acro: _Trie) -> int:
    """Indicator and ignore phrases into the main (lower-case) and acronym (exact case) tries; the phrase count."""
    count = 0
    sections = [
        (f"indicators.{code}", code, spec) for code, spec in _as_map(data.get("indicators"), "indicators").items()
    ]
    sections.append(("ignore", "", data.get("ignore")))
    for where, code, spec in sections:
        if code and code not in INDICATORS:
            raise PhraseRuleError(f"{where}: {code!r} is not an indicator code (see openmash.patterns.indicators)")
        spec = _as_map(spec, where, {"phrases", "acronyms"})
        for i, phrase in enumerate(_as_list(spec.get("phrases"), f"{where}.phrases")):
            main.add_all(_phrase_atoms(phrase.lower(), f"{where}.phrases.{i}"), code)
            count += 1
        for i, phrase in enumerate(_as_list(spec.get("acronyms"), f"{where}.acronyms")):
            acro.add_all(_phrase_atoms(phrase, f"{where}.acronyms.{i}"), code)
            count += 1
    return count


def _compile_negation(data: dict, cues: _Trie) -> None:
    negation = _as_map(data.get("negation"), "negation", {"before", "after", "pseudo", "breaks"})
    for side in ("before", "after"):
        groups = negation.get(side) or []
        if not isinstance(groups, list):
            raise PhraseRuleError(f"negation.{side}: must be a list of {{window, phrases}}")
        for g, group in enumerate(groups):
            where = f"negation.{side}.{g}"
            group = _as_map(group, where, {"window", "phrases"})
            cue = _Cue(side, _window(group.get("window"), f"{where}.window"))
            for i, phrase in enumerate(_as_list(group.get("phrases"), f"{where}.phrases")):
                cues.add_all(_phrase_atoms(phrase.lower(), f"{where}.phrases.{i}"), cue)
    for name in ("pseudo", "breaks"):
        cue = _Cue("pseudo" if name == "pseudo" else "break", None)
        for i, phrase in enumerate(_as_list(negation.get(name), f"negation.{name}")):
            cues.add_all(_phrase_atoms(phrase.lower(), f"negation.{name}.{i}"), cue)


def _compile_explanations(data: dict, cues: _Trie) -> None:
    for key, kind in (("explanations", "explain"), ("counter_explanations", "counter")):
        groups = data.get(key) or []
        if not isinstance(groups, list):
            raise PhraseRuleError(f"{key}: must be a list of {{applies_to, phrases}}")
        for g, group in enumerate(groups):
            where = f"{key}.{g}"
            group = _as_map(group, where, {"applies_to", "phrases"})
            cue = _Cue(kind, _codes(group.get("applies_to"), f"{where}.applies_to"))
            for i, phrase in enumerate(_as_list(group.get("phrases"), f"{where}.phrases")):
                cues.add_all(_phrase_atoms(phrase.lower(), f"{where}.phrases.{i}"), cue)


_DEFAULT: list[PhraseRules] = []


def default_rules() -> PhraseRules:
    """The shipped phrase rules, compiled once per process."""
    if not _DEFAULT:
        _DEFAULT.append(_shipped_cached())
    return _DEFAULT[0]


_RULES_HEADER = b"openmash-phrase-rules-2\n"


def _shipped_cached() -> PhraseRules:
    """``load_phrase_rules()`` (the shipped rules), through the cache of ``compiled_cache_set`` when one is set: the
    tries, the scan expressions, the kinds and the phrase count of a compilation are kept (``marshal``: plain data,
    no code; a SHA-256 of the content is checked before it is read) under a name made from the shipped phrase files,
    this module's source and the interpreter's version, so any change to them compiles afresh; on any problem the
    rules are compiled as usual and the file written again. Saves the YAML parsing, the phrase expansion and the
    emitting of the tries (about 1.5 s of CPU per process, 2026-12-01); the expressions themselves come from
    ``_scan_compile``'s cache."""
    directory = _CODE_CACHE[0]
    if directory is None:
        return load_phrase_rules()
    ident = hashlib.sha256(sys.version.encode())
    for source in (Path(__file__), DEFAULT_PHRASES_PATH, *SHIPPED_EXTRA_PHRASES_PATHS):
        raw = source.read_bytes()
        ident.update(len(raw).to_bytes(8, "little") + raw)
    name = f"rules-{ident.hexdigest()[:40]}"
    path = directory / f"{name}.marshal"
    top = len(_RULES_HEADER)
    rules = None
    try:
        raw = path.read_bytes()
        if raw[:top] == _RULES_HEADER and hashlib.sha256(raw[top + 32 :]).digest() == raw[top : top + 32]:
            rules = _rules_from_data(marshal.loads(raw[top + 32 :]))  # nosec B302 - the app's own cache in var/, written by this module
    except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
        rules = None
    if rules is None:
        rules = load_phrase_rules()
        _file_write(path, marshal.dumps(_rules_data(rules)))
    for label in ("main", "acronyms", "cues"):
        getattr(rules, label).store = directory / f"{name}-{label}"
    return rules


def _classifier_kept(matcher: _Matcher, first: str) -> tuple[re.Pattern, list[tuple]]:
    """``matcher._classifier(first)`` through the files at ``matcher.store`` (the classifying expression's text and
    its payloads, ``marshal``, checked by SHA-256; the expression compiled through ``_scan_compile``): emitting a
    letter's branch of the trie costs tens of milliseconds, and a process meets dozens of letters."""
    path = Path(f"{matcher.store}-{first.encode().hex() or 'pattern'}.marshal")
    top = len(_RULES_HEADER)
    try:
        raw = path.read_bytes()
        if raw[:top] == _RULES_HEADER and hashlib.sha256(raw[top + 32 :]).digest() == raw[top : top + 32]:
            rx, payloads = marshal.loads(raw[top + 32 :])  # nosec B302 - the app's own cache in var/, written by this module
            if not matcher.strip_empty:  # the cues: (kind, value) tuples back into cues
                payloads = [tuple(_Cue(*t) for t in group) for group in payloads]
            return _scan_compile(rx), payloads
    except (OSError, ValueError, EOFError, TypeError):
        pass
    matcher.store, store = None, matcher.store
    try:
        pattern, payloads = matcher._classifier(first)
    finally:
        matcher.store = store
    kept = payloads if matcher.strip_empty else [tuple(_cue_tuple(c) for c in group) for group in payloads]
    _file_write(path, marshal.dumps((pattern.pattern, kept)))
    return pattern, payloads


def _file_write(path: Path, body: bytes) -> None:
    """`body` under ``_RULES_HEADER`` and its SHA-256 into `path`, atomically (a temporary file renamed); a
    directory that cannot be written is ignored."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".rules-", delete=False) as out:
            temporary = out.name
            out.write(_RULES_HEADER + hashlib.sha256(body).digest() + body)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _cue_leaves(node: dict, convert) -> dict:
    """A copy of a trie with each phrase end's payloads passed through `convert`."""
    return {k: ([convert(p) for p in v] if k is None else _cue_leaves(v, convert)) for k, v in node.items()}


class _LazyRoot(dict):
    """A cached trie's root whose branches (one per first atom) stay ``marshal`` bytes until first used: a process
    needs the branches of the first letters it meets (the classifiers), seldom all of them."""

    __slots__ = ("convert",)

    def __init__(self, packed: dict, convert=None) -> None:
        super().__init__(packed)
        self.convert = convert

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if isinstance(value, bytes):
            value = marshal.loads(value)  # nosec B302 - bytes this process made from the cache
            if self.convert is not None:
                value = _cue_leaves(value, self.convert)
            super().__setitem__(key, value)
        return value

    def items(self):
        return [(key, self[key]) for key in self.keys()]

    def values(self):
        return [self[key] for key in self.keys()]


def _packed(root: dict, convert=None) -> dict:
    """A trie's root as {first atom: marshal bytes of its branch} (see ``_LazyRoot``); phrase ends at the root as
    they are."""
    out = {}
    for key, value in root.items():
        if key is None:
            out[key] = [convert(p) for p in value] if convert else value
        else:
            out[key] = marshal.dumps(_cue_leaves(value, convert) if convert else value)
    return out


def _cue_tuple(cue: _Cue) -> tuple:
    return (cue.kind, cue.value)


def _cue_from(value: tuple) -> _Cue:
    return _Cue(*value)


def _rules_data(rules: PhraseRules) -> tuple:
    """Compiled rules as plain data for ``marshal`` (each trie branch packed apart; cues as (kind, value))."""
    return (
        (_packed(rules.main.trie.root), rules.main.scan.pattern),
        (_packed(rules.acronyms.trie.root), rules.acronyms.scan.pattern),
        (_packed(rules.cues.trie.root, _cue_tuple), rules.cues.scan.pattern),
        dict(rules.kind_indicators),
        rules.phrase_count,
    )


def _rules_from_data(data: tuple) -> PhraseRules:
    (main, main_rx), (acro, acro_rx), (cues, cues_rx), kinds, count = data
    if None in cues:
        cues[None] = [_cue_from(t) for t in cues[None]]
    tries = []
    for root, convert in ((main, None), (acro, None), (cues, _cue_from)):
        trie = _Trie()
        trie.root = _LazyRoot(root, convert)
        tries.append(trie)
    return PhraseRules(
        main=_Matcher(tries[0], strip_empty=True, scan=main_rx),
        acronyms=_Matcher(tries[1], strip_empty=True, word_start=True, scan=acro_rx),
        cues=_Matcher(tries[2], strip_empty=False, scan=cues_rx),
        kind_indicators=kinds,
        phrase_count=count,
    )


# ---------------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------------

_NORMALISE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}
)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # keep offsets (e.g. "İ")


def _evidence(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_MAX:
        return text
    cut = text.rfind(" ", 0, EVIDENCE_MAX)
    return text[: cut if cut > 20 else EVIDENCE_MAX]


def _words_between(low: str, start: int, end: int) -> int:
    return max(0, low.count(" ", start, end) - 1) if end > start else 0


def _broken(breaks: list[int], start: int, end: int) -> bool:
    return any(start <= b < end for b in breaks)


def _negated(low, start, end, before, after, breaks, limit: int = 20) -> bool:
    """Whether the words at ``start:end`` are negated by a cue before or after them in scope (``limit`` caps the
    window: an explanation is negated only by a cue right next to it, "no known bleeding disorder")."""
    for _cs, ce, window in reversed(before):
        if ce <= start:
            if _words_between(low, ce, start) <= min(window, limit) and not _broken(breaks, ce, start):
                return True
            if start - ce > 200:
                break
    for cs, _ce, window in after:
        if cs >= end:
            if _words_between(low, end, cs) <= min(window, limit) and not _broken(breaks, end, cs):
                return True
            if cs - end > 200:
                break
    return False


def _hits(r: PhraseRules, text: str, low: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """The indicator phrases read in the text, left to right (ignore phrases set aside; acronyms inside an
    ignore phrase too)."""
    hits: list[tuple[int, int, tuple[str, ...]]] = []
    ignored: list[tuple[int, int]] = []
    for s, e, codes in r.main.find(low):
        if codes:
            hits.append((s, e, codes))
        else:
            ignored.append((s, e))
    if not r.acronyms.empty:
        extra = False
        for s, e, codes in r.acronyms.find(text):
            if codes and not any(a <= s < b for a, b in ignored):
                hits.append((s, e, codes))
                extra = True
        if extra:
            hits.sort(key=lambda hit: (hit[0], -hit[1]))  # the longer reading first where two start together
    return hits


def _explanations(r: PhraseRules, text: str, low: str, hits: list) -> tuple[list, list, list, dict[str, str]]:
    """Read the cues: negation before and after (not those inside an indicator's own words), the breaks, and the
    explaining words of each explained indicator (explanations and counter-explanations are event-wide)."""
    before: list[tuple[int, int, int]] = []
    after: list[tuple[int, int, int]] = []
    breaks: list[int] = []
    explains: list[tuple[int, int, frozenset[str]]] = []
    counters: list[tuple[int, int, frozenset[str]]] = []
    for s, e, payload in r.cues.find(low):
        for cue in payload:
            k = cue.kind
            if k == "before" or k == "after":
                if not any(hs <= s and e <= he for hs, he, _ in hits):
                    (before if k == "before" else after).append((s, e, cue.value))
            elif k == "break":
                breaks.append(s)
            elif k == "explain":
                explains.append((s, e, cue.value))
            elif k == "counter":
                counters.append((s, e, cue.value))
    if before or after:  # scopes matter only when something may negate
        breaks.extend(m.start() for m in _PUNCT.finditer(low))
    scope = (before, after, breaks)
    return before, after, breaks, (_explained(text, low, explains, counters, scope) if explains else {})


def _explained(text: str, low: str, explains: list, counters: list, scope: tuple) -> dict[str, str]:
    """Indicator -> the words that explain it: explanations not negated, less indicators a counter-explanation
    (not negated) contradicts."""
    countered: set[str] = set()
    for s, e, applies in counters:
        if not _negated(low, s, e, *scope, 0):
            countered.update(applies)
    explained: dict[str, str] = {}
    for s, e, applies in explains:
        if not _negated(low, s, e, *scope, 0):
            words = _evidence(text[s:e])
            for code in applies:
                if code not in countered and code not in explained:
                    explained[code] = words
    return explained


def read_event(kind: str, type_text: str, description: str, *, rules: PhraseRules | None = None) -> list[Finding]:
    """The safeguarding indicators of one event (see the module docstring for inputs, outputs and scope rules)."""
    r = rules if rules is not None else (_DEFAULT[0] if _DEFAULT else default_rules())
    type_text = type_text or ""
    description = description or ""
    if type_text:
        text = type_text + " ;\n" + description  # no phrase, separator or gap crosses ";"
        split = len(type_text)
    else:
        text = description
        split = -1
    if not text.isascii():
        text = text.translate(_NORMALISE)
    low = _lower(text)
    hits = _hits(r, text, low)
    kind_codes = r.kind_indicators.get(kind, ())
    if not hits and not kind_codes:
        return []
    before, after, breaks, explained = _explanations(r, text, low, hits)
    if before or after:
        hits = [hit for hit in hits if not _negated(low, hit[0], hit[1], before, after, breaks)]

    # type text first, then the kind's defaults, then the description; one finding per indicator
    findings: dict[str, Finding] = {}
    if split > 0:
        _add_hits(findings, [hit for hit in hits if hit[0] < split], text, "event_type", explained)
    if kind_codes:
        read = {code for _s, _e, codes in hits for code in codes}
        for code in kind_codes:
            if code not in findings and not (KIND_REFINED_BY.get(code, _NONE) & read):
                findings[code] = _finding(code, _evidence(text[:split]) if split > 0 else kind, "event_type", explained)
    _add_hits(findings, [hit for hit in hits if hit[0] > split] if split > 0 else hits, text, "description", explained)
    return list(findings.values())


#: What ``reading`` records for an event the reader read as nothing at all (``read_as_ordinary`` False): not an
#: indicator (not in ``INDICATORS``: no phrase file or rule can name it, no rule counts it); the flag names such
#: events of the child's own in its period as "not read as a concern - read the record" (ADR 0021).
NOT_READ = "not_read"


def read_as_ordinary(type_text: str, description: str, *, rules: PhraseRules | None = None) -> bool:
    """Whether the reader positively recognised an event that gave no finding (``read_event`` returned nothing) as
    ordinary: its words hold an ``ignore`` phrase ("no concerns", "DNA sample"), an indicator's words it read and
    negated ("no injuries seen", "NAI ruled out"), or an explanation ("cancelled by the clinic and rebooked",
    "authorised absence for a funeral"). False: nothing in the text was recognised either way, the case of an
    unseen author's own words (ADR 0021), which a flag names so that a person reads the record. Pure; the same
    text handling as ``read_event``. Call it only for an event ``read_event`` gave nothing: for one it gave
    findings the answer means nothing."""
    r = rules if rules is not None else (_DEFAULT[0] if _DEFAULT else default_rules())
    type_text = type_text or ""
    description = description or ""
    text = type_text + " ;\n" + description if type_text else description
    if not text.strip():
        return False
    if not text.isascii():
        text = text.translate(_NORMALISE)
    low = _lower(text)
    if r.main.find(low):
        return True  # an ignore phrase, or an indicator's words read and negated
    if not r.acronyms.empty and r.acronyms.find(text):
        return True
    return any(cue.kind == "explain" for _s, _e, payload in r.cues.find(low) for cue in payload)


_NONE: frozenset[str] = frozenset()
_FINDINGS: dict[tuple, Finding] = {}


def _finding(code: str, evidence: str, source: str, explained: dict[str, str]) -> Finding:
    """A Finding (immutable, so one object serves every reading with the same values)."""
    why = explained.get(code, "")
    key = (code, evidence, source, why)
    found = _FINDINGS.get(key)
    if found is None:
        if len(_FINDINGS) >= 100_000:
            _FINDINGS.clear()
        found = _FINDINGS[key] = Finding(code, evidence, source, bool(why), why)
    return found


def _add_hits(findings: dict[str, Finding], hits, text: str, source: str, explained: dict[str, str]) -> None:
    for s, e, codes in hits:
        for code in codes:
            if code not in findings:
                findings[code] = _finding(code, _evidence(text[s:e]), source, explained)
