"""Page views, one module per part of the front-door workflow."""

from openmash.web.views.agency_requests import request_detail, request_inbox
from openmash.web.views.assignment import contact_assignment, contact_take, enquiry_assignment, enquiry_take, workload
from openmash.web.views.chronology import (
    family_network,
    household_chronology,
    household_chronology_pdf,
    person_chronology,
    person_chronology_pdf,
)
from openmash.web.views.contacts import (
    contact_amend,
    contact_check,
    contact_detail,
    contact_new,
    contact_person_change,
    encompass_notice,
    encompass_notice_acknowledge,
    encompass_notices,
)
from openmash.web.views.early_help import early_help_detail, early_help_inbox
from openmash.web.views.enquiries import enquiry_decide, enquiry_detail, enquiry_list, enquiry_requests, enquiry_rerate
from openmash.web.views.home import (
    LoginView,
    home,
    logout_view,
    notifications,
    notifications_read_all,
    session_keep_alive,
    session_timeout,
    switch_role,
)
from openmash.web.views.people import (
    person_detail,
    person_record_csv,
    person_record_pdf,
    person_search,
    person_statuses,
)
from openmash.web.views.screening import contact_screen, screening_queue

__all__ = [
    "person_chronology",
    "family_network",
    "person_chronology_pdf",
    "person_record_csv",
    "person_record_pdf",
    "person_statuses",
    "household_chronology",
    "household_chronology_pdf",
    "contact_take",
    "contact_assignment",
    "enquiry_take",
    "enquiry_assignment",
    "workload",
    "LoginView",
    "logout_view",
    "session_keep_alive",
    "session_timeout",
    "home",
    "notifications",
    "notifications_read_all",
    "switch_role",
    "contact_new",
    "contact_check",
    "contact_amend",
    "contact_person_change",
    "encompass_notices",
    "encompass_notice",
    "encompass_notice_acknowledge",
    "contact_detail",
    "screening_queue",
    "contact_screen",
    "enquiry_list",
    "enquiry_detail",
    "enquiry_rerate",
    "enquiry_requests",
    "enquiry_decide",
    "request_inbox",
    "request_detail",
    "early_help_inbox",
    "early_help_detail",
    "person_search",
    "person_detail",
]
