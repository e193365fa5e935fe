from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "openmash.feeds"
    label = "feeds"
    verbose_name = "Agency data feeds"
