from django.urls import path

from openmash.sharing import views

app_name = "sharing"

urlpatterns = [
    path("requests/<uuid:request_id>/items/new/", views.item_new, name="item_new"),
    path("items/<uuid:item_id>/decide/<slug:step>/", views.helper, name="helper"),
    path("items/<uuid:item_id>/release/", views.item_release, name="item_release"),
    path("items/<uuid:item_id>/release-request/", views.release_request, name="release_request"),
    path("release-requests/", views.release_requests, name="release_requests"),
    path("packs/<uuid:contact_id>/release-requests/", views.pack_release_requests, name="pack_release_requests"),
    path("packs/<uuid:contact_id>/answers.pdf", views.pack_answers_pdf, name="pack_answers_pdf"),
]
