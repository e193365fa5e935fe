from django.db import models


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    UNBORN = "unborn", "Unborn child"
    ADULT = "adult", "Adult"


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known / not recorded"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class AddressStatus(models.TextChoices):
    """Whether the address is known. No fixed abode and not known are states, never text in the postcode."""

    KNOWN = "known", "Known"
    NO_FIXED_ABODE = "no_fixed_abode", "No fixed abode"
    NOT_KNOWN = "not_known", "Not known"


class IdentifierType(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique Pupil Number"
    PNC_ID = "pnc_id", "PNC ID"
    LOCAL_ID = "local_id", "Local ID"


class RelationshipType(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    PARENT_CARER = "parent_carer", "Parent or carer"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    STEP_SIBLING = "step_sibling", "Step-sibling"
    PARTNER = "partner", "Partner"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"


class ChildStatusKind(models.TextChoices):
    """What children's social care holds about a child that makes them "flagged" for access notifications (issue 7,
    CP-IS: child protection plan, looked after; DfE Children in Need census: child in need plan)."""

    CHILD_PROTECTION_PLAN = "cp_plan", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
