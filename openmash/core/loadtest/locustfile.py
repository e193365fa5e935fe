"""The simulated MASH week for `openmash bench load` (run by locust, headless, against `openmash serve`).

Reads the plan written by the bench (OPENMASH_LOAD_PLAN: demo users' password, authenticator keys and API tokens,
people to search for). Four kinds of user, in the mix a hub sees: screeners and managers (signed in to the web pages, writing through
the API), agency researchers answering information requests, and referrers recording contacts. A 409 (someone else
screened or answered first) is the product working as designed: counted by the bench as a conflict, not an error.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

import requests
from gevent.lock import Semaphore
from locust import HttpUser, between, task

from openmash.core.loadtest.payload import answer_candidates, candidate_questions, contact_payload

PLAN = json.loads(open(os.environ["OPENMASH_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SIGNED_IN: dict[str, dict] = {}  # demo account -> its one signed-in session's cookies (see _MashUser.sign_in)
_SIGN_IN_LOCK = Semaphore()


def _totp(hex_key: str, steps_ahead: int = 0) -> str:
    """The 6-digit code an authenticator app shows for this key now (or `steps_ahead` 30-second steps later)."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(hex_key), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return str(totp.token()).zfill(6)


class _MashUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    account_kind = ""  # which of the plan's demo accounts this simulated user signs in as

    def on_start(self):
        self.rng = random.Random()
        account = self.rng.choice(PLAN["users"][self.account_kind])
        self.username, self.token = account["username"], account["token"]
        self.api = {"Authorization": f"Bearer {self.token}"}

    def sign_in(self):
        """Through the sign-in page and the second factor, outside the measured requests: a sign-in is a
        deliberately slow Argon2 check done once a session, not part of the working traffic the targets are about.
        A code from an authenticator app is accepted once per 30-second step (ADR 0011), so each demo account signs
        in once and the simulated users acting as it share that session. A failed sign-in still fails the run
        (every page after it would be the sign-in page, which is reported as an error below)."""
        with _SIGN_IN_LOCK:
            cookies = _SIGNED_IN.get(self.username)
            if cookies is None:
                cookies = _SIGNED_IN[self.username] = self._sign_in_once()
        self.client.cookies.update(cookies)

    def _sign_in_once(self) -> dict:
        """The password, then the code the account's app shows (from the plan's key); the session's cookies."""
        with requests.Session() as s:
            page = s.get(self.host + "/login/", timeout=60)
            match = CSRF_RE.search(page.text or "")
            done = s.post(
                self.host + "/login/",
                {
                    "username": self.username,
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": match.group(1) if match else "",
                },
                headers={"Referer": self.host + "/login/"},
                timeout=60,
            )
            if done.url.rstrip("/").endswith("/login"):
                raise RuntimeError(f"sign-in failed for {self.username}")
            for step_ahead in (0, 1):  # this step's code, or the next one's if this one was used
                if "/account/verify/" not in done.url:
                    break
                match = CSRF_RE.search(done.text or "")
                done = s.post(
                    self.host + "/account/verify/",
                    {
                        "code": _totp(PLAN["totp_keys"][self.username], step_ahead),
                        "next": "/",
                        "csrfmiddlewaretoken": match.group(1) if match else "",
                    },
                    headers={"Referer": done.url},
                    timeout=60,
                )
            if "/account/" in done.url:
                raise RuntimeError(f"second factor refused for {self.username}")
            return requests.utils.dict_from_cookiejar(s.cookies)

    def page(self, path, label):
        """A web page; landing on the sign-in page instead (session lost) is an error."""
        with self.client.get(path, name=label, catch_response=True) as r:
            if r.status_code != 200 or "/login/" in r.url:
                r.failure(f"{r.status_code} {r.error!r}" if r.status_code == 0 else f"{r.status_code} at {r.url}")

    def api_get(self, path, label, params=None):
        with self.client.get("/api/v1" + path, params=params, headers=self.api, name=label, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.error!r}" if r.status_code == 0 else f"{r.status_code}")
                return None
            body = r.json()
            # API lists answer one page {"count", ..., "items"}: the simulated users work on the page's items
            return body["items"] if isinstance(body, dict) and isinstance(body.get("items"), list) else body

    def api_post(self, path, body, name, *, asked_ok=False):
        with self.client.post("/api/v1" + path, json=body, headers=self.api, name=name, catch_response=True) as r:
            if asked_ok and r.status_code == 422 and candidate_questions(r.json().get("errors")):
                r.success()  # "is it them?": a question the referrer answers (record_contact), not a fault
                r.request_meta["name"] = f"{name} [422 is it them?]"
            elif r.status_code == 409:
                r.success()  # someone else got there first: the product's answer, not a fault
                r.request_meta["name"] = f"{name} [409 conflict]"
            elif r.status_code not in (200, 201):
                r.failure(f"{r.status_code} {r.error!r}" if r.status_code == 0 else f"{r.status_code} {r.text[:200]}")
            return r

    def search(self):
        # the terms in the body, never in the URL (issue 7: GET /api/v1/people refuses them)
        person = self.rng.choice(PLAN["people"])
        body = {"name": person["name"], "date_of_birth": person["date_of_birth"]}
        self.api_post("/people/search", body, "POST /api/v1/people/search (search)")


