from django.urls import path

from openmash.messaging import views

app_name = "messaging"

urlpatterns = [
    path("enquiries/<uuid:enquiry_id>/messages/", views.thread, name="thread"),
    path(
        "enquiries/<uuid:enquiry_id>/messages/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
