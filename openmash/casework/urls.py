from django.urls import path

from openmash.casework import views

app_name = "casework"

urlpatterns = [
    path("contacts/<uuid:contact_id>/notes/new/", views.note_add, name="note_add"),
    path("contacts/<uuid:contact_id>/strategy-discussion/new/", views.strategy_new, name="strategy_new"),
    path("contacts/<uuid:contact_id>/allocate/", views.allocate, name="allocate"),
    path(
        "contacts/<uuid:contact_id>/acknowledge/",
        views.routed_contact_acknowledge,
        name="routed_contact_acknowledge",
    ),
    path("packs/", views.pack_list, name="pack_list"),
    path("packs/<uuid:contact_id>/", views.pack, name="pack"),
    path(
        "packs/<uuid:contact_id>/allocations/<uuid:allocation_id>/close/",
        views.allocation_close,
        name="allocation_close",
    ),
]
