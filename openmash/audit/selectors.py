from openmash.access.policy import require
from openmash.audit.models import AuditEvent


def audit_event_list(*, actor, object_type: str = "", object_id: str = "", username: str = "", limit: int = 200):
    require(actor, "audit.view")
    qs = AuditEvent.objects.all().order_by("-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if username:
        qs = qs.filter(actor_username=username)
    return list(qs[:limit])
