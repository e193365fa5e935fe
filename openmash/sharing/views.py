"""The secure room's pages (issue 7): add an item to your agency's answer; "Can I share this?" (one question per
page, GOV.UK question pages with back links and the error summary) ending in the recorded sharing decision; release
an item out of the hub (or refuse); ask for an item's release (the hub, the allocated worker); the agency's release
requests. Writes through sharing.services, reads through sharing.selectors, visibility from openmash.access."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.access.policy import require
from openmash.access.sharing import is_police_agency, item_decide_allowed, item_release_allowed
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.sharing import selectors, services
from openmash.sharing.choices import SPECIAL_CATEGORIES, ItemSensitivity
from openmash.sharing.forms import (
    BasisForm,
    ConsentForm,
    ItemForm,
    NecessaryForm,
    PartForm,
    PurposeForm,
    RefuseForm,
    ReleaseForm,
    UrgentForm,
)
from openmash.web.forms import apply_service_errors


def _request_page(item) -> str:
    return reverse("web:request_detail", kwargs={"request_id": item.request_id})


@require_http_methods(["GET", "POST"])
@actor_required
def item_new(request, request_id):
    """Add an item to your agency's answer (a draft only your agency sees), then decide with "Can I share this?"."""
    actor = request.actor
    require(actor, "request.respond")  # the action first: the hub sees requests but never answers them
    agency_request = enquiry_selectors.agency_request_get(actor=actor, request_id=request_id)
    if agency_request.agency_id != actor.agency_id:
        raise PermissionDenied("Only the agency asked can add to its answer.")
    form = ItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_add(actor=actor, request_id=agency_request.pk, item=form.item_data())
        except ValidationFailed as exc:
            apply_service_errors(form, exc, key_to_field=form.field_for_service_key)
        else:
            return redirect("sharing:helper", item_id=item.pk, step="purpose")
    ctx = {"r": agency_request, "form": form, "nav_active": "requests"}
    return render(request, "sharing/item_new.html", ctx)


# --- "Can I share this?" ---------------------------------------------------------------------------------------------

STEPS = ("purpose", "urgent", "necessary", "part", "consent", "basis", "refuse", "check")
_FORMS = {
    "purpose": PurposeForm,
    "urgent": UrgentForm,
    "necessary": NecessaryForm,
    "part": PartForm,
    "consent": ConsentForm,
    "basis": BasisForm,
    "refuse": RefuseForm,
}


def _answers_key(item_id) -> str:
    return f"share-helper:{item_id}"


def _path(answers: dict) -> list[str]:
    """The questions asked, in order, for the answers so far (each step's next depends on the answers)."""
    path = ["purpose"]
    if answers.get("purpose") in (None, ""):
        return path
    if answers["purpose"] == "none":
        return [*path, "check"]
    path.append("urgent")
    if not answers.get("urgent"):
        return path
    path.append("necessary")
    necessary = answers.get("necessary")
    if not necessary:
        return path
    if necessary == "none":
        return [*path, "refuse", "check"] if answers.get("refusal_reason") else [*path, "refuse"]
    if necessary == "part":
        path.append("part")
        if not answers.get("part_text"):
            return path
    path.append("consent")
    consent = answers.get("consent")
    if not consent:
        return path
    if answers.get("consent_override_reason") == "none":
        return [*path, "check"]
    path.append("basis")
    if not answers.get("lawful_basis"):
        return path
    return [*path, "check"]


def _decision(answers: dict) -> dict:
    """The helper's answers as the service's decision fields (sharing.services.decision_check)."""
    urgent = answers.get("urgent") == "yes"
    if answers.get("purpose") == "none":
        return {"outcome": "do_not_share", "refusal_reason": "no_safeguarding_purpose", "urgent": urgent}
    if answers.get("necessary") == "none":
        return {"outcome": "do_not_share", "refusal_reason": answers.get("refusal_reason", ""), "urgent": urgent}
    if answers.get("consent_override_reason") == "none":
        return {"outcome": "do_not_share", "refusal_reason": "consent_refused", "urgent": urgent}
    keys = (
        "purpose",
        "lawful_basis",
        "special_condition",
        "part3_condition",
        "consent",
        "consent_not_sought_reason",
        "consent_override_reason",
        "necessity_note",
        "note_sensitivity",
        "part_text",
    )
    out = {k: answers.get(k, "") for k in keys}
    if out["consent"] != "not_sought":
        out["consent_not_sought_reason"] = ""
    if out["consent"] != "refused":
        out["consent_override_reason"] = ""
    out["outcome"] = "share_part" if answers.get("necessary") == "part" else "share"
    out["urgent"] = urgent
    return out


