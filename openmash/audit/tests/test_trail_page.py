from openmash.audit.models import AuditEvent


def test_auditor_sees_trail_and_the_viewing_is_audited(client, make_actor, new_contact):
    contact = new_contact()
    auditor = make_actor("auditor", "mash")
    client.force_login(auditor.user)
    r = client.get("/audit/", {"object_id": str(contact.pk)})
    assert r.status_code == 200
    body = r.content.decode()
    assert str(contact.pk) in body and "create" in body
    assert AuditEvent.objects.filter(actor_user_id=auditor.user.pk, object_type="audit.auditevent").exists()


def test_case_workers_cannot_read_the_trail(client, make_actor, partnership):
    for role, agency in [("screener", "mash"), ("referrer", "police"), ("researcher", "health-gp")]:
        client.force_login(make_actor(role, agency).user)
        assert client.get("/audit/").status_code == 403
