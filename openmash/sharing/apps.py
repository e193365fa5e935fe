from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "openmash.sharing"
    label = "sharing"
    verbose_name = "Sharing: the secure room"
