from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "openmash.casework"
    label = "casework"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from openmash.casework.models import CaseNote
        from openmash.casework.services import case_note_chronology_follow

        # a case note's chronology entries carry its sensitivity, and follow it if it changes (issue 7)
        post_save.connect(case_note_chronology_follow, sender=CaseNote, dispatch_uid="case_note_chronology_follow")
