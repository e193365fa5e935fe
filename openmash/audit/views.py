"""The auditor's view of the audit trail (itself audited)."""

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_safe

from openmash.audit.selectors import audit_event_list
from openmash.audit.services import audit_record
from openmash.core.views import actor_required


@require_safe
@actor_required
@transaction.atomic
def audit_trail(request):
    object_id = request.GET.get("object_id", "").strip()[:64]
    username = request.GET.get("user", "").strip()[:150]
    events = audit_event_list(actor=request.actor, object_id=object_id, username=username)
    audit_record(
        actor=request.actor,
        action="view",
        object_type="audit.auditevent",
        detail={"filtered": bool(object_id or username), "rows": len(events)},
    )
    return render(
        request,
        "audit/trail.html",
        {"events": events, "object_id": object_id, "username": username, "nav_active": "audit"},
    )
