from django.urls import path

from openmash.partnership import people_admin, views
from openmash.sharing import agreement_views

app_name = "partnership"

urlpatterns = [
    path("", views.partnership_settings, name="settings"),
    path("users/", people_admin.users_list, name="users"),
    path("users/new/", people_admin.user_new, name="user_new"),
    path("users/<int:user_id>/", people_admin.user_detail, name="user_detail"),
    path("users/<int:user_id>/deactivate/", people_admin.user_deactivate, name="user_deactivate"),
    path("approvals/", people_admin.approvals, name="approvals"),
    path("agencies/", people_admin.agencies_list, name="agencies"),
    path("agencies/<slug:code>/", people_admin.agency_detail, name="agency_detail"),
    path("agencies/<slug:code>/deactivate/", people_admin.agency_deactivate, name="agency_deactivate"),
    # information-sharing agreements (issue 7, ADR 0016)
    path("agreements/", agreement_views.agreements_list, name="agreements"),
    path("agreements/new/", agreement_views.agreement_new, name="agreement_new"),
    path("agreements/<uuid:agreement_id>/", agreement_views.agreement_edit, name="agreement_edit"),
    path("agreements/<uuid:agreement_id>/end/", agreement_views.agreement_end, name="agreement_end"),
]