def _form_kwargs(step: str, item, answers: dict) -> dict:
    if step == "necessary":
        return {"urgent": answers.get("urgent") == "yes"}
    if step == "basis":
        police = is_police_agency(item.agency)
        special = item.sensitivity == ItemSensitivity.SENSITIVE and item.category in SPECIAL_CATEGORIES
        return {"special": special, "police": police}
    return {}


@require_http_methods(["GET", "POST"])
@actor_required
def helper(request, item_id, step):
    """One question of "Can I share this?" for a draft item of the actor's agency. Answers are kept in the session
    (never in the URL) until the decision is recorded on the last page (check your answers), which calls
    sharing.services.item_decide (via "helper"). A step not reached yet sends the user to the first unanswered one."""
    actor = request.actor
    item = selectors.item_for_owner(actor=actor, item_id=item_id)
    if not item_decide_allowed(actor, item):
        messages.info(request, "The sharing decision on this item has already been recorded.")
        return redirect(_request_page(item))
    key = _answers_key(item.pk)
    answers = dict(request.session.get(key) or {})
    path = _path(answers)
    if step not in STEPS or step not in path:
        return redirect("sharing:helper", item_id=item.pk, step=path[-1])
    back = (
        reverse("sharing:helper", kwargs={"item_id": item.pk, "step": path[path.index(step) - 1]})
        if path.index(step)
        else reverse("web:request_detail", kwargs={"request_id": item.request_id})
    )
    shown = selectors.item_shown_for_owner(actor, item)
    if step == "check":
        return _check(request, item, answers, back, shown)
    form_class = _FORMS[step]
    initial = {k: answers.get(k) for k in form_class.base_fields}
    kwargs = _form_kwargs(step, item, answers)
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            answers = {k: v for k, v in answers.items() if k not in _later_keys(step)}
            answers.update({k: v for k, v in form.cleaned_data.items() if v not in (None,)})
            request.session[key] = answers
            nxt = _path(answers)
            return redirect("sharing:helper", item_id=item.pk, step=nxt[-1] if nxt[-1] != step else "check")
    else:
        form = form_class(initial=initial, **kwargs)
    ctx = {
        "item": item,
        "shown": shown,
        "form": form,
        "step": step,
        "back": back,
        "nav_active": "requests",
        "template": f"sharing/helper/{step}.html",
    }
    return render(request, "sharing/helper/question.html", ctx)


def _later_keys(step: str) -> set[str]:
    """Answers to forget when an earlier question is answered again (the path may change)."""
    order = ["purpose", "urgent", "necessary", "part", "consent", "basis", "refuse"]
    fields = {
        "purpose": {"purpose"},
        "urgent": {"urgent"},
        "necessary": {"necessary", "necessity_note", "note_sensitivity"},
        "part": {"part_text"},
        "consent": {"consent", "consent_not_sought_reason", "consent_override_reason"},
        "basis": {"lawful_basis", "special_condition", "part3_condition"},
        "refuse": {"refusal_reason"},
    }
    later = order[order.index(step) + 1 :] if step in order else []
    out: set[str] = set()
    for s in later:
        out |= fields[s]
    return out


def _check(request, item, answers: dict, back: str, shown: dict):
    decision = _decision(answers)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            services.item_decide(actor=request.actor, item_id=item.pk, decision=decision, via="helper")
        except ValidationFailed as exc:
            errors = [{"text": m, "href": ""} for msgs in exc.errors.values() for m in msgs] or [
                {"text": exc.message, "href": ""}
            ]
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect(_request_page(item))
        else:
            request.session.pop(_answers_key(item.pk), None)
            shared = decision["outcome"] != "do_not_share"
            messages.success(
                request,
                f"Item {item.position} shared with the MASH. It stays in the MASH until you release it."
                if shared
                else f"Item {item.position} not shared. The MASH is told your agency declined to share one item, "
                "and why.",
            )
            return redirect(_request_page(item))
    ctx = {
        "item": item,
        "shown": shown,
        "answers": answers,
        "decision": decision,
        "back": back,
        "errors": errors,
        "nav_active": "requests",
        "change": {s: reverse("sharing:helper", kwargs={"item_id": item.pk, "step": s}) for s in _FORMS},
    }
    return render(request, "sharing/helper/check.html", ctx)


