from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openmash.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from openmash.core.dbfiles import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="openmash_sqlite_owner_only")
