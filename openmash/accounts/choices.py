from django.db import models


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING = "housing", "Housing"
    ADULT_SOCIAL_CARE = "asc", "Adult social care"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    EARLY_HELP = "early_help", "Early help"


class HealthService(models.TextChoices):
    GP = "gp", "GP"
    ACUTE = "acute", "Acute / A&E"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    MIDWIFERY = "midwifery", "Midwifery"
    CAMHS = "camhs", "CAMHS"


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    RESEARCHER = "researcher", "Agency researcher"
    SCREENER = "screener", "MASH screener"
    MANAGER = "manager", "MASH manager"
    SOCIAL_WORKER = "social_worker", "Allocated social worker"
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"
    AUDITOR = "auditor", "Auditor"
    # The NHS SCR "Privacy Officer" (Caldicott guardian's review): reviews break-glass alerts, who has seen a child's
    # record, views without an involvement, subject access exports. Partnership-wide, held alone, never a case role.
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"


HUB_ROLES = frozenset({Role.SCREENER, Role.MANAGER})