class Screener(_MashUser):
    weight = 4
    account_kind = "screener"

    def on_start(self):
        super().on_start()
        self.sign_in()

    @task(4)
    def queue_page(self):
        self.page("/screening/", "GET /screening/")

    @task(2)
    def home(self):
        self.page("/", "GET / (home)")

    @task(3)
    def search_person(self):
        self.search()

    @task(2)
    def screen(self):
        queue = self.api_get("/screening-queue", "GET /api/v1/screening-queue") or []
        if not queue:
            return
        contact = self.rng.choice(queue[:10])
        self.page(f"/contacts/{contact['id']}/", "GET /contacts/[id]/")
        self.api_post(
            f"/contacts/{contact['id']}/screening",
            {
                "outcome": "mash_enquiry",
                "rag": self.rng.choice(["amber", "green"]),
                "rationale": "Needs partner checks.",
            },
            "POST /api/v1/contacts/[id]/screening",
        )


class Manager(_MashUser):
    weight = 1
    account_kind = "manager"

    def on_start(self):
        super().on_start()
        self.sign_in()

    @task(3)
    def enquiry(self):
        enquiries = self.api_get("/enquiries", "GET /api/v1/enquiries", {"status": "open"}) or []
        if not enquiries:
            return
        chosen = self.rng.choice(enquiries[:20])
        self.page(f"/enquiries/{chosen['id']}/", "GET /enquiries/[id]/")
        if chosen.get("requests_total") == 0:
            self.api_post(
                f"/enquiries/{chosen['id']}/agency-requests",
                {"agency_codes": PLAN["request_agencies"], "question": ""},
                "POST /api/v1/enquiries/[id]/agency-requests",
            )

    @task(2)
    def enquiry_list_page(self):
        self.page("/enquiries/", "GET /enquiries/")

    @task(1)
    def search_person(self):
        self.search()


class Researcher(_MashUser):
    weight = 2
    account_kind = "researcher"

    @task(3)
    def inbox(self):
        self.api_get("/agency-requests", "GET /api/v1/agency-requests", {"status": "open"})

    @task(2)
    def answer(self):
        inbox = self.api_get("/agency-requests", "GET /api/v1/agency-requests", {"status": "open"}) or []
        if not inbox:
            return
        item = self.rng.choice(inbox[:10])
        self.api_post(
            f"/agency-requests/{item['id']}/response",
            {
                "no_information": False,
                "summary": "Known to us: one attendance last year, no concerns noted.",
                "risk_indicators": [],
                "relevant_dates": "",
                "sensitivity": "standard",
            },
            "POST /api/v1/agency-requests/[id]/response",
        )


class Referrer(_MashUser):
    weight = 3
    account_kind = "referrer"

    def on_start(self):
        super().on_start()
        self.mine: list[str] = []

    @task(2)
    def record_contact(self):
        body = contact_payload(self.rng)
        r = self.api_post("/contacts", body, "POST /api/v1/contacts", asked_ok=True)
        if r.status_code == 422 and answer_candidates(body, r.json()["errors"], self.candidate_ids):
            r = self.api_post("/contacts", body, "POST /api/v1/contacts [answered]")
        if r.status_code == 201:
            self.mine.append(r.json()["id"])

    def candidate_ids(self, query) -> list[str]:
        """As a referrer asked "is it them?": look at who may be the person (POST /api/v1/intake/candidates)."""
        found = self.api_post("/intake/candidates", query, "POST /api/v1/intake/candidates")
        return [c["id"] for c in found.json().get("items", [])] if found.status_code == 200 else []

    @task(2)
    def read_own_contact(self):
        if self.mine:
            self.api_get(f"/contacts/{self.rng.choice(self.mine)}", "GET /api/v1/contacts/[id]")

    @task(1)
    def search_person(self):
        self.search()
