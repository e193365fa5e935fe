from django.urls import path

from openmash.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("session/timeout/", views.session_timeout, name="session_timeout"),
    path("switch-role/", views.switch_role, name="switch_role"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/new/check/", views.contact_check, name="contact_check"),
    path("contacts/<uuid:contact_id>/amend/", views.contact_amend, name="contact_amend"),
    path(
        "contacts/<uuid:contact_id>/named/<uuid:link_id>/change/",
        views.contact_person_change,
        name="contact_person_change",
    ),
    path("school-notices/", views.encompass_notices, name="encompass_notices"),
    path("school-notices/<uuid:notice_id>/", views.encompass_notice, name="encompass_notice"),
    path(
        "school-notices/<uuid:notice_id>/acknowledge/",
        views.encompass_notice_acknowledge,
        name="encompass_notice_acknowledge",
    ),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<uuid:contact_id>/screen/", views.contact_screen, name="contact_screen"),
    path("contacts/<uuid:contact_id>/take/", views.contact_take, name="contact_take"),
    path("contacts/<uuid:contact_id>/assignment/", views.contact_assignment, name="contact_assignment"),
    path("screening/", views.screening_queue, name="screening_queue"),
    path("workload/", views.workload, name="workload"),
    path("enquiries/", views.enquiry_list, name="enquiry_list"),
    path("enquiries/<uuid:enquiry_id>/", views.enquiry_detail, name="enquiry_detail"),
    path("enquiries/<uuid:enquiry_id>/take/", views.enquiry_take, name="enquiry_take"),
    path("enquiries/<uuid:enquiry_id>/assignment/", views.enquiry_assignment, name="enquiry_assignment"),
    path("enquiries/<uuid:enquiry_id>/rag/", views.enquiry_rerate, name="enquiry_rerate"),
    path("enquiries/<uuid:enquiry_id>/requests/", views.enquiry_requests, name="enquiry_requests"),
    path("enquiries/<uuid:enquiry_id>/decision/", views.enquiry_decide, name="enquiry_decide"),
    path("requests/", views.request_inbox, name="request_inbox"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request_detail"),
    path("early-help/", views.early_help_inbox, name="early_help_inbox"),
    path("early-help/<uuid:request_id>/", views.early_help_detail, name="early_help_detail"),
    path("people/search/", views.person_search, name="person_search"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/chronology/", views.person_chronology, name="person_chronology"),
    path("people/<uuid:person_id>/chronology.pdf", views.person_chronology_pdf, name="person_chronology_pdf"),
    path("people/<uuid:person_id>/household/chronology/", views.household_chronology, name="household_chronology"),
    path("people/<uuid:person_id>/network/", views.family_network, name="family_network"),
    path(
        "people/<uuid:person_id>/household/chronology.pdf",
        views.household_chronology_pdf,
        name="household_chronology_pdf",
    ),
]
