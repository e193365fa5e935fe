from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "openmash.patterns"
    label = "patterns"
    verbose_name = "Patterns and flags"
