from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """The Django adapter of person matching (issue 6, ADR 0005): intake candidates, the review queue of proposed
    links and its API. The links themselves are written by ``openmash.people.linking``; scoring is ``linkage``."""

    name = "openmash.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"
