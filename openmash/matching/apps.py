from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """The Django adapter of person matching (issue 6, ADR 0005): intake candidates, the review queue of proposed
    links and its API. The links themselves are written by ``openmash.people.linking``; scoring is ``linkage``."""

    name = "openmash.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Add the partnership's own short forms of given names (``OPENMASH_NICKNAMES_EXTRA``, a YAML file) to the
        supplement of the nicknames list that search and matching read (``linkage.names.nicknames_extend_file``).
        Raises ImproperlyConfigured when the file is named but cannot be read or is not such a table."""
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from linkage.names import nicknames_extend_file

        path = getattr(settings, "OPENMASH_NICKNAMES_EXTRA", None)
        if not path:
            return
        try:
            nicknames_extend_file(path)
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"OPENMASH_NICKNAMES_EXTRA: {exc}") from None
