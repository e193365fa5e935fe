from openmash.access.policy import require_role
from openmash.audit.models import AuditEvent


def audit_event_list(*, actor, object_type: str = "", object_id: str = "", limit: int = 200):
    require_role(actor, "auditor", "partnership_admin")
    qs = AuditEvent.objects.all().order_by("-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return list(qs[:limit])
