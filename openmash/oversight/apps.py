from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "openmash.oversight"
    label = "oversight"
    verbose_name = "Oversight of who looked (break-glass, access notices, privacy officer)"
