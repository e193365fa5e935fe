from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "openmash.people"
    label = "people"

    def ready(self) -> None:
        from openmash.people.search_index import connect_signals

        connect_signals()  # the search index follows every single save of a name (search_index module docstring)
