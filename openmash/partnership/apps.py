from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "openmash.partnership"
    label = "partnership"
