import datetime as dt

from conftest import contact_payload


def test_whole_flow_through_api(make_actor, api):
    referrer = make_actor("referrer", "police")
    screener = make_actor("screener", "mash")
    manager = make_actor("manager", "mash")
    health = make_actor("researcher", "health-gp")
    school = make_actor("researcher", "school-oak")

    r = api(referrer).post("/contacts", contact_payload(), headers={"Idempotency-Key": "k1"})
    assert r.status_code == 201, r.content
    contact_id = r.json()["id"]
    assert r.json()["status"] == "received"

    q = api(screener).get("/screening-queue")
    assert [c["id"] for c in q.json()] == [contact_id]

    r = api(screener).post(
        f"/contacts/{contact_id}/screening",
        {"outcome": "mash_enquiry", "rag": "amber", "rationale": "Bruising; needs checks"},
    )
    assert r.status_code == 201, r.content
    enquiry_id = r.json()["enquiry_id"]

    r = api(screener).post(
        f"/enquiries/{enquiry_id}/agency-requests",
        {"agency_codes": ["health-gp", "school-oak"], "question": "What do you know?"},
    )
    assert r.status_code == 201, r.content
    inbox = api(health).get("/agency-requests").json()
    assert len(inbox) == 1
    r = api(health).post(
        f"/agency-requests/{inbox[0]['id']}/response", {"summary": "Seen in A&E twice", "risk_indicators": ["injury"]}
    )
    assert r.status_code == 201, r.content
    req = api(school).get("/agency-requests").json()[0]
    assert api(school).post(f"/agency-requests/{req['id']}/response", {"no_information": True}).status_code == 201

    r = api(manager).post(
        f"/enquiries/{enquiry_id}/decision",
        {"outcomes": ["assessment_s17"], "threshold_level": 3, "rationale": "Needs assessment"},
    )
    assert r.status_code == 201, r.content
    r = api(referrer).get(f"/contacts/{contact_id}")
    assert r.json()["status"] == "decided"
    assert r.json()["decision_outcomes"] == ["assessment_s17"]
    person_id = next(p["person_id"] for p in r.json()["people"] if p["role"] == "subject")
    chron = api(manager).get(f"/people/{person_id}/chronology").json()
    kinds = [e["kind"] for e in chron["entries"]]
    assert {"contact", "screening", "agency_response", "decision", "referral"} <= set(kinds)
    assert dt.date.fromisoformat("2018-04-02") == dt.date.fromisoformat(chron["person"]["date_of_birth"])
