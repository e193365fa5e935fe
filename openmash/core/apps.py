from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openmash.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from openmash.core.dbfiles import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="openmash_sqlite_owner_only")

        from django.contrib.auth.signals import user_logged_in

        from openmash.core.sessions import session_stamp

        user_logged_in.connect(session_stamp, dispatch_uid="openmash_session_signed_in_at")