# --- releasing an item out of the hub --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def item_release(request, item_id):
    """The owning agency releases an item out of the hub, or refuses to, with its recorded decision."""
    actor = request.actor
    item = selectors.item_for_owner(actor=actor, item_id=item_id)
    if not item_release_allowed(actor, item):
        messages.info(request, "Only an item shared with the MASH and not yet released can be released.")
        return redirect(_request_page(item))
    police = is_police_agency(item.agency)
    special = item.sensitivity == ItemSensitivity.SENSITIVE and item.category in SPECIAL_CATEGORIES
    form = ReleaseForm(request.POST if request.method == "POST" else None, special=special, police=police)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.item_release(actor=actor, item_id=item.pk, decision=form.decision(), via="form")
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect(_request_page(item))
        else:
            released = form.cleaned_data.get("outcome") == "share"
            messages.success(
                request,
                f"Item {item.position} released: the allocated worker's MASH pack now shows it."
                if released
                else f"Item {item.position} kept in the MASH. Your decision is recorded.",
            )
            if decision.agreement_check == "outside":
                messages.warning(
                    request,
                    "No active information-sharing agreement covers this release. It is recorded and flagged for "
                    "the privacy officer.",
                )
            return redirect(_request_page(item))
    ctx = {
        "item": item,
        "shown": selectors.item_shown_for_owner(actor, item),
        "form": form,
        "back": _request_page(item),
        "nav_active": "requests",
    }
    return render(request, "sharing/release.html", ctx)


_BACK_PREFIXES = ("/enquiries/", "/packs/")


@require_POST
@actor_required
def release_request(request, item_id):
    """Ask the owning agency to release an item (the hub from the enquiry, the allocated worker from the MASH pack).
    Back to the page it came from (`back`: an enquiry or pack path only)."""
    services.release_request_create(actor=request.actor, item_id=item_id)
    messages.success(request, "Release asked. The agency sees your request in its inbox.")
    back = request.POST.get("back") or ""
    if not back.startswith(_BACK_PREFIXES) or "//" in back:
        back = "/"
    return redirect(back)


@require_POST
@actor_required
def pack_release_requests(request, contact_id):
    """At allocation: ask one agency (POST `agency`: its code) to release every item of its that the MASH pack
    withholds (services.pack_release_requests_create; one notification to the agency, the reference only). Back to
    the allocation page, saying what was asked or why nothing was."""
    try:
        asked = services.pack_release_requests_create(
            actor=request.actor, contact_id=contact_id, agency_code=request.POST.get("agency", "")
        )
    except (Conflict, ValidationFailed) as exc:
        messages.info(request, exc.message)
    else:
        name = asked[0].item.agency.name
        n = len(asked)
        messages.success(
            request,
            f"{name} has been asked to release {n} item{'s' if n != 1 else ''}. They see the request in their inbox; "
            "the pack shows the items once they are released.",
        )
    return redirect("casework:allocate", contact_id=contact_id)


@require_safe
@actor_required
def release_requests(request):
    """The release requests on the actor's agency's items, 25 a page with the true total and GOV.UK pagination:
    the open ones oldest first, then the answered newest first (selectors.RELEASE_ORDER)."""
    from openmash.web.paging import pagination

    page = selectors.release_requests_page(actor=request.actor, page=request.GET.get("page"), clamp=True)
    ctx = {
        "rows": page.items,
        "page": page,
        "pagination": pagination(request, page, label="Pages of release requests"),
        "nav_active": "requests",
    }
    return render(request, "sharing/release_requests.html", ctx)


@require_safe
@actor_required
def pack_answers_pdf(request, contact_id):
    """The MASH pack's agency answers as a PDF: the same items as the pack page for the same reader (the hub, or the
    allocated worker while the allocation is open; 404 for anyone else). Audited: the pack read and an "export"."""
    from django.http import HttpResponse

    from openmash.audit.services import audit_record
    from openmash.casework.selectors import mash_pack_get
    from openmash.sharing.pdf import pack_answers_pdf as render

    pack = mash_pack_get(actor=request.actor, contact_id=contact_id)
    body = render(actor=request.actor, pack=pack)
    audit_record(actor=request.actor, action="export", obj=pack.contact, reason="mash pack answers pdf")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="mash-pack-answers.pdf"'
    response["Cache-Control"] = "no-store"
    return response
