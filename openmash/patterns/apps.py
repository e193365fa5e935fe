from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "openmash.patterns"
    label = "patterns"
    verbose_name = "Patterns and flags"

    def ready(self) -> None:
        from django.conf import settings

        from openmash.patterns.indicators import compiled_cache_set

        compiled_cache_set(getattr(settings, "OPENMASH_PHRASE_CACHE_DIR", None))
